package io.flumesentinel.config;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.OptBoolean;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code http.tls} section as the file writes it, checked into an {@link HttpTlsConfig}: a
 * certificate and key in PEM files ({@code certFile}, {@code keyFile}), or a {@code keyStore}
 * mapping written as {@code zookeeper.tls.keyStore} is, plus the {@code alias} of its key.
 *
 * @param value the checked TLS setting
 */
record WrittenHttpTls(HttpTlsConfig value) {

  private static final Pattern PEM_BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

  /** The private key forms the server reads (PKCS#8, PKCS#1 RSA, SEC1 EC). */
  private static final List<String> KEY_BLOCKS =
      List.of("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY");

  /** {@code certFile} and {@code keyFile}, or {@code keyStore}. */
  @JsonCreator
  static WrittenHttpTls read(
      @JsonProperty("certFile") String certFile,
      @JsonProperty("keyFile") String keyFile,
      @JsonProperty("keyStore") KeyStoreSection keyStore) {
    boolean pem = certFile != null || keyFile != null;
    if (pem && keyStore != null) {
      throw new ConfigException(
          certFile != null ? "certFile" : "keyFile",
          "give certFile and keyFile, or keyStore, not both");
    }
    if (keyStore != null) {
      return new WrittenHttpTls(keyStore.value());
    }
    if (!pem) {
      throw new ConfigException("", "give certFile and keyFile (PEM files), or keyStore");
    }
    if (certFile == null) {
      throw new ConfigException("certFile", "is required with keyFile");
    }
    if (keyFile == null) {
      throw new ConfigException("keyFile", "is required with certFile");
    }
    Path cert = HttpFiles.readable("certFile", certFile);
    Path key = HttpFiles.readable("keyFile", keyFile);
    certificates("certFile", cert);
    privateKey("keyFile", key);
    return new WrittenHttpTls(new HttpTlsConfig.Pem(cert, key));
  }

  /**
   * The {@code http.tls.keyStore} mapping: {@code location}, {@code type} ({@code PKCS12}, {@code
   * JKS} or {@code PEM}; by default from the file name, as for {@code zookeeper.tls}), at most one
   * of {@code passwordEnv} (the NAME of an environment variable) and {@code passwordFile} (a file
   * whose first line is the password), and {@code alias} (the key's entry, when there are several).
   * A PEM store is one file holding the unencrypted private key and its certificate chain, and
   * takes no password.
   *
   * @param value the checked TLS setting
   */
  record KeyStoreSection(HttpTlsConfig value) {

    @JsonCreator
    static KeyStoreSection read(
        @JsonProperty("location") String location,
        @JsonProperty("type") String type,
        @JsonProperty("passwordEnv") String passwordEnv,
        @JsonProperty("passwordFile") String passwordFile,
        @JsonProperty("alias") String alias,
        @JacksonInject(value = YamlBinding.ENVIRONMENT, useInput = OptBoolean.FALSE)
            Function<String, String> environment) {
      Path file = HttpFiles.readable("location", location);
      ZkTlsConfig.StoreType storeType = ZkTlsConfig.StoreType.read(type, file);
      String password =
          HttpFiles.secret("passwordEnv", passwordEnv, "passwordFile", passwordFile, environment);
      String passwordKey =
          ReceiverChecks.stripped(passwordEnv).isEmpty() ? "passwordFile" : "passwordEnv";
      String chosen = alias == null || alias.isBlank() ? null : alias.strip();
      if (storeType == ZkTlsConfig.StoreType.PEM) {
        if (password != null) {
          throw new ConfigException(
              passwordKey, "a PEM key store takes no password: its private key is not encrypted");
        }
        if (chosen != null) {
          throw new ConfigException("alias", "a PEM key store holds one key and takes no alias");
        }
        certificates("location", file);
        privateKey("location", file);
        return new KeyStoreSection(new HttpTlsConfig.Pem(file, file));
      }
      if (password == null) {
        throw new ConfigException(
            "passwordEnv",
            "is required for a "
                + storeType
                + " key store: the NAME of the environment variable holding its password (or"
                + " passwordFile)");
      }
      String source =
          passwordKey.equals("passwordEnv")
              ? "environment variable " + passwordEnv.strip()
              : "file " + passwordFile.strip();
      chosen = checkStore(file, storeType.name(), chosen, password, passwordKey);
      return new KeyStoreSection(
          new HttpTlsConfig.KeyStore(file, storeType.name(), chosen, password, source));
    }
  }

