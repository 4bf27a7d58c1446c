package io.candles.runners;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class RestorePointsTest {

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private Path point(Path dir, String relative, int secondsAfterEpoch, boolean complete) throws Exception {
    Path p = Files.createDirectories(dir.resolve(relative));
    if (complete) {
      Path metadata = Files.write(p.resolve("_metadata"), new byte[] {1});
      Files.setLastModifiedTime(metadata, FileTime.from(Instant.ofEpochSecond(1_700_000_000L + secondsAfterEpoch)));
    }
    return p;
  }

  @Test
  public void theNewestCompleteCheckpointOrSavepointWins() throws Exception {
    Path checkpoints = tmp.newFolder("checkpoints").toPath();
    Path savepoints = tmp.newFolder("savepoints").toPath();
    Path oldJob = point(checkpoints, "aaaa/chk-7", 10, true);
    Path newJob = point(checkpoints, "bbbb/chk-12", 30, true);
    point(checkpoints, "bbbb/chk-13", 40, false); // being written: no _metadata yet
    point(checkpoints, "bbbb/shared", 50, true); // not a checkpoint
    Path savepoint = point(savepoints, "savepoint-bbbb-1", 20, true);
    RestorePoints points = new RestorePoints(List.of(checkpoints), List.of(savepoints), List.of());

    assertEquals(Optional.of(newJob), points.newest(Set.of()).map(RestorePoints.RestorePoint::directory));
    assertEquals("a point that failed is passed over for the next newest", Optional.of(savepoint),
        points.newest(Set.of(newJob)).map(RestorePoints.RestorePoint::directory));
    assertEquals(Optional.of(oldJob), points.newest(Set.of(newJob, savepoint)).map(RestorePoints.RestorePoint::directory));
    assertEquals(Optional.empty(), points.newest(Set.of(newJob, savepoint, oldJob)));
  }

  @Test
  public void aSavepointTakenAfterTheLastCheckpointWins() throws Exception {
    // Stop with a savepoint for an upgrade: the savepoint is newer than the job's last checkpoint.
    Path checkpoints = tmp.newFolder("checkpoints").toPath();
    point(checkpoints, "aaaa/chk-3", 10, true);
    Path explicit = point(tmp.getRoot().toPath(), "elsewhere/savepoint-x", 20, true);
    RestorePoints points = new RestorePoints(List.of(checkpoints), List.of(), List.of(explicit.resolve("_metadata")));
    assertEquals(Optional.of(explicit), points.newest(Set.of()).map(RestorePoints.RestorePoint::directory));
  }

  @Test
  public void missingDirectoriesHaveNoRestorePoints() {
    Path none = tmp.getRoot().toPath().resolve("none");
    assertEquals(Optional.empty(), new RestorePoints(List.of(none), List.of(none), List.of(none)).newest(Set.of()));
  }

  @Test
  public void theKeeperNeedsTheFlinkAddressAndReadsFileUrls() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new JobKeeper(Map.of()));
    assertEquals("FLINK_MASTER is not set: the Flink REST address, host:port", e.getMessage());
    IllegalArgumentException d = assertThrows(IllegalArgumentException.class,
        () -> new JobKeeper(Map.of("FLINK_MASTER", "jm:8081", "KEEPER_INTERVAL", "often")));
    assertEquals("KEEPER_INTERVAL=often is not a duration (10s, 5m)", d.getMessage());
  }

  @Test
  public void theOverviewGivesEachJobsStateAndTasks() {
    List<FlinkJobs.Job> jobs = FlinkJobs.parseOverview("{\"jobs\":[{\"jid\":\"a1\",\"name\":\"candles\","
        + "\"state\":\"RUNNING\",\"tasks\":{\"running\":6,\"total\":6}},{\"jid\":\"b2\",\"name\":\"candles\","
        + "\"state\":\"FINISHED\",\"tasks\":{\"running\":0,\"total\":6}},{\"jid\":\"c3\",\"name\":\"other\","
        + "\"state\":\"RESTARTING\",\"tasks\":{\"running\":3,\"total\":6}}]}");
    assertEquals(List.of(new FlinkJobs.Job("a1", "candles", "RUNNING", 6, 6),
        new FlinkJobs.Job("b2", "candles", "FINISHED", 0, 6), new FlinkJobs.Job("c3", "other", "RESTARTING", 3, 6)),
        jobs);
    assertEquals(List.of(true, false, true), jobs.stream().map(FlinkJobs.Job::active).toList());
    assertEquals(List.of(true, false, false), jobs.stream().map(FlinkJobs.Job::fullyRunning).toList());
  }
}
