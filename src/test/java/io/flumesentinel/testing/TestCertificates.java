package io.flumesentinel.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed certificates for tests of TLS: made with the JDK's own {@code keytool}, so no
 * certificate is checked into the repository and none outlives the test.
 *
 * <p>Each {@link Identity} is one key pair with a certificate valid for {@code localhost} and
 * {@code 127.0.0.1}, available as a PKCS#12 key store and as PEM files. A trust store that holds
 * only some identities' certificates lets a test show that a party holding another one is refused.
 */
public final class TestCertificates {

  /** The password of every store made here. */
  public static final String PASSWORD = "changeit";

  private TestCertificates() {}

  /**
   * One key pair and its certificate.
   *
   * @param keyStore PKCS#12 holding the private key and certificate (alias {@code name})
   * @param certPem the certificate, PEM
   * @param keyPem the private key, PKCS#8 PEM
   */
  public record Identity(String name, Path keyStore, Path certPem, Path keyPem) {}

  /** Makes a key pair named {@code name} in {@code dir} (which must exist). */
  public static Identity create(Path dir, String name) throws IOException, InterruptedException {
    Path keyStore = dir.resolve(name + "-keystore.p12");
    keytool(
        "-genkeypair",
        "-alias",
        name,
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "2",
        "-dname",
        "CN=" + name,
        "-ext",
        "SAN=dns:localhost,ip:127.0.0.1",
        "-storetype",
        "PKCS12",
        "-keystore",
        keyStore.toString(),
        "-storepass",
        PASSWORD,
        "-keypass",
        PASSWORD);
    Path certPem = dir.resolve(name + "-cert.pem");
    Path keyPem = dir.resolve(name + "-key.pem");
    try (InputStream in = Files.newInputStream(keyStore)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, PASSWORD.toCharArray());
      Certificate certificate = store.getCertificate(name);
      Key key = store.getKey(name, PASSWORD.toCharArray());
      Files.writeString(certPem, pem("CERTIFICATE", certificate.getEncoded()));
      Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the key store keytool made: " + e, e);
    }
    return new Identity(name, keyStore, certPem, keyPem);
  }

  /** A PKCS#12 trust store at {@code path} holding the certificates of {@code trusted}. */
  public static Path trustStore(Path path, Identity... trusted)
      throws IOException, InterruptedException {
    for (Identity identity : trusted) {
      keytool(
          "-importcert",
          "-noprompt",
          "-alias",
          identity.name(),
          "-file",
          identity.certPem().toString(),
          "-storetype",
          "PKCS12",
          "-keystore",
          path.toString(),
          "-storepass",
          PASSWORD);
    }
    return path;
  }

  private static String pem(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException("keytool " + args[0] + " failed: " + output.strip());
    }
  }
}
