package io.flumesentinel.appender;

import java.io.IOException;
import java.util.List;

/**
 * The on-disk queue behind {@link EventBuffer}: records appended at the end, events read from the
 * start, never more than {@link #maxBytes} held. {@link Spool} is the file; the interface lets a
 * test put a slow disk in its place.
 *
 * <p>Not thread-safe: {@link EventBuffer} calls it under its spool lock, from its spool-writer
 * thread (appends) and from the sender thread (reads), never from a logging thread.
 */
interface SpoolFile extends AutoCloseable {

  /** Bytes held now; never above {@link #maxBytes}. */
  long bytes();

  /** The cap: an append that would go over it is refused. */
  long maxBytes();

  boolean isEmpty();

  /**
   * Appends one record made by {@link Spool#encode}, unless that would go over the cap.
   *
   * @return false when the record does not fit
   * @throws java.io.UncheckedIOException when the disk refuses the write
   */
  boolean append(byte[] record);

  /**
   * Up to {@code max} events, oldest first; the space comes back once all are read.
   *
   * @throws java.io.UncheckedIOException when the disk refuses the read (what was there is given
   *     up)
   */
  List<OutgoingEvent> read(int max);

  @Override
  void close() throws IOException;
}
