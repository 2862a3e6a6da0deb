package io.midigpt.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Small real data for training tests: a few folk tunes of the shared corpus. */
final class TrainingFixtures {
  private TrainingFixtures() {}

  static Path shared() {
    String shared = System.getProperty("midigpt.shared");
    return shared != null ? Path.of(shared) : Path.of("..", "..", "..", "shared");
  }

  /** The first {@code count} Nottingham tunes of a split (train or valid), sorted by name. */
  static List<Path> tunes(String split, int count) {
    try (Stream<Path> files = Files.list(shared().resolve("data").resolve(split)
        .resolve("nottingham"))) {
      return files.sorted().limit(count).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A tiny model and run (seconds on one CPU thread) writing into {@code output}. */
  static TrainConfig tiny(Path output, String overrides) {
    String json = "{\"output_dir\": \"" + output.toString().replace("\\", "\\\\") + "\","
        + " \"n_embd\": 32, \"n_layer\": 1, \"n_head\": 2, \"max_seq_len\": 192,"
        + " \"per_device_batch_size\": 2, \"gradient_accumulation_steps\": 2,"
        + " \"learning_rate\": 0.003, \"warmup_steps\": 2, \"lr_scheduler_type\": \"cosine\","
        + " \"save_steps\": 1000, \"eval_steps\": 1000, \"logging_steps\": 1,"
        + " \"max_tracks\": 3, \"num_workers\": 1, \"seed\": 7"
        + (overrides.isEmpty() ? "" : ", " + overrides) + "}";
    return TrainConfig.fromJson(json);
  }
}
