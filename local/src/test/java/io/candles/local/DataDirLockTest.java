package io.candles.local;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.Test;

public class DataDirLockTest {

  @Test
  public void aSecondHolderIsToldWhoHasItAndWhatToDoAndMayTakeItOnceFree() throws Exception {
    Path dir = Files.createTempDirectory(Files.createDirectories(Paths.get("target").toAbsolutePath()), "lock-");
    long me = ProcessHandle.current().pid();
    try (DataDirLock first = DataDirLock.acquire(dir)) {
      assertThat(Files.readString(dir.resolve(".lock"), StandardCharsets.UTF_8).trim(), is(Long.toString(me)));
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> DataDirLock.acquire(dir));
      assertThat(e.getMessage(), is(dir + " is in use by PID " + me + " (another run-local); stop that one "
          + "(Ctrl-C in its terminal, or kill " + me + ") or choose another --data-dir"));
    }
    // Released: the next one takes it, though the old PID is still in the file.
    DataDirLock.acquire(dir).close();
  }
}
