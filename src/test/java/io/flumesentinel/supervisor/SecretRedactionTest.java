package io.flumesentinel.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What an operator sees of an agent's command line and output: secrets hidden, the rest kept. */
class SecretRedactionTest {

  static Stream<Arguments> arguments() {
    return Stream.of(
        // -D system properties that hold secrets
        Arguments.of("-Dkafka.password=hunter2", "-Dkafka.password=***"),
        Arguments.of(
            "-Djavax.net.ssl.keyStorePassword=hunter2", "-Djavax.net.ssl.keyStorePassword=***"),
        Arguments.of("-Dssl.truststore.password=hunter2", "-Dssl.truststore.password=***"),
        Arguments.of("-Dssl.key.password=hunter2", "-Dssl.key.password=***"),
        Arguments.of("-Ddb.passwd=hunter2", "-Ddb.passwd=***"),
        Arguments.of("-Dsmtp.pwd=hunter2", "-Dsmtp.pwd=***"),
        Arguments.of("-Daws.secretKey=hunter2", "-Daws.secretKey=***"),
        Arguments.of("-Dclient_secret=hunter2", "-Dclient_secret=***"),
        Arguments.of("-Dauth.token=hunter2", "-Dauth.token=***"),
        Arguments.of("-Dgcp.credentials=/etc/x.json", "-Dgcp.credentials=***"),
        Arguments.of("-Dapi.key=hunter2", "-Dapi.key=***"),
        Arguments.of("-DapiKey=hunter2", "-DapiKey=***"),
        Arguments.of("-Dssl.key=hunter2", "-Dssl.key=***"),
        Arguments.of("-Dencryption-key=hunter2", "-Dencryption-key=***"),
        Arguments.of("-Dpem.passphrase=hunter2", "-Dpem.passphrase=***"),
        Arguments.of("-Ds3.accessKey=hunter2", "-Ds3.accessKey=***"),
        Arguments.of("-Dhttp.authorization=Bearer hunter2", "-Dhttp.authorization=***"),
        // Kafka's JAAS line: the whole value, spaces and quotes included
        Arguments.of(
            "-Dsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"u\" password=\"hunter2\";",
            "-Dsasl.jaas.config=***"),
        Arguments.of("-DPASSWORD=hunter2", "-DPASSWORD=***"),
        Arguments.of("-Dempty.password=", "-Dempty.password=***"),
        // long options
        Arguments.of("--password=hunter2", "--password=***"),
        Arguments.of("--ssl.keystore.password=hunter2", "--ssl.keystore.password=***"),
        Arguments.of("-token=hunter2", "-token=***"),
        // what is not a secret stays as it is
        Arguments.of(
            "-Dssl.keystore.location=/etc/kafka/ks.p12",
            "-Dssl.keystore.location=/etc/kafka/ks.p12"),
        Arguments.of("-Dssl.keystore.type=PKCS12", "-Dssl.keystore.type=PKCS12"),
        Arguments.of(
            "-Dkey.serializer=org.apache.kafka.StringSerializer",
            "-Dkey.serializer=org.apache.kafka.StringSerializer"),
        Arguments.of("-Dflume.monitoring.port=34545", "-Dflume.monitoring.port=34545"),
        Arguments.of("-Dflume.root.logger=INFO,console", "-Dflume.root.logger=INFO,console"),
        Arguments.of("-Xmx1g", "-Xmx1g"),
        Arguments.of("--no-reload-conf", "--no-reload-conf"),
        Arguments.of("/opt/flume/conf:/opt/flume/lib/*", "/opt/flume/conf:/opt/flume/lib/*"),
        Arguments.of("org.apache.flume.node.Application", "org.apache.flume.node.Application"),
        // a script given to a shell: each assignment inside it
        Arguments.of(
            "exec java -Dx.password=hunter2 -Dx.port=1 -jar app.jar",
            "exec java -Dx.password=*** -Dx.port=1 -jar app.jar"),
        Arguments.of(
            "curl https://user:hunter2@example.com/x", "curl https://user:***@example.com/x"));
  }

  @ParameterizedTest
  @MethodSource("arguments")
  void oneArgument(String argument, String shown) {
    assertThat(SecretRedaction.command(List.of(argument))).containsExactly(shown);
  }

