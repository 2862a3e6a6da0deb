package io.midigpt.training;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A child process for {@link DistributedTrainingTest}: one rank of a two-process data-parallel
 * run. Arguments: rank, world size, rendezvous, output folder, cache folder.
 */
public final class DistributedTrainerRank {
  private DistributedTrainerRank() {}

  public static void main(String[] args) {
    int rank = Integer.parseInt(args[0]);
    System.setProperty("midigpt.cache", args[4]);
    try (DataParallelGroup group = new DataParallelGroup(
        rank, Integer.parseInt(args[1]), args[2], Duration.ofSeconds(120))) {
      new Trainer(DistributedTrainingTest.config(Path.of(args[3]), 1),
          DistributedTrainingTest.data(), List.of(), TrainingListener.SILENT, group).run(false);
    }
  }
}
