package io.candles.process;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import java.io.File;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

public class WatchParentIT {

  /** A main class that would run forever. */
  public static final class Forever {
    public static void main(String[] args) throws InterruptedException {
      System.out.println("running " + String.join(" ", args));
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  @Test
  public void theChildExitsWhenItsParentDies() throws Exception {
    Process parent = new ProcessBuilder("sleep", "600").start();
    Process child = startChild(Long.toString(parent.pid()));
    try {
      assertThat(new String(child.getInputStream().readNBytes("running a b".length())), equalTo("running a b"));
      assertThat(child.isAlive(), is(true));

      parent.destroyForcibly().waitFor();
      assertThat("child exited within 10 s of its parent", child.waitFor(10, TimeUnit.SECONDS), is(true));
      assertThat(child.exitValue(), equalTo(1));
    } finally {
      child.destroyForcibly();
      parent.destroyForcibly();
    }
  }

  @Test
  public void withoutAParentTheChildJustRuns() throws Exception {
    Process child = startChild("none");
    try {
      assertThat(new String(child.getInputStream().readNBytes("running a b".length())), equalTo("running a b"));
      assertThat(child.waitFor(1500, TimeUnit.MILLISECONDS), is(false));
    } finally {
      child.destroyForcibly().waitFor();
    }
  }

  @Test
  public void aChildStartedByItsClassExitsWhenThisJvmIsGoneAndNotBefore() throws Exception {
    // JavaCommand's own command line, checked by running it: under WatchParent with this JVM's PID.
    List<String> command = JavaCommand.of(Forever.class).args(List.of("a", "b")).ownSession(false).build();
    assertThat(command.get(0), equalTo(JavaCommand.javaBinary()));
    assertThat(command.contains(Long.toString(ProcessHandle.current().pid())), is(true));
    Process child = new ProcessBuilder(command).redirectError(new File("/dev/null")).start();
    try {
      assertThat(new String(child.getInputStream().readNBytes("running a b".length())), equalTo("running a b"));
      assertThat(child.waitFor(1500, TimeUnit.MILLISECONDS), is(false));
    } finally {
      child.destroyForcibly().waitFor();
    }
  }

  private static Process startChild(String parentPid) throws Exception {
    String classpath = System.getProperty("java.class.path");
    List<String> command = List.of(JavaCommand.javaBinary(), "-cp", classpath, WatchParent.class.getName(),
        parentPid, Forever.class.getName(), "a", "b");
    return new ProcessBuilder(command).redirectError(new File("/dev/null")).start();
  }
}