  static Stream<Arguments> commandLines() {
    return Stream.of(
        Arguments.of(
            List.of("java", "-Dkafka.password=hunter2", "-cp", "lib/*", "Main", "-n", "a1"),
            "java -Dkafka.password=*** -cp lib/* Main -n a1"),
        // an option whose value is the next argument
        Arguments.of(
            List.of("tool", "--password", "hunter2", "--user", "u"),
            "tool --password *** --user u"),
        Arguments.of(List.of("tool", "-token", "hunter2"), "tool -token ***"),
        Arguments.of(List.of("tool", "--verbose", "x"), "tool --verbose x"),
        Arguments.of(List.of("tool", "--password"), "tool --password"));
  }

  @ParameterizedTest
  @MethodSource("commandLines")
  void wholeCommandLines(List<String> command, String logged) {
    assertThat(SecretRedaction.commandLine(command)).isEqualTo(logged);
  }

  static Stream<Arguments> outputLines() {
    return Stream.of(
        // what flume-ng prints before it execs java
        Arguments.of(
            "+ exec /usr/bin/java -Xmx20m -Dkafka.password=hunter2 -cp '/opt/flume/lib/*'"
                + " org.apache.flume.node.Application -n a1",
            "+ exec /usr/bin/java -Xmx20m -Dkafka.password=*** -cp '/opt/flume/lib/*'"
                + " org.apache.flume.node.Application -n a1"),
        Arguments.of(
            "sasl.jaas.config = PlainLoginModule required username=\"u\" password=\"hunter2\";",
            "sasl.jaas.config = PlainLoginModule required username=\"u\" password=***;"),
        Arguments.of(
            "config: {\"user\": \"u\", \"password\": \"hun\\\"ter2\"}",
            "config: {\"user\": \"u\", \"password\": \"***\"}"),
        Arguments.of("token='hunter2' next", "token=*** next"),
        // a line cut inside a quoted value: the rest of it is hidden
        Arguments.of("x password=\"hunter2 and more", "x password=***"),
        Arguments.of("{\"password\": \"hunter2 and more", "{\"password\": \"***\""),
        Arguments.of("GET /x?access_token=hunter2&page=2", "GET /x?access_token=***&page=2"),
        Arguments.of(
            "jdbc:postgresql://flume:hunter2@db:5432/x", "jdbc:postgresql://flume:***@db:5432/x"),
        Arguments.of("channel c1 is 93% full", "channel c1 is 93% full"),
        Arguments.of(
            "2025-01-01 12:00:00,000 INFO key=value count=3",
            "2025-01-01 12:00:00,000 INFO key=*** count=3"),
        Arguments.of("", ""));
  }

  @ParameterizedTest
  @MethodSource("outputLines")
  void linesOfOutput(String line, String shown) {
    assertThat(SecretRedaction.text(line)).isEqualTo(shown);
  }

  /** Lines as long as the supervisor logs, shaped to make a backtracking pattern recurse. */
  static Stream<Arguments> longLines() {
    String x = "x".repeat(ChildProcess.MAX_LINE_CHARS);
    String escapes = "\\\"".repeat(ChildProcess.MAX_LINE_CHARS / 2);
    return Stream.of(
        Arguments.of("{\"password\": \"" + x, "{\"password\": \"***\""),
        Arguments.of("{\"password\": \"" + escapes + "\"}", "{\"password\": \"***\"}"),
        Arguments.of("password=\"" + x, "password=***"),
        Arguments.of("password='" + x + "' end", "password=*** end"),
        Arguments.of("-Dx.password=" + x, "-Dx.password=***"),
        Arguments.of(x + "=" + x, x + "=" + x),
        Arguments.of("https://u:" + x + "@h/", "https://u:***@h/"),
        Arguments.of("a=b ".repeat(2000), "a=b ".repeat(2000)));
  }

  @ParameterizedTest
  @MethodSource("longLines")
  void longLinesAreHandledInOneGo(String line, String shown) {
    assertThat(SecretRedaction.text(line)).isEqualTo(shown);
  }

  @ParameterizedTest
  @MethodSource("arguments")
  void nothingShownContainsTheSecret(String argument, String ignored) {
    assertThat(SecretRedaction.commandLine(List.of(argument))).doesNotContain("hunter2");
  }
}
