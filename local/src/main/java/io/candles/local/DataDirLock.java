package io.candles.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Who runs on a data directory: DIR/.lock, locked while a run-local holds it, with its PID inside.
 * Without it a second run on the same directory would take the first one's PostgreSQL for a
 * leftover and stop it. The operating system releases the lock when the process ends, however it
 * ends, so a crashed run never blocks the next one.
 */
final class DataDirLock implements AutoCloseable {
  static final String FILE = ".lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock, or fails with one line naming the holder's PID and what to do. */
  static DataDirLock acquire(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(FILE);
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // This JVM holds it already.
    }
    if (lock == null) {
      channel.close();
      String pid = Files.readString(file, StandardCharsets.UTF_8).trim();
      throw new IllegalStateException(dir + " is in use by PID " + (pid.isEmpty() ? "(unknown)" : pid)
          + " (another run-local); stop that one (Ctrl-C in its terminal, or kill " + (pid.isEmpty() ? "it" : pid)
          + ") or choose another --data-dir");
    }
    channel.truncate(0);
    channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
    channel.force(false);
    return new DataDirLock(channel, lock);
  }

  @Override
  public void close() throws IOException {
    // The PID stays in the file: only the lock says whether it is held.
    lock.release();
    channel.close();
  }
}
