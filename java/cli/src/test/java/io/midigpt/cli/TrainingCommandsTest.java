package io.midigpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** preprocess, train, plot and eval chained on a few folk tunes, as a user runs them. */
class TrainingCommandsTest {
  @TempDir static Path cache;

  @BeforeAll
  static void privateCache() {
    System.setProperty("midigpt.cache", cache.toString());
    System.setProperty("java.awt.headless", "true");
  }

  @Test
  void preprocessTrainPlotEval(@TempDir Path work) throws Exception {
    Path data = work.resolve("data");
    Files.createDirectories(data);
    try (var tunes = Files.list(CliRun.SHARED.resolve("data/train/nottingham"))) {
      for (Path tune : tunes.sorted().limit(12).toList()) {
        Files.copy(tune, data.resolve(tune.getFileName()));
      }
    }
    Files.write(data.resolve("broken.mid"), new byte[] {1, 2, 3});

    CliRun preprocess = CliRun.of("preprocess", data.toString(), "--show-skipped");
    assertEquals(0, preprocess.exitCode(), preprocess.err());
    assertTrue(preprocess.out().startsWith("13 files read, 12 usable, 1 skipped"),
        preprocess.out());
    assertTrue(preprocess.out().contains("broken.mid: not a valid MIDI file"), preprocess.out());

    Path config = work.resolve("tiny.json");
    Files.writeString(config, "{\"n_embd\": 32, \"n_layer\": 1, \"n_head\": 2,"
        + " \"max_seq_len\": 160, \"per_device_batch_size\": 2, \"gradient_accumulation_steps\": 1,"
        + " \"learning_rate\": 0.003, \"warmup_steps\": 1, \"max_steps\": 6, \"save_steps\": 3,"
        + " \"eval_steps\": 3, \"logging_steps\": 1, \"limit_val_batches\": 1}");
    Path run = work.resolve("run");
    CliRun train = CliRun.of("train", "--config", config.toString(), "--train-data",
        data.toString(), "--eval-data", data.resolve("*.mid").toString(), "--output-dir",
        run.toString());
    assertEquals(0, train.exitCode(), train.err());
    Path model = run.resolve("model_final.safetensors");
    assertEquals(model.toString(), train.out().trim());
    assertTrue(train.err().contains("validation loss"), train.err());
    assertTrue(Files.isDirectory(run.resolve("checkpoints/step-00000006")));

    CliRun plot = CliRun.of("plot", run.toString());
    assertEquals(0, plot.exitCode(), plot.err());
    assertTrue(Files.size(run.resolve("loss.png")) > 1000);
    CliRun again = CliRun.of("plot", run.toString());
    assertEquals(1, again.exitCode(), "an existing image is not replaced without --force");

    CliRun eval = CliRun.of("eval", "--model", model.toString(), "--data", data.toString(),
        "--train-data", data.toString(), "--generation-pieces", "0", "--ngram-order", "3",
        "--json", work.resolve("eval.json").toString());
    assertEquals(0, eval.exitCode(), eval.err());
    assertTrue(eval.out().contains("bits per note (grammar-masked)"), eval.out());
    assertTrue(Files.readString(work.resolve("eval.json")).contains("\"model_bits_per_note\""));

    Path half = work.resolve("half.safetensors");
    CliRun export = CliRun.of("export", model.toString(), "--dtype", "f16", "--out",
        half.toString());
    assertEquals(0, export.exitCode(), export.err());
    assertTrue(Files.size(half) < Files.size(model) * 0.6, "fp16 halves the weights");
    CliRun loads = CliRun.of("attributes", "--model", half.toString());
    assertEquals(0, loads.exitCode(), loads.err());
    assertTrue(loads.out().contains("max_polyphony"), loads.out());
  }
}
