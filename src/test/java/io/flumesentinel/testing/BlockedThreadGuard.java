package io.flumesentinel.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class during which Vert.x's blocked-thread checker complained: an event loop blocked
 * in a test is an event loop blocked in production. Registered for every test class through {@code
 * META-INF/services} (JUnit extension auto-detection); the appender is wired in {@code
 * logback-test.xml}.
 */
public final class BlockedThreadGuard implements BeforeAllCallback, AfterAllCallback {

  private static final List<String> WARNINGS = new CopyOnWriteArrayList<>();

  /** Logback appender for Vert.x's {@code BlockedThreadChecker} logger. */
  public static final class Appender extends AppenderBase<ILoggingEvent> {
    @Override
    protected void append(ILoggingEvent event) {
      WARNINGS.add(event.getFormattedMessage());
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    WARNINGS.clear();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (!WARNINGS.isEmpty()) {
      String first = WARNINGS.get(0);
      WARNINGS.clear();
      throw new AssertionError(
          "Vert.x reported a blocked thread during " + context.getDisplayName() + ": " + first);
    }
  }
}
