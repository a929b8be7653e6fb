package io.flumesentinel.k8s;

import static java.nio.charset.StandardCharsets.UTF_8;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manifests in {@code k8s/} as shipped: the monitor accepts the ConfigMap's configuration, and
 * the Deployment runs two replicas of it in cluster mode, with ports, probes and the config path
 * that match what the monitor serves and reads, unprivileged and fenced by a NetworkPolicy; and the
 * supervisor's systemd unit, sandboxed.
 */
class ManifestsTest {

  private static final Path K8S = Path.of("k8s");
  private static final Path UNIT = Path.of("conf", "flume-sentinel-supervisor@.service");
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

  @Test
  void theMonitorRunsUnprivilegedOnAReadOnlyRootFileSystem() throws IOException {
    JsonNode pod = only(read("deployment.yaml"), "Deployment").at("/spec/template/spec");
    JsonNode podSecurity = pod.at("/securityContext");
    JsonNode container = pod.at("/containers/0");
    JsonNode security = container.at("/securityContext");

    assertThat(podSecurity.at("/runAsNonRoot").asBoolean()).isTrue();
    assertThat(podSecurity.at("/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
    assertThat(pod.at("/automountServiceAccountToken").asBoolean(true)).isFalse();
    // the user the image runs as, never root
    int user = podSecurity.at("/runAsUser").asInt();
    int group = podSecurity.at("/runAsGroup").asInt();
    assertThat(user).isPositive();
    assertThat(group).isPositive();
    assertThat(Files.readAllLines(K8S.resolve("Dockerfile")))
        .contains("USER " + user + ":" + group);

    assertThat(security.at("/allowPrivilegeEscalation").asBoolean(true)).isFalse();
    assertThat(security.at("/privileged").asBoolean(true)).isFalse();
    assertThat(security.at("/readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(strings(security.at("/capabilities/drop"))).containsExactly("ALL");
    assertThat(security.at("/capabilities/add").isMissingNode()).isTrue();
    assertThat(security.at("/runAsUser").isMissingNode() || security.at("/runAsUser").asInt() > 0)
        .isTrue();

    // /tmp, the only place it writes, is a writable emptyDir
    JsonNode tmp = null;
    for (JsonNode mount : container.at("/volumeMounts")) {
      if ("/tmp".equals(mount.path("mountPath").asText())) {
        tmp = mount;
      }
    }
    assertThat(tmp).as("a volume mounted at /tmp").isNotNull();
    assertThat(tmp.path("readOnly").asBoolean(false)).isFalse();
    String tmpVolume = tmp.path("name").asText();
    assertThat(pod.at("/volumes"))
        .anyMatch(v -> v.path("name").asText().equals(tmpVolume) && v.has("emptyDir"));
  }

  @Test
  void theHistoryIsKeptInAWritableVolumeWhereTheConfigMapPutsIt() throws IOException {
    JsonNode configMap = only(read("configmap.yaml"), "ConfigMap");
    MonitorConfig config =
        ConfigLoader.parse(configMap.at("/data/monitor.yaml").asText(), "k8s/configmap.yaml");
    JsonNode pod = only(read("deployment.yaml"), "Deployment").at("/spec/template/spec");

    assertThat(config.history().enabled()).isTrue();
    // on a read-only root file system, the default (data/history in the working directory) could
    // not be written
    assertThat(config.history().dir().isAbsolute()).isTrue();
    JsonNode mount = named(pod.at("/containers/0/volumeMounts"), "history");
    assertThat(Path.of(mount.at("/mountPath").asText())).isEqualTo(config.history().dir());
    assertThat(mount.path("readOnly").asBoolean(false)).isFalse();
    assertThat(named(pod.at("/volumes"), "history").has("emptyDir")).isTrue();
  }

  @Test
  void theNetworkPolicyLetsInOnlyTheHttpAndEventBusPortsFromChosenPeers() throws IOException {
    JsonNode deployment = only(read("deployment.yaml"), "Deployment");
    JsonNode policy = only(read("networkpolicy.yaml"), "NetworkPolicy");
    MonitorConfig config =
        ConfigLoader.parse(
            only(read("configmap.yaml"), "ConfigMap").at("/data/monitor.yaml").asText(),
            "k8s/configmap.yaml");
    JsonNode container = deployment.at("/spec/template/spec/containers/0");

    assertThat(policy.at("/spec/podSelector/matchLabels"))
        .isEqualTo(deployment.at("/spec/template/metadata/labels"));
    assertThat(strings(policy.at("/spec/policyTypes")))
        .containsExactlyInAnyOrder("Ingress", "Egress");

    List<String> ingressPorts = new ArrayList<>();
    for (JsonNode rule : policy.at("/spec/ingress")) {
      // every rule names its peers: none is open to everyone
      assertThat(rule.path("from").size()).as("peers of %s", rule).isPositive();
      for (JsonNode peer : rule.path("from")) {
        assertThat(peer.has("podSelector") || peer.has("namespaceSelector")).isTrue();
      }
      rule.path("ports").forEach(port -> ingressPorts.add(port.path("port").asText()));
    }
    assertThat(ingressPorts).containsExactlyInAnyOrder("http", "event-bus");
    assertThat(port(container, "http")).isEqualTo(config.http().port());

    List<Integer> egressPorts = new ArrayList<>();
    for (JsonNode rule : policy.at("/spec/egress")) {
      assertThat(rule.path("to").size()).as("peers of %s", rule).isPositive();
      rule.path("ports").forEach(port -> egressPorts.add(port.path("port").asInt()));
    }
    // DNS, the ZooKeeper ensemble of the ConfigMap, the other replicas' event bus
    assertThat(egressPorts).contains(53, config.cluster().port());
    for (String server : config.zookeeper().connect().split(",")) {
      assertThat(egressPorts)
          .contains(Integer.parseInt(server.substring(server.lastIndexOf(':') + 1)));
    }
  }

  @Test
  void theSupervisorUnitIsSandboxedAndLetsFlumeWriteOnlyItsOwnDirectories(@TempDir Path dir)
      throws Exception {
    Map<String, List<String>> service = serviceSection(UNIT);

    assertThat(one(service, "User")).isNotIn("", "root", "0");
    for (String key :
        List.of(
            "NoNewPrivileges",
            "ProtectHome",
            "PrivateTmp",
            "ProtectKernelTunables",
            "ProtectKernelModules",
            "LockPersonality",
            "RestrictSUIDSGID")) {
      assertThat(one(service, key)).as(key).isEqualTo("yes");
    }
    assertThat(one(service, "ProtectSystem")).isEqualTo("strict");
    assertThat(one(service, "RestrictAddressFamilies").split(" "))
        .containsExactlyInAnyOrder("AF_INET", "AF_INET6", "AF_UNIX");
    assertThat(one(service, "CapabilityBoundingSet")).isEmpty();
    assertThat(service).doesNotContainKey("MemoryDenyWriteExecute");

    // What Flume writes as shipped is writable: its state and log directories, its working one.
    List<String> writable = List.of(one(service, "ReadWritePaths").split(" "));
    assertThat(writable)
        .contains(
            "/var/lib/" + one(service, "StateDirectory"),
            "/var/log/" + one(service, "LogsDirectory"),
            one(service, "WorkingDirectory"));
    String execStart = one(service, "ExecStart");
    String logDir = execStart.replaceFirst("(?s).*-Dflume\\.log\\.dir=(\\S+).*", "$1");
    assertThat(writable).contains(logDir);

    // systemd's own check, where systemd is installed (it is not required to build)
    Path analyze = Path.of("/usr/bin/systemd-analyze");
    if (Files.isExecutable(analyze)) {
      Path instance = Files.copy(UNIT, dir.resolve("flume-sentinel-supervisor@test.service"));
      Process verify =
          new ProcessBuilder(analyze.toString(), "verify", "--man=no", instance.toString())
              .redirectErrorStream(true)
              .start();
      String output = new String(verify.getInputStream().readAllBytes(), UTF_8);
      assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();
      // a host without Java at /usr/bin/java says so; anything else is a fault of the unit
      List<String> problems =
          output.lines().filter(line -> !line.contains("is not executable")).toList();
      assertThat(problems).as(output).isEmpty();
    }
  }

  /** The [Service] keys of a unit file, continuation lines joined, each value as written. */
  private static Map<String, List<String>> serviceSection(Path unit) throws IOException {
    String text = Files.readString(unit).replaceAll("\\\\\n\\s*", " ");
    Map<String, List<String>> keys = new LinkedHashMap<>();
    String section = "";
    for (String line : text.lines().toList()) {
      String trimmed = line.strip();
      if (trimmed.startsWith("[")) {
        section = trimmed;
      } else if (section.equals("[Service]") && !trimmed.startsWith("#") && trimmed.contains("=")) {
        int equals = trimmed.indexOf('=');
        keys.computeIfAbsent(trimmed.substring(0, equals), k -> new ArrayList<>())
            .add(trimmed.substring(equals + 1).strip());
      }
    }
    return keys;
  }

  private static String one(Map<String, List<String>> keys, String key) {
    assertThat(keys).as("[Service] " + key).containsKey(key);
    assertThat(keys.get(key)).as(key).hasSize(1);
    return keys.get(key).get(0);
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
