package io.flumesentinel.config;

import java.nio.file.Path;

/**
 * TLS on the HTTP port: off, a certificate and key in PEM files, or a PKCS#12 or JKS key store.
 * What the JDK can check without starting a server (files readable, PEM blocks present, the
 * certificate readable, the key store opened by its password and holding one key) is checked when
 * the file is read; the server checks the rest when it starts, naming {@link #key()}.
 */
public sealed interface HttpTlsConfig {

  /** Plain HTTP. */
  HttpTlsConfig OFF = new Off();

  /** Whether the port speaks TLS. */
  default boolean enabled() {
    return !(this instanceof Off);
  }

  /** The full config key naming this key material, for problems found when the server starts. */
  String key();

  /** Plain HTTP. */
  record Off() implements HttpTlsConfig {
    @Override
    public String key() {
      return "http.tls";
    }
  }

  /**
   * A certificate (chain) and its unencrypted private key in PEM files ({@code http.tls.certFile},
   * {@code http.tls.keyFile}).
   */
  record Pem(Path certFile, Path keyFile) implements HttpTlsConfig {
    @Override
    public String key() {
      return "http.tls.keyFile";
    }
  }

  /**
   * A key store holding the server's key and certificate chain.
   *
   * @param type {@code PKCS12} or {@code JKS}
   * @param alias the entry of the key, {@code null} when the store holds only one
   * @param password opens the store and its key; read from {@code passwordFrom}, never from the
   *     config file, and left out of {@link #toString()}
   * @param passwordFrom the key that gave the password ({@code http.tls.keyStorePasswordEnv=NAME}
   *     or {@code http.tls.keyStorePasswordFile=PATH})
   */
  record KeyStore(Path file, String type, String alias, String password, String passwordFrom)
      implements HttpTlsConfig {
    @Override
    public String key() {
      return "http.tls.keyStore";
    }

    @Override
    public String toString() {
      return "KeyStore[file="
          + file
          + ", type="
          + type
          + ", alias="
          + alias
          + ", password=(hidden, from "
          + passwordFrom
          + ")]";
    }
  }
}