  /** Checks that the PEM file holds at least one certificate and that each can be read. */
  private static void certificates(String key, Path file) {
    String text = HttpFiles.text(key, file);
    Matcher block = PEM_BLOCK.matcher(text);
    int found = 0;
    while (block.find()) {
      if (!block.group(1).equals("CERTIFICATE")) {
        continue;
      }
      found++;
      try {
        byte[] der = Base64.getMimeDecoder().decode(block.group(2));
        CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
      } catch (IllegalArgumentException | CertificateException e) {
        throw new ConfigException(
            key,
            "certificate "
                + found
                + " in "
                + ConfigChecks.quote(file.toString())
                + " cannot be read: "
                + e.getMessage());
      }
    }
    if (found == 0) {
      throw new ConfigException(
          key,
          ConfigChecks.quote(file.toString())
              + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
  }

  /**
   * Checks that the PEM file holds an unencrypted private key; the server parses it when it starts.
   */
  private static void privateKey(String key, Path file) {
    String text = HttpFiles.text(key, file);
    List<String> blocks = new ArrayList<>();
    Matcher block = PEM_BLOCK.matcher(text);
    while (block.find()) {
      blocks.add(block.group(1));
    }
    // PKCS#8 encrypted, or the older OpenSSL form whose block carries a Proc-Type header.
    if (blocks.contains("ENCRYPTED PRIVATE KEY") || text.contains("Proc-Type: 4,ENCRYPTED")) {
      throw new ConfigException(
          key,
          ConfigChecks.quote(file.toString())
              + " holds an encrypted private key, which the server cannot read: decrypt it"
              + " ('openssl pkey') into a file only the monitor may read, or use a PKCS12 key"
              + " store");
    }
    if (Collections.disjoint(blocks, KEY_BLOCKS)) {
      throw new ConfigException(
          key,
          ConfigChecks.quote(file.toString())
              + " holds no PEM private key (-----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or EC"
              + " PRIVATE KEY)");
    }
  }

  /**
   * Opens the store with the password and finds its key: the one under {@code alias}, or the only
   * one. Messages never hold the password.
   *
   * @return the alias of the key, {@code null} when the store holds just one and none was named
   */
  private static String checkStore(
      Path file, String type, String alias, String password, String passwordKey) {
    java.security.KeyStore store;
    try {
      store = java.security.KeyStore.getInstance(type);
      store.load(
          new ByteArrayInputStream(HttpFiles.bytes("location", file)), password.toCharArray());
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException) {
        throw new ConfigException(passwordKey, "the password does not open the key store");
      }
      throw unreadable(file, type, e);
    } catch (GeneralSecurityException e) {
      throw unreadable(file, type, e);
    }
    List<String> keys = new ArrayList<>();
    try {
      for (String entry : Collections.list(store.aliases())) {
        if (store.isKeyEntry(entry)) {
          keys.add(entry);
        }
      }
      if (alias != null && !keys.contains(alias)) {
        throw new ConfigException(
            "alias",
            "the key store holds no key named " + ConfigChecks.quote(alias) + "; it holds " + keys);
      }
      if (keys.isEmpty()) {
        throw new ConfigException(
            "location", ConfigChecks.quote(file.toString()) + " holds no private key");
      }
      if (alias == null && keys.size() > 1) {
        throw new ConfigException(
            "alias", "is required: the key store holds " + keys.size() + " keys, " + keys);
      }
      String chosen = alias == null ? keys.get(0) : alias;
      store.getKey(chosen, password.toCharArray());
      if (store.getCertificateChain(chosen) == null) {
        throw new ConfigException(
            "location", "the key " + ConfigChecks.quote(chosen) + " has no certificate");
      }
      return alias;
    } catch (UnrecoverableKeyException e) {
      throw new ConfigException(
          "location",
          "the key's own password differs from the store's; give the key the store's password");
    } catch (KeyStoreException | NoSuchAlgorithmException e) {
      throw unreadable(file, type, e);
    }
  }

  private static ConfigException unreadable(Path file, String type, Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new ConfigException(
        "location",
        ConfigChecks.quote(file.toString())
            + " cannot be read as a "
            + type
            + " key store: "
            + message.lines().findFirst().orElse(""));
  }
}
