package io.flumesentinel.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest ({@code Implementation-Version}), or "dev" outside a jar. */
public final class ManifestVersion implements IVersionProvider {

  static String version() {
    String version = ManifestVersion.class.getPackage().getImplementationVersion();
    return version == null || version.isBlank() ? "dev" : version;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"flume-sentinel " + version()};
  }
}
