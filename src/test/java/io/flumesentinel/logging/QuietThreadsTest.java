package io.flumesentinel.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class QuietThreadsTest {

  private static final org.slf4j.Logger log = LoggerFactory.getLogger(QuietThreadsTest.class);

  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  @BeforeEach
  void listen() {
    lines.start();
    root.addAppender(lines);
  }

  @AfterEach
  void stopListening() {
    root.detachAppender(lines);
  }

  @Test
  void theWorkAndTheThreadsItStartsAreQuietWhileOtherThreadsAreNot() throws Exception {
    CountDownLatch workLogged = new CountDownLatch(1);
    CompletableFuture<Void> other =
        CompletableFuture.runAsync(
            () -> {
              try {
                workLogged.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              log.info("another thread, during the work");
            },
            command -> new Thread(command, "not-started-by-the-work").start());

    QuietThreads.run(
        () -> {
          log.info("the work");
          Thread started = new Thread(() -> log.info("a thread the work started"));
          started.start();
          started.join();
          workLogged.countDown();
          other.get(10, TimeUnit.SECONDS);
          return null;
        });

    assertThat(lines.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly("another thread, during the work");
  }

  @Test
  void aThreadTheWorkStartedLogsOnceTheWorkIsOver() throws Exception {
    CountDownLatch workOver = new CountDownLatch(1);
    Thread[] outliving = new Thread[1];
    QuietThreads.run(
        () -> {
          outliving[0] =
              new Thread(
                  () -> {
                    try {
                      workOver.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                    log.info("after the work, from a thread it started");
                  });
          outliving[0].start();
          return null;
        });
    workOver.countDown();
    outliving[0].join(10_000);
    log.info("after the work, from its own thread");

    assertThat(lines.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly(
            "after the work, from a thread it started", "after the work, from its own thread");
  }

  @Test
  void theMonitorsAppenderFormatsAQuietLineAsItWouldWriteItAndWritesOnlyTheOthers()
      throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    List<String> formatted = new CopyOnWriteArrayList<>();
    PatternLayoutEncoder pattern = new PatternLayoutEncoder();
    pattern.setContext(root.getLoggerContext());
    pattern.setPattern("%msg%n");
    pattern.start();
    Encoder<ILoggingEvent> counting =
        new EncoderBase<>() {
          @Override
          public byte[] headerBytes() {
            return null;
          }

          @Override
          public byte[] encode(ILoggingEvent event) {
            byte[] bytes = pattern.encode(event);
            formatted.add(new String(bytes, StandardCharsets.UTF_8).strip());
            return bytes;
          }

          @Override
          public byte[] footerBytes() {
            return null;
          }
        };
    OutputStreamAppender<ILoggingEvent> output = new OutputStreamAppender<>();
    output.setContext(root.getLoggerContext());
    output.setEncoder(counting);
    output.setOutputStream(console);
    output.start();
    NonBlockingAsyncAppender async = new NonBlockingAsyncAppender();
    async.setContext(root.getLoggerContext());
    async.addAppender(output);
    async.start();
    root.addAppender(async);
    try {
      QuietThreads.run(
          () -> {
            log.info("a quiet line");
            return null;
          });
      log.info("a line after the work");
      async.stop(); // writes what is queued

      assertThat(formatted).containsExactly("a quiet line", "a line after the work");
      assertThat(console.toString(StandardCharsets.UTF_8).strip())
          .isEqualTo("a line after the work");
    } finally {
      root.detachAppender(async);
      async.stop();
    }
  }
}
