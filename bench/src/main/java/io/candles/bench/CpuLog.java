package io.candles.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How busy the whole machine's cores were, sampled from {@code /proc/stat} while a latency run
 * sends, and the stretches in which every core was busy: on a box shared by the broker, the
 * database, the load generator and the pipeline, a tick that waits for a core is late although no
 * pause or checkpoint ran. The log is a CSV, one line per sample: the sample's time (epoch ms), the
 * busy share of all cores since the previous sample (per mille), and the runnable threads at the
 * sample ({@code procs_running}).
 */
final class CpuLog {
  /** The kernel counts CPU time in ticks of 10 ms; a tenth of a second gives 5 % steps on 2 cores. */
  static final long SAMPLE_MILLIS = 100;
  /** Busy at or above this share of all cores (per mille) counts as saturated. */
  static final int SATURATED_PER_MILLE = 950;
  static final String HEADER = "time_ms,busy_per_mille,procs_running";

  private CpuLog() {
  }

  /** Saturated stretches: runs of consecutive saturated samples, each from the sample before it. */
  static List<Interval> parse(List<String> lines) {
    List<Interval> stretches = new ArrayList<>();
    long previous = -1;
    long start = -1;
    long end = -1;
    int samples = 0;
    int maxRunnable = 0;
    for (String line : lines) {
      if (line.isBlank() || line.startsWith("time_ms")) {
        continue;
      }
      String[] f = line.split(",");
      long at = Long.parseLong(f[0].trim());
      int busy = Integer.parseInt(f[1].trim());
      int runnable = Integer.parseInt(f[2].trim());
      if (busy >= SATURATED_PER_MILLE && previous >= 0) {
        if (start < 0) {
          start = previous;
          samples = 0;
          maxRunnable = 0;
        }
        end = at;
        samples++;
        maxRunnable = Math.max(maxRunnable, runnable);
      } else if (start >= 0) {
        stretches.add(stretch(start, end, samples, maxRunnable));
        start = -1;
      }
      previous = at;
    }
    if (start >= 0) {
      stretches.add(stretch(start, end, samples, maxRunnable));
    }
    return stretches;
  }

  private static Interval stretch(long start, long end, int samples, int maxRunnable) {
    return new Interval(TailSource.CPU_SATURATED, start, end,
        String.format("all cores busy for %d ms (up to %d runnable threads)", end - start, maxRunnable));
  }

  /** Samples the machine's cores into {@code file} until closed; one daemon thread. */
  static final class Sampler implements AutoCloseable {
    private static final Path PROC_STAT = Path.of("/proc/stat");
    private final Thread thread;
    private volatile boolean running = true;

    private Sampler(Path file) throws IOException {
      Files.createDirectories(file.toAbsolutePath().getParent());
      BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
      out.write(HEADER);
      out.newLine();
      thread = new Thread(() -> run(out), "cpu-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    /** Starts sampling, or returns null (with one line on why) where there is no {@code /proc/stat}. */
    static Sampler start(Path file) throws IOException {
      if (!Files.isReadable(PROC_STAT)) {
        System.out.println("no /proc/stat here: CPU saturation is not recorded");
        return null;
      }
      return new Sampler(file);
    }

    private void run(BufferedWriter out) {
      try (out) {
        long[] before = read();
        long next = System.currentTimeMillis() + SAMPLE_MILLIS;
        while (running) {
          Thread.sleep(Math.max(0, next - System.currentTimeMillis()));
          long now = System.currentTimeMillis();
          next += SAMPLE_MILLIS;
          long[] after = read();
          long total = after[0] - before[0];
          long idle = after[1] - before[1];
          int busy = total <= 0 ? 0 : (int) (1000 * (total - idle) / total);
          out.write(now + "," + busy + "," + after[2]);
          out.newLine();
          before = after;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot sample /proc/stat", e);
      }
    }

    /** All cores' total and idle (idle + iowait) time in kernel ticks, and the runnable threads. */
    private static long[] read() throws IOException {
      long total = 0;
      long idle = 0;
      long runnable = 0;
      for (String line : Files.readAllLines(PROC_STAT, StandardCharsets.US_ASCII)) {
        if (line.startsWith("cpu ")) {
          String[] f = line.trim().split("\\s+");
          // user nice system idle iowait irq softirq steal; guest time is already in user and nice.
          for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
            long v = Long.parseLong(f[i]);
            total += v;
            if (i == 4 || i == 5) {
              idle += v;
            }
          }
        } else if (line.startsWith("procs_running ")) {
          runnable = Long.parseLong(line.substring("procs_running ".length()).trim());
        }
      }
      return new long[] {total, idle, runnable};
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.join(5_000);
    }
  }
}
