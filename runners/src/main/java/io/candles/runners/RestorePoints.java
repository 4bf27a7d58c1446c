package io.candles.runners;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The checkpoints and savepoints a job can be resumed from, as Flink lays them out on the file system
 * the JobManager writes them to: retained checkpoints in {@code CHECKPOINTS_DIR/<job id>/chk-<n>/},
 * savepoints in {@code SAVEPOINTS_DIR/savepoint-<...>/}. A directory is complete once it holds
 * {@code _metadata}, which Flink writes last; its modification time orders them.
 */
final class RestorePoints {

  static final String METADATA = "_metadata";

  /** A directory to resume from and when it was completed. */
  record RestorePoint(Path directory, FileTime completed) {}

  private final List<Path> checkpointDirs;
  private final List<Path> savepointDirs;
  private final List<Path> explicit;

  /**
   * @param checkpointDirs the cluster's {@code state.checkpoints.dir} (job id directories below it)
   * @param savepointDirs the cluster's {@code state.savepoints.dir}
   * @param explicit restore points named by the user (a directory or its {@code _metadata})
   */
  RestorePoints(List<Path> checkpointDirs, List<Path> savepointDirs, List<Path> explicit) {
    this.checkpointDirs = List.copyOf(checkpointDirs);
    this.savepointDirs = List.copyOf(savepointDirs);
    this.explicit = List.copyOf(explicit);
  }

  /** The newest complete restore point that is not among {@code excluded}. */
  Optional<RestorePoint> newest(Collection<Path> excluded) {
    return all().stream().filter(p -> !excluded.contains(p.directory()))
        .max(Comparator.comparing(RestorePoint::completed).thenComparing(p -> p.directory().toString()));
  }

  /** Every complete restore point. */
  List<RestorePoint> all() {
    List<RestorePoint> points = new ArrayList<>();
    for (Path dir : checkpointDirs) {
      for (Path job : children(dir)) {
        for (Path chk : children(job)) {
          if (chk.getFileName().toString().startsWith("chk-")) {
            complete(chk).ifPresent(points::add);
          }
        }
      }
    }
    for (Path dir : savepointDirs) {
      for (Path savepoint : children(dir)) {
        complete(savepoint).ifPresent(points::add);
      }
    }
    for (Path p : explicit) {
      complete(p.getFileName() != null && p.getFileName().toString().equals(METADATA) ? p.getParent() : p)
          .ifPresent(points::add);
    }
    return points;
  }

  private static Optional<RestorePoint> complete(Path dir) {
    Path metadata = dir.resolve(METADATA);
    try {
      return Files.isRegularFile(metadata) && Files.size(metadata) > 0
          ? Optional.of(new RestorePoint(dir, Files.getLastModifiedTime(metadata))) : Optional.empty();
    } catch (IOException e) {
      // Removed or unreadable while looked at: not a point to resume from.
      return Optional.empty();
    }
  }

  private static List<Path> children(Path dir) {
    List<Path> children = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return children;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Files::isDirectory)) {
      entries.forEach(children::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    return children;
  }
}
