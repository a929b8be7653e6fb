package io.flumesentinel.appender;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The on-disk overflow of the appender's queue: a file of length-prefixed events, appended at its
 * end and read from its start, never larger than {@code maxBytes}. When everything written has been
 * read the file is emptied, so the space comes back. A spool that a previous run left behind is
 * sent first (its events keep the headers they were logged with).
 *
 * <p>Not thread-safe: {@link EventBuffer} calls it under its spool lock, which no logging thread
 * takes. Nothing is forced to the disk: the spool bridges an outage of the agents, not a crash of
 * the application. A second appender (in this process or another) cannot use the same file: it is
 * locked while open.
 */
final class Spool implements SpoolFile {

  /** Length prefix and the fixed fields of a record. */
  private static final int RECORD_OVERHEAD = 4 + 8 + 4 + 4;

  private final Path file;
  private final long maxBytes;
  private final RandomAccessFile data;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private long readPos;
  private long writePos;

  private Spool(
      Path file, long maxBytes, RandomAccessFile data, FileChannel lockChannel, FileLock lock)
      throws IOException {
    this.file = file;
    this.maxBytes = maxBytes;
    this.data = data;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.readPos = 0;
    this.writePos = Math.min(data.length(), maxBytes);
  }

  /**
   * Opens (or creates) {@code <dir>/<name>.spool}.
   *
   * @throws IOException when the directory cannot be written or another appender holds the file
   */
  static Spool open(Path dir, String name, long maxBytes) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(name + ".spool");
    FileChannel lockChannel =
        FileChannel.open(
            dir.resolve(name + ".lock"),
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lockChannel.tryLock();
    } catch (IOException | RuntimeException e) {
      lockChannel.close();
      throw e;
    }
    if (lock == null) {
      lockChannel.close();
      throw new IOException("another appender uses the spool " + file);
    }
    return new Spool(file, maxBytes, new RandomAccessFile(file.toFile(), "rw"), lockChannel, lock);
  }

  Path file() {
    return file;
  }

  /** Bytes the file holds now; never above the cap. */
  @Override
  public long bytes() {
    return writePos;
  }

  @Override
  public long maxBytes() {
    return maxBytes;
  }

  @Override
  public boolean isEmpty() {
    return readPos >= writePos;
  }

  /**
   * Appends {@code event} unless that would take the file over its cap.
   *
   * @return false when the event does not fit (the caller drops it)
   * @throws UncheckedIOException when the disk refuses the write
   */
  boolean append(OutgoingEvent event) {
    return append(encode(event));
  }

  @Override
  public boolean append(byte[] record) {
    if (writePos + record.length > maxBytes) {
      return false;
    }
    try {
      data.seek(writePos);
      data.write(record);
      writePos += record.length;
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Up to {@code max} events, oldest first; the file is emptied once all are read. */
  @Override
  public List<OutgoingEvent> read(int max) {
    List<OutgoingEvent> events = new ArrayList<>();
    try {
      while (events.size() < max && readPos + 4 <= writePos) {
        data.seek(readPos);
        int length = data.readInt();
        if (length < RECORD_OVERHEAD - 4 || readPos + 4 + length > writePos) {
          // a record cut short (a run that ended mid-write): nothing after it can be read
          readPos = writePos;
          break;
        }
        byte[] payload = new byte[length];
        data.readFully(payload);
        readPos += 4 + length;
        events.add(decode(payload));
      }
      if (readPos >= writePos) {
        data.setLength(0);
        readPos = 0;
        writePos = 0;
      }
    } catch (IOException e) {
      // what cannot be read is given up (and counted by the caller), so the queue moves on
      readPos = 0;
      writePos = 0;
      try {
        data.setLength(0);
      } catch (IOException ignored) {
        // the next append overwrites from the start either way
      }
      throw new UncheckedIOException(e);
    }
    return events;
  }

  @Override
  public void close() throws IOException {
    try {
      data.close();
    } finally {
      try {
        lock.release();
      } finally {
        lockChannel.close();
      }
    }
  }

  /**
   * The record {@link #append(byte[])} writes for {@code event}: pure memory work.
   *
   * @throws UncheckedIOException when a header is too long for the record format
   */
  static byte[] encode(OutgoingEvent event) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + event.body().length);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(0); // the length, filled in below
      out.writeLong(event.seq());
      out.writeInt(event.headers().size());
      for (Map.Entry<String, String> header : event.headers().entrySet()) {
        out.writeUTF(header.getKey());
        out.writeUTF(header.getValue());
      }
      out.writeInt(event.body().length);
      out.write(event.body());
      out.flush();
      byte[] record = bytes.toByteArray();
      int length = record.length - 4;
      record[0] = (byte) (length >>> 24);
      record[1] = (byte) (length >>> 16);
      record[2] = (byte) (length >>> 8);
      record[3] = (byte) length;
      return record;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static OutgoingEvent decode(byte[] payload) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
    long seq = in.readLong();
    int count = in.readInt();
    if (count < 0 || count > payload.length / 4) {
      throw new IOException("spool record damaged");
    }
    Map<String, String> headers = new HashMap<>();
    for (int i = 0; i < count; i++) {
      headers.put(in.readUTF(), in.readUTF());
    }
    int bodyLength = in.readInt();
    if (bodyLength < 0 || bodyLength > payload.length) {
      throw new IOException("spool record damaged");
    }
    byte[] body = new byte[bodyLength];
    in.readFully(body);
    return new OutgoingEvent(seq, headers, body);
  }
}
