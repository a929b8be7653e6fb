package io.flumesentinel.testing;

import io.flumesentinel.config.ClusterConfig;
import io.flumesentinel.config.ClusterTlsConfig;
import io.flumesentinel.config.ZkTlsConfig;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PfxOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The certificates of a test cluster: the monitors' ({@code member}) and a subscribing
 * application's ({@code application}), both in the trust store, and a {@code stranger}'s, which is
 * not. Made once per JVM with {@link TestCertificates} ({@link #shared()}), or in a directory of a
 * test's own ({@link #create}).
 *
 * @param passwordFile holds {@link TestCertificates#PASSWORD}, the password of every store
 */
public record ClusterTls(
    TestCertificates.Identity member,
    TestCertificates.Identity application,
    TestCertificates.Identity stranger,
    Path trustStore,
    Path passwordFile) {

  private static ClusterTls shared;

  /** Certificates made once for this JVM, in a temporary directory removed when it exits. */
  public static synchronized ClusterTls shared() {
    if (shared == null) {
      try {
        Path dir = Files.createTempDirectory("cluster-tls");
        shared = create(dir);
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      try (var files = Files.list(dir)) {
                        files.forEach(f -> f.toFile().delete());
                      } catch (IOException e) {
                        // a temporary directory: the system cleans it up eventually
                      }
                      dir.toFile().delete();
                    }));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return shared;
  }

  /** Makes the three identities and the trust store in {@code dir}. */
  public static ClusterTls create(Path dir) throws IOException, InterruptedException {
    TestCertificates.Identity member = TestCertificates.create(dir, "member");
    TestCertificates.Identity application = TestCertificates.create(dir, "application");
    TestCertificates.Identity stranger = TestCertificates.create(dir, "stranger");
    Path trust = TestCertificates.trustStore(dir.resolve("trust.p12"), member, application);
    Path password = Files.writeString(dir.resolve("password"), TestCertificates.PASSWORD + "\n");
    return new ClusterTls(member, application, stranger, trust, password);
  }

  /** {@code cluster.tls} of a monitor: its key store and the trust store, passwords from a file. */
  public ClusterTlsConfig monitorTls() {
    return new ClusterTlsConfig(
        new ClusterTlsConfig.Store(
            member.keyStore(), ZkTlsConfig.StoreType.PKCS12, null, passwordFile, null),
        new ClusterTlsConfig.Store(
            trustStore, ZkTlsConfig.StoreType.PKCS12, null, passwordFile, null));
  }

  /** A secured cluster on {@code host}, any free port. */
  public ClusterConfig cluster(String host) {
    return new ClusterConfig(true, null, host, 0, monitorTls(), false);
  }

  /** The same as lines of a monitor file, for the fat jar. */
  public List<String> yaml(String host) {
    return List.of(
        "cluster:",
        "  enabled: true",
        "  host: " + host,
        "  tls:",
        "    keyStore: { location: " + member.keyStore() + ", passwordFile: " + passwordFile + " }",
        "    trustStore: { location: " + trustStore + ", passwordFile: " + passwordFile + " }");
  }

  /**
   * The event bus of an application holding {@code identity}, trusting what the monitors trust, as
   * an application configures it with Vert.x alone.
   */
  public EventBusOptions applicationBus(TestCertificates.Identity identity) {
    return new EventBusOptions()
        .setHost("127.0.0.1")
        .setSsl(true)
        .setKeyCertOptions(
            new PfxOptions()
                .setPath(identity.keyStore().toString())
                .setPassword(TestCertificates.PASSWORD))
        .setTrustOptions(
            new PfxOptions().setPath(trustStore.toString()).setPassword(TestCertificates.PASSWORD))
        .setTrustAll(false)
        .setClientAuth(ClientAuth.REQUIRED);
  }
}
