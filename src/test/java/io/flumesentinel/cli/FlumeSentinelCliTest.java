package io.flumesentinel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.FlumeSentinel;
import io.flumesentinel.config.MonitorConfig;
import io.flumesentinel.config.WebhookReceiverConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs the command line in-process with a launcher that records the config a user would get. */
class FlumeSentinelCliTest {

  @TempDir Path dir;

  private final List<MonitorConfig> launched = new ArrayList<>();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(MonitorLauncher launcher, String... args) {
    CommandLine commandLine = FlumeSentinel.commandLine(launcher);
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  private int run(String... args) {
    return run(launched::add, args);
  }

  private Path yaml(String text) throws Exception {
    return Files.writeString(dir.resolve("monitor.yaml"), text);
  }

  private List<String> errLines() {
    return err.toString().lines().toList();
  }

  @Test
  void withoutOptionsTheMonitorGetsTheDefaults() {
    assertThat(run("monitor")).isZero();

    assertThat(launched).containsExactly(MonitorConfig.defaults());
    assertThat(launched.get(0).zookeeper().embedded()).isTrue();
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void optionsWinOverTheConfigFile() throws Exception {
    Path config =
        yaml(
            """
        zookeeper: { connect: "zk1:2181", root: /file-root, sessionTimeoutMs: 20000 }
        http: { port: 9000 }
        classifier: { graceMs: 100 }
        receivers: [ { name: from-file, urls: [ "http://file/hook" ] } ]
        """);

    int status =
        run(
            "monitor",
            "--config",
            config.toString(),
            "--zk",
            "zk7:2181,zk8:2181",
            "--root",
            "/cli-root/",
            "--http-port",
            "0",
            "--webhook",
            "http://a/hook,http://a-backup/hook",
            "--webhook",
            "https://b/hook",
            "--grace-ms",
            "3000");

    assertThat(status).isZero();
    MonitorConfig got = launched.get(0);
    assertThat(got.zookeeper().connect()).isEqualTo("zk7:2181,zk8:2181");
    assertThat(got.zookeeper().root()).isEqualTo("/cli-root");
    assertThat(got.zookeeper().sessionTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(got.http().port()).isZero();
    assertThat(got.classifier().grace()).isEqualTo(Duration.ofSeconds(3));
    assertThat(got.receivers())
        .containsExactly(
            WebhookReceiverConfig.of("webhook-1", List.of("http://a/hook", "http://a-backup/hook")),
            WebhookReceiverConfig.of("webhook-2", List.of("https://b/hook")));
  }

  @Test
  void aBrokenConfigIsOneLineNamingTheKeyAndExitCode2() throws Exception {
    Path config = yaml("receivers:\n  - name: ops\n    urls: [ 'htp://x' ]\n");

    int status = run("monitor", "--config", config.toString());

    assertThat(status).isEqualTo(2);
    assertThat(launched).isEmpty();
    assertThat(errLines())
        .containsExactly(
            "flume-sentinel: config error: receivers[0].urls[0]: 'htp://x' is not an http or https URL");
  }

  @Test
  void clusterModeWithoutTlsIsRefusedUnlessInsecureIsSaidOutright() throws Exception {
    assertThat(run("monitor", "--zk", "zk1:2181", "--cluster")).isEqualTo(2);

    assertThat(launched).isEmpty();
    assertThat(errLines())
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .startsWith(
                        "flume-sentinel: config error: --cluster: the clustered event bus needs"
                            + " TLS: set cluster.tls")
                    .contains("or cluster.insecure: true to run it without"));

    Path insecure = yaml("cluster: { enabled: false, insecure: true }\n");
    assertThat(run("monitor", "--config", insecure.toString(), "--cluster")).isZero();
    assertThat(launched.get(0).cluster().enabled()).isTrue();
    assertThat(launched.get(0).cluster().insecure()).isTrue();
  }

  @Test
  void anUnusableCertificateFileStopsTheMonitorWithOneLineAndExitCode2() throws Exception {
    Path config =
        yaml(
            """
        zookeeper: { connect: "127.0.0.1:1" }
        cluster:
          tls:
            keyStore: { location: %s, passwordEnv: CLUSTER_TLS_PASSWORD }
            trustStore: { location: %s }
        """
                .formatted(dir.resolve("member.p12"), dir.resolve("ca.pem")));

    assertThat(run(new MonitorBootstrap(), "monitor", "--config", config.toString())).isEqualTo(2);

    assertThat(errLines())
        .containsExactly(
            "flume-sentinel: config error: cluster.tls.keyStore.location: '"
                + dir.resolve("member.p12")
                + "' not found");
  }

  @Test
  void aMissingConfigFileIsOneLineNamingTheFile() {
    Path missing = dir.resolve("absent.yaml");

    assertThat(run("monitor", "--config", missing.toString())).isEqualTo(2);

    assertThat(errLines())
        .containsExactly("flume-sentinel: config error: " + missing + ": config file not found");
  }

  @Test
  void aBadOverrideIsOneLineNamingTheOption() {
    assertThat(run("monitor", "--http-port", "70000")).isEqualTo(2);

    assertThat(errLines())
        .containsExactly(
            "flume-sentinel: config error: --http-port: must be between 0 and 65535, got 70000");
  }

  @Test
  void theEmbeddedZooKeeperPortComesFromItsOptionOverTheFile() throws Exception {
    Path config = yaml("zookeeper: { embedded: { port: 2300 } }\n");

    assertThat(run("monitor", "--config", config.toString(), "--embedded-zk-port", "2400"))
        .isZero();
    assertThat(run("monitor", "--embedded-zk-port", "70000")).isEqualTo(2);

    assertThat(launched).hasSize(1);
    assertThat(launched.get(0).zookeeper().embeddedPort()).isEqualTo(2400);
    assertThat(launched.get(0).zookeeper().embedded()).isTrue();
    assertThat(errLines())
        .containsExactly(
            "flume-sentinel: config error: --embedded-zk-port: must be between 0 and 65535, got"
                + " 70000");
  }

  @Test
  void usageErrorsAreOneLineWithExitCode2() {
    assertThat(run("monitor", "--http-port", "eighty")).isEqualTo(2);
    assertThat(run("monitor", "--zk-connect", "x")).isEqualTo(2);
    assertThat(run()).isEqualTo(2);

    assertThat(errLines())
        .hasSize(3)
        .allSatisfy(line -> assertThat(line).startsWith("flume-sentinel: usage error: "));
    assertThat(errLines().get(0)).contains("--http-port", "eighty");
    assertThat(errLines().get(1)).contains("--zk-connect");
    assertThat(errLines().get(2)).contains("a command is required: monitor");
    assertThat(launched).isEmpty();
  }

  @Test
  void aFailingLaunchIsExitCode1WithOneLine() {
    int status =
        run(
            config -> {
              throw new IllegalStateException("port 8080 is in use");
            },
            "monitor");

    assertThat(status).isEqualTo(1);
    assertThat(errLines()).containsExactly("flume-sentinel: monitor failed: port 8080 is in use");
  }

  @Test
  void monitorHelpListsEveryOption() {
    assertThat(run("monitor", "--help")).isZero();

    assertThat(out.toString())
        .contains(
            "--config=FILE",
            "--zk=CONNECT",
            "--root=PATH",
            "--http-port=N",
            "--embedded-zk-port=N",
            "--webhook=URL[,URL...]",
            "--grace-ms=N",
            "--help",
            "--version")
        .contains("failover", "embedded ZooKeeper");
    assertThat(launched).isEmpty();
  }

  @Test
  void versionComesFromTheManifestOrIsDev() {
    assertThat(run("--version")).isZero();

    assertThat(out.toString().strip()).isEqualTo("flume-sentinel dev");
  }
}
