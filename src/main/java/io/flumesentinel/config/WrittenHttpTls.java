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
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code http.tls} section as the file writes it, checked into an {@link HttpTlsConfig}.
 *
 * @param value the checked TLS setting
 */
record WrittenHttpTls(HttpTlsConfig value) {

  private static final Pattern PEM_BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

  /** The private key forms the server reads (PKCS#8, PKCS#1 RSA, SEC1 EC). */
  private static final List<String> KEY_BLOCKS =
      List.of("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY");

  /**
   * {@code certFile} and {@code keyFile}, or {@code keyStore} with {@code keyStoreType} ({@code
   * PKCS12} or {@code JKS}; by default {@code JKS} for a {@code .jks} file, else {@code PKCS12}),
   * {@code keyAlias} and the password as {@code keyStorePasswordEnv} (the name of an environment
   * variable) or {@code keyStorePasswordFile} (a file holding it).
   */
  @JsonCreator
  static WrittenHttpTls read(
      @JsonProperty("certFile") String certFile,
      @JsonProperty("keyFile") String keyFile,
      @JsonProperty("keyStore") String keyStore,
      @JsonProperty("keyStoreType") String keyStoreType,
      @JsonProperty("keyAlias") String keyAlias,
      @JsonProperty("keyStorePasswordEnv") String passwordEnv,
      @JsonProperty("keyStorePasswordFile") String passwordFile,
      @JacksonInject(value = YamlBinding.ENVIRONMENT, useInput = OptBoolean.FALSE)
          Function<String, String> environment) {
    boolean pem = certFile != null || keyFile != null;
    boolean store =
        keyStore != null
            || keyStoreType != null
            || keyAlias != null
            || passwordEnv != null
            || passwordFile != null;
    if (pem && store) {
      throw new ConfigException(
          certFile != null ? "certFile" : "keyFile",
          "give certFile and keyFile, or keyStore with its password, not both");
    }
    if (pem) {
      return new WrittenHttpTls(pem(certFile, keyFile));
    }
    if (store) {
      return new WrittenHttpTls(
          keyStore(keyStore, keyStoreType, keyAlias, passwordEnv, passwordFile, environment));
    }
    throw new ConfigException(
        "", "give certFile and keyFile (PEM), or keyStore with keyStorePasswordEnv");
  }

  private static HttpTlsConfig.Pem pem(String certFile, String keyFile) {
    if (certFile == null) {
      throw new ConfigException("certFile", "is required with keyFile");
    }
    if (keyFile == null) {
      throw new ConfigException("keyFile", "is required with certFile");
    }
    Path cert = HttpFiles.readable("certFile", certFile);
    Path key = HttpFiles.readable("keyFile", keyFile);
    certificates(cert);
    String keyText = HttpFiles.text("keyFile", key);
    List<String> keys = blocks(keyText);
    // PKCS#8 encrypted, or the older OpenSSL form whose block carries a Proc-Type header.
    if (keys.contains("ENCRYPTED PRIVATE KEY") || keyText.contains("Proc-Type: 4,ENCRYPTED")) {
      throw new ConfigException(
          "keyFile",
          ConfigChecks.quote(keyFile)
              + " holds an encrypted private key, which the server cannot read: decrypt it"
              + " ('openssl pkey') into a file only the monitor may read, or use keyStore");
    }
    if (Collections.disjoint(keys, KEY_BLOCKS)) {
      throw new ConfigException(
          "keyFile",
          ConfigChecks.quote(keyFile)
              + " holds no PEM private key (-----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or EC"
              + " PRIVATE KEY)");
    }
    return new HttpTlsConfig.Pem(cert, key);
  }

  /** Checks that the PEM file holds at least one certificate and that each can be read. */
  private static void certificates(Path file) {
    String text = HttpFiles.text("certFile", file);
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
            "certFile",
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
          "certFile",
          ConfigChecks.quote(file.toString())
              + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
  }

