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
   * A certificate (chain) and its unencrypted private key in PEM: two files ({@code
   * http.tls.certFile}, {@code http.tls.keyFile}), or one ({@code http.tls.keyStore} of type {@code
   * PEM}), when both are the same.
   */
  record Pem(Path certFile, Path keyFile) implements HttpTlsConfig {
    @Override
    public String key() {
      return oneFile() ? "http.tls.keyStore.location" : "http.tls.keyFile";
    }

    /** Whether the key and its certificate are in one file. */
    public boolean oneFile() {
      return certFile.equals(keyFile);
    }
  }

  /**
   * A PKCS#12 or JKS key store holding the server's key and certificate chain ({@code
   * http.tls.keyStore}).
   *
   * @param type {@code PKCS12} or {@code JKS}
   * @param alias the entry of the key, {@code null} when the store holds only one
   * @param password opens the store and its key; read from {@code passwordSource}, never from the
   *     config file, and left out of {@link #toString()}
   * @param passwordSource where the password came from ({@code environment variable NAME} or {@code
   *     file PATH})
   */
  record KeyStore(Path file, String type, String alias, String password, String passwordSource)
      implements HttpTlsConfig {
    @Override
    public String key() {
      return "http.tls.keyStore.location";
    }

    @Override
    public String toString() {
      return "KeyStore[file="
          + file
          + ", type="
          + type
          + ", alias="
          + alias
          + ", password=(from "
          + passwordSource
          + ")]";
    }
  }
}
