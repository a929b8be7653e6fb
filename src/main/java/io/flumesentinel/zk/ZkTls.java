package io.flumesentinel.zk;

import io.flumesentinel.config.ZkTlsConfig;
import org.apache.zookeeper.ClientCnxnSocketNetty;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ClientX509Util;

/**
 * The ZooKeeper client properties of a {@link ZkTlsConfig}: TLS needs the Netty client socket (the
 * default NIO socket has no TLS), {@code zookeeper.client.secure}, and the {@code zookeeper.ssl.*}
 * store settings of ZooKeeper's {@link ClientX509Util}.
 */
final class ZkTls {

  private ZkTls() {}

  static void apply(ZkTlsConfig tls, ZKClientConfig config) {
    config.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
    config.setProperty(
        ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, ClientCnxnSocketNetty.class.getName());
    try (ClientX509Util x509 = new ClientX509Util()) {
      config.setProperty(
          x509.getSslHostnameVerificationEnabledProperty(),
          Boolean.toString(tls.hostnameVerification()));
      ZkTlsConfig.Store key = tls.keyStore();
      if (key != null) {
        config.setProperty(x509.getSslKeystoreLocationProperty(), key.location().toString());
        config.setProperty(x509.getSslKeystoreTypeProperty(), key.type().name());
        if (key.password() != null) {
          config.setProperty(x509.getSslKeystorePasswdProperty(), key.password());
        }
      }
      ZkTlsConfig.Store trust = tls.trustStore();
      if (trust != null) {
        config.setProperty(x509.getSslTruststoreLocationProperty(), trust.location().toString());
        config.setProperty(x509.getSslTruststoreTypeProperty(), trust.type().name());
        if (trust.password() != null) {
          config.setProperty(x509.getSslTruststorePasswdProperty(), trust.password());
        }
      }
    }
  }
}
