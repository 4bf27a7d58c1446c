package io.candles.local;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.nio.file.Path;
import java.util.List;
import org.junit.Test;

public class FailureReportTest {
  private static final Path LOG = Path.of("/data/logs/ingester.log");

  @Test
  public void twoLinesNamingTheComponentWhyAndWhatToDo() {
    String r = FailureReport.died("the Kafka broker", 42, 137, List.of("[INFO] started", ""), LOG);
    List<String> lines = r.lines().toList();
    assertThat(lines.size(), is(2));
    assertThat(lines.get(0), is("the Kafka broker (pid 42) died: it was killed with SIGKILL (kill -9 or the "
        + "kernel's out-of-memory killer: see dmesg); its last log line: [INFO] started"));
    assertThat(lines.get(1), containsString("log: " + LOG));
  }

  @Test
  public void theLogTellsWhyBeforeTheExitCode() {
    List<String> oom = List.of("java.lang.OutOfMemoryError: Java heap space", "\tat x.y(Z.java:1)", "...");
    assertThat(FailureReport.died("the pipeline", 1, 3, oom, LOG),
        containsString("died: it ran out of memory; its last log line: java.lang.OutOfMemoryError: Java heap space\n"
            + "lower --rate"));
    assertThat(FailureReport.died("PostgreSQL", 1, -1, List.of("FATAL: could not write: No space left on device"),
        LOG), containsString("died: the disk is full"));
    assertThat(FailureReport.died("the ingester", 1, 2, List.of(), LOG),
        containsString("died: it exited with code 2; its last log line: (none)"));
    assertThat(FailureReport.died("PostgreSQL", 7, -1, List.of("LOG:  ready"), LOG),
        containsString("PostgreSQL (pid 7) died: its process is gone"));
  }
}