  private static List<String> blocks(String text) {
    List<String> names = new ArrayList<>();
    Matcher block = PEM_BLOCK.matcher(text);
    while (block.find()) {
      names.add(block.group(1));
    }
    return names;
  }

  private static HttpTlsConfig.KeyStore keyStore(
      String keyStore,
      String keyStoreType,
      String keyAlias,
      String passwordEnv,
      String passwordFile,
      Function<String, String> environment) {
    if (keyStore == null) {
      throw new ConfigException("keyStore", "is required with the other keyStore keys");
    }
    Path file = HttpFiles.readable("keyStore", keyStore);
    String type = type(keyStoreType, file);
    String password =
        HttpFiles.secret(
            "keyStorePasswordEnv", passwordEnv, "keyStorePasswordFile", passwordFile, environment);
    if (password == null) {
      throw new ConfigException(
          "keyStorePasswordEnv",
          "is required with keyStore: the name of the environment variable holding its password"
              + " (or keyStorePasswordFile)");
    }
    String passwordKey =
        ReceiverChecks.stripped(passwordEnv).isEmpty()
            ? "keyStorePasswordFile"
            : "keyStorePasswordEnv";
    String passwordFrom =
        "http.tls."
            + passwordKey
            + "="
            + (passwordKey.equals("keyStorePasswordEnv") ? passwordEnv : passwordFile).strip();
    String alias = keyAlias == null || keyAlias.isBlank() ? null : keyAlias.strip();
    alias = checkStore(file, type, alias, password, passwordKey);
    return new HttpTlsConfig.KeyStore(file, type, alias, password, passwordFrom);
  }

  private static String type(String written, Path file) {
    if (written == null || written.isBlank()) {
      return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jks")
          ? "JKS"
          : "PKCS12";
    }
    String type = written.strip().toUpperCase(Locale.ROOT);
    if (!type.equals("PKCS12") && !type.equals("JKS")) {
      throw new ConfigException(
          "keyStoreType", "must be PKCS12 or JKS, got " + ConfigChecks.quote(written));
    }
    return type;
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
      store.load(new ByteArrayInputStream(HttpFiles.bytes("keyStore", file)), chars(password));
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException) {
        throw new ConfigException(
            passwordKey, "the password does not open the key store http.tls.keyStore");
      }
      throw new ConfigException(
          "keyStore",
          ConfigChecks.quote(file.toString())
              + " cannot be read as a "
              + type
              + " key store: "
              + e.getMessage());
    } catch (GeneralSecurityException e) {
      throw new ConfigException(
          "keyStore",
          ConfigChecks.quote(file.toString())
              + " cannot be read as a "
              + type
              + " key store: "
              + e.getMessage());
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
            "keyAlias",
            "the key store holds no key named " + ConfigChecks.quote(alias) + "; it holds " + keys);
      }
      if (keys.isEmpty()) {
        throw new ConfigException(
            "keyStore", ConfigChecks.quote(file.toString()) + " holds no private key");
      }
      if (alias == null && keys.size() > 1) {
        throw new ConfigException(
            "keyAlias", "is required: the key store holds " + keys.size() + " keys, " + keys);
      }
      String chosen = alias == null ? keys.get(0) : alias;
      store.getKey(chosen, chars(password));
      if (store.getCertificateChain(chosen) == null) {
        throw new ConfigException(
            "keyStore", "the key " + ConfigChecks.quote(chosen) + " has no certificate");
      }
      return alias;
    } catch (UnrecoverableKeyException e) {
      throw new ConfigException(
          "keyStore",
          "the key's own password differs from the store's; give the key the store's password");
    } catch (KeyStoreException | java.security.NoSuchAlgorithmException e) {
      throw new ConfigException(
          "keyStore", ConfigChecks.quote(file.toString()) + " cannot be read: " + e.getMessage());
    }
  }

  private static char[] chars(String password) {
    return password.toCharArray();
  }
}
