package io.flumesentinel;

import static org.assertj.core.api.Assertions.assertThat;

import io.flumesentinel.testing.MonitorJar;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The two jars the build makes, as files: the appender's holds the appender and its relocated
 * dependencies and nothing an application could already have (no Vert.x, nothing of the monitor);
 * the fat jar holds no appender and keeps its main class.
 */
class ShippedJarsIT {

  @Test
  void theAppenderJarHoldsTheAppenderAndRelocatedDependenciesOnly() throws IOException {
    try (JarFile jar = new JarFile(System.getProperty("flumesentinel.appender.jar"))) {
      List<String> entries =
          Collections.list(jar.entries()).stream()
              .filter(e -> !e.isDirectory())
              .map(ZipEntry::getName)
              .toList();

      assertThat(entries)
          .contains(
              "io/flumesentinel/appender/logback/FlumeLogbackAppender.class",
              "io/flumesentinel/appender/log4j2/FlumeLog4j2Appender.class",
              "io/flumesentinel/appender/FlumeSender.class",
              "META-INF/org/apache/logging/log4j/core/config/plugins/Log4j2Plugins.dat")
          .anyMatch(e -> e.startsWith("io/flumesentinel/appender/shaded/netty/"))
          .anyMatch(e -> e.startsWith("io/flumesentinel/appender/shaded/curator/"));
      assertThat(entries)
          .as("classes outside the appender's package: only Flume's protocol, by its wire names")
          .filteredOn(e -> e.endsWith(".class"))
          .allMatch(
              e ->
                  e.startsWith("io/flumesentinel/appender/")
                      || e.startsWith("org/apache/flume/source/avro/"));
      assertThat(entries)
          .noneMatch(e -> e.contains("io/vertx/") || e.startsWith("ch/qos/logback/"));
      try (InputStream plugins =
          jar.getInputStream(
              jar.getEntry(
                  "META-INF/org/apache/logging/log4j/core/config/plugins/Log4j2Plugins.dat"))) {
        assertThat(new String(plugins.readAllBytes(), StandardCharsets.ISO_8859_1))
            .contains("io.flumesentinel.appender.log4j2.FlumeLog4j2Appender");
      }
    }
  }

  @Test
  void theFatJarKeepsItsMainClassAndHoldsNoAppender() throws IOException {
    try (JarFile jar = new JarFile(MonitorJar.jar())) {
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo("io.flumesentinel.FlumeSentinel");
      assertThat(Collections.list(jar.entries()).stream().map(ZipEntry::getName))
          .as("the dashboard's files travel in the jar: nothing is fetched from elsewhere")
          .contains(
              "io/flumesentinel/dashboard/page/index.html",
              "io/flumesentinel/dashboard/page/app.js",
              "io/flumesentinel/dashboard/page/style.css",
              "io/flumesentinel/dashboard/page/favicon.svg");
      assertThat(Collections.list(jar.entries()).stream().map(ZipEntry::getName))
          .noneMatch(e -> e.startsWith("io/flumesentinel/appender/"))
          .noneMatch(e -> e.startsWith("org/apache/flume/") || e.startsWith("org/apache/avro/"))
          .noneMatch(e -> e.contains("Log4j2Plugins.dat"));
    }
  }
}
