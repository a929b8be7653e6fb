package io.flumesentinel.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.flumesentinel.protocol.UntrustedText;
import org.slf4j.helpers.MessageFormatter;

/**
 * The log message with the control characters of its arguments escaped ({@code \n} as the two
 * characters backslash and n, others as a Java unicode escape): a value that came from outside (an
 * agent's host, a label, a receiver's answer) can neither start a forged log line nor send a
 * terminal escape sequence. The message's own text, which the program writes (such as a multi-line
 * banner), is kept as it is. Used in the logback pattern as {@code %oneLineMsg}.
 */
public final class OneLineMessageConverter extends ClassicConverter {

  @Override
  public String convert(ILoggingEvent event) {
    Object[] arguments = event.getArgumentArray();
    if (arguments == null || arguments.length == 0) {
      return event.getFormattedMessage();
    }
    Object[] escaped = new Object[arguments.length];
    for (int i = 0; i < arguments.length; i++) {
      escaped[i] = escape(arguments[i]);
    }
    return MessageFormatter.basicArrayFormat(event.getMessage(), escaped);
  }

  private static Object escape(Object argument) {
    if (argument == null || argument.getClass().isArray()) {
      return argument;
    }
    String text = String.valueOf(argument);
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean control = c != '\t' && UntrustedText.isControl(c);
      if (control && out == null) {
        out = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (out == null) {
        continue;
      }
      if (!control) {
        out.append(c);
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out == null ? argument : out.toString();
  }
}
