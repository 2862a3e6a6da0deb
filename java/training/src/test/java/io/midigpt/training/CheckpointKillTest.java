package io.midigpt.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.midigpt.engine.InferenceEngine;
import io.midigpt.engine.model.Gpt2Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGKILL a process while it saves checkpoints: the newest complete one must still load. */
class CheckpointKillTest {
  /** Surefire runs tests from a manifest-only jar; its real class path is in this property. */
  private static String classPath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  /** A small GPT-2 over the yellow vocabulary. */
  static Gpt2Config modelConfig() {
    try (io.midigpt.tokenizer.Tokenizer yellow = io.midigpt.tokenizer.Tokenizer.forEncoder("yellow")) {
      return new Gpt2Config(yellow.vocabulary().size(), 256, 64, 2, 2);
    }
  }

  private static String readQuietly(Path log) {
    try {
      return Files.readString(log);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  @Test
  void aKilledSaveLeavesTheLastGoodCheckpointLoadable(@TempDir Path out) throws Exception {
    Random random = new Random(11);
    for (int attempt = 0; attempt < 3; attempt++) {
      int round = attempt;
      Process child = new ProcessBuilder(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-cp", classPath(),
              SavingForever.class.getName(), out.toString())
          .redirectErrorStream(true)
          .redirectOutput(out.resolve("child-" + round + ".log").toFile())
          .start();
      CheckpointStore store = new CheckpointStore(out, 2);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      long before = store.latest().map(CheckpointStore::readState).map(TrainingState::step)
          .orElse(0L);
      while (System.nanoTime() < deadline && child.isAlive()
          && store.latest().map(CheckpointStore::readState).map(TrainingState::step).orElse(0L)
              < before + 2) {
        Thread.sleep(20);
      }
      assertTrue(child.isAlive(), () -> "the saving process died on its own: "
          + readQuietly(out.resolve("child-" + round + ".log")));
      Thread.sleep(random.nextInt(150));
      child.destroyForcibly(); // SIGKILL on Linux and macOS
      assertTrue(child.waitFor(30, TimeUnit.SECONDS));

      Optional<Path> latest = store.latest();
      assertTrue(latest.isPresent());
      TrainingState state = CheckpointStore.readState(latest.get());
      try (InferenceEngine engine =
          InferenceEngine.fromCheckpoint(latest.get().resolve(CheckpointStore.MODEL))) {
        assertEquals(modelConfig(), engine.modelConfig());
      }
      try (TrainableGpt2 model = TrainableGpt2.create(modelConfig(), "cpu",
              2, 0.0);
          AdamW optimizer = new AdamW(model.parameters(), 0.01)) {
        optimizer.load(latest.get().resolve(CheckpointStore.OPTIMIZER));
        assertEquals(0, optimizer.steps());
      }
      assertTrue(state.step() >= 1);
      store.removeInterrupted();
      try (Stream<Path> left = Files.list(out.resolve("checkpoints"))) {
        List<String> names = left.map(p -> p.getFileName().toString()).toList();
        assertTrue(names.stream().noneMatch(n -> n.endsWith(".partial")), names.toString());
        assertTrue(names.contains(latest.get().getFileName().toString()), names.toString());
      }
    }
  }
}
