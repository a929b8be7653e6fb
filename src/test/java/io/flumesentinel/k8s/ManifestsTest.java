package io.flumesentinel.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.flumesentinel.config.ClusterTlsConfig;
import io.flumesentinel.config.ConfigLoader;
import io.flumesentinel.config.MonitorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The manifests in {@code k8s/} as shipped: the monitor accepts the ConfigMap's configuration, and
 * the Deployment runs two replicas of it in cluster mode, with ports, probes and the config path
 * that match what the monitor serves and reads.
 */
class ManifestsTest {

  private static final Path K8S = Path.of("k8s");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void theDeploymentRunsTwoClusteredMonitorsOnTheConfigMapsConfiguration() throws IOException {
    JsonNode configMap = only(read("configmap.yaml"), "ConfigMap");
    JsonNode deployment = only(read("deployment.yaml"), "Deployment");
    JsonNode service = only(read("service.yaml"), "Service");

    String fileName = "monitor.yaml";
    MonitorConfig config =
        ConfigLoader.parse(configMap.at("/data/" + fileName).asText(), "k8s/configmap.yaml");
    assertThat(config.cluster().enabled()).isTrue();

    assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(2);
    JsonNode pod = deployment.at("/spec/template/spec");
    JsonNode container = pod.at("/containers/0");
    // The config file the monitor is started with is the ConfigMap's, where the volume mounts it.
    JsonNode mount = container.at("/volumeMounts/0");
    assertThat(pod.at("/volumes/0/configMap/name").asText())
        .isEqualTo(configMap.at("/metadata/name").asText());
    assertThat(pod.at("/volumes/0/name").asText()).isEqualTo(mount.at("/name").asText());
    List<String> args = strings(container.at("/args"));
    assertThat(args).contains("monitor", "--config");
    assertThat(args.get(args.indexOf("--config") + 1))
        .isEqualTo(mount.at("/mountPath").asText() + "/" + fileName);

    // The event bus is secured with the files of the Secret the Deployment mounts.
    ClusterTlsConfig tls = config.cluster().tls();
    assertThat(tls).isNotNull();
    assertThat(config.cluster().insecure()).isFalse();
    JsonNode secretMount = named(container.at("/volumeMounts"), "cluster-tls");
    assertThat(named(pod.at("/volumes"), "cluster-tls").at("/secret/secretName").asText())
        .isEqualTo("flume-sentinel-cluster-tls");
    Path secretPath = Path.of(secretMount.at("/mountPath").asText());
    assertThat(
            List.of(
                tls.keyStore().location(),
                tls.keyStore().keyLocation(),
                tls.trustStore().location()))
        .allSatisfy(file -> assertThat(file.getParent()).isEqualTo(secretPath))
        .extracting(file -> file.getFileName().toString())
        .containsExactly("tls.crt", "tls.key", "ca.crt");

    // Ports: HTTP where the monitor listens (on every interface), the event bus where it binds.
    assertThat(config.http().host()).isEqualTo("0.0.0.0");
    assertThat(port(container, "http")).isEqualTo(config.http().port());
    assertThat(port(container, "event-bus")).isEqualTo(config.cluster().port());
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/health/ready");
    assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health/live");
    assertThat(service.at("/spec/ports/0/targetPort").asText()).isEqualTo("http");
    assertThat(service.at("/spec/selector")).isEqualTo(deployment.at("/spec/selector/matchLabels"));

    // The image built by k8s/Dockerfile has the jar where the Deployment runs it.
    String jar = args.get(args.indexOf("-jar") + 1);
    assertThat(Files.readAllLines(K8S.resolve("Dockerfile")))
        .anyMatch(line -> line.equals("COPY target/flume-sentinel.jar " + jar));
  }

  /** The element of {@code array} whose {@code name} is {@code name}. */
  private static JsonNode named(JsonNode array, String name) {
    for (JsonNode element : array) {
      if (name.equals(element.path("name").asText())) {
        return element;
      }
    }
    throw new AssertionError("no " + name + " in " + array);
  }

  private static List<JsonNode> read(String file) throws IOException {
    List<JsonNode> documents = new ArrayList<>();
    try (var parser = YAML.getFactory().createParser(Files.readString(K8S.resolve(file)))) {
      YAML.readValues(parser, JsonNode.class).forEachRemaining(documents::add);
    }
    return documents;
  }

  private static JsonNode only(List<JsonNode> documents, String kind) {
    List<JsonNode> ofKind =
        documents.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    assertThat(ofKind).as(kind).hasSize(1);
    return ofKind.get(0);
  }

  private static int port(JsonNode container, String name) {
    for (JsonNode port : container.at("/ports")) {
      if (name.equals(port.path("name").asText())) {
        return port.path("containerPort").asInt();
      }
    }
    throw new AssertionError("no container port named " + name);
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }
}
