package io.midigpt.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.midigpt.engine.model.SafeTensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processes over gloo on loopback, each with accumulation 1, end with the weights one process
 * gets with accumulation 2 (up to float summation order).
 */
class DistributedTrainingTest {
  static List<Path> data() {
    return TrainingFixtures.tunes("train", 8);
  }

  static TrainConfig config(Path output, int accumulation) {
    return TrainingFixtures.tiny(output, "\"max_steps\": 4, \"save_steps\": 1000,"
        + " \"gradient_accumulation_steps\": " + accumulation);
  }

  @Test
  void twoRanksComputeWhatOneProcessWithTwiceTheAccumulationDoes(@TempDir Path work)
      throws Exception {
    Path cache = work.resolve("cache");
    System.setProperty("midigpt.cache", cache.toString());
    Path single = new Trainer(config(work.resolve("single"), 2), data(), List.of(),
        TrainingListener.SILENT).run(false);

    Path output = work.resolve("parallel");
    Path store = work.resolve("rendezvous");
    List<Process> ranks = new ArrayList<>();
    for (int rank = 0; rank < 2; rank++) {
      ranks.add(new ProcessBuilder(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
              System.getProperty("surefire.test.class.path",
                  System.getProperty("java.class.path")),
              DistributedTrainerRank.class.getName(), Integer.toString(rank), "2",
              store.toString(), output.toString(), cache.toString())
          .redirectErrorStream(true)
          .redirectOutput(work.resolve("rank-" + rank + ".log").toFile())
          .start());
    }
    for (int rank = 0; rank < 2; rank++) {
      assertTrue(ranks.get(rank).waitFor(300, TimeUnit.SECONDS), "rank " + rank + " hung");
      assertEquals(0, ranks.get(rank).exitValue(),
          Files.readString(work.resolve("rank-" + rank + ".log")));
    }
    Path parallel = output.resolve(Trainer.FINAL_MODEL);
    try (SafeTensors a = SafeTensors.open(single); SafeTensors b = SafeTensors.open(parallel)) {
      float worst = 0;
      for (String name : a.tensors().keySet()) {
        float[] x = floats(a.data(name));
        float[] y = floats(b.data(name));
        for (int i = 0; i < x.length; i++) {
          worst = Math.max(worst, Math.abs(x[i] - y[i]));
        }
      }
      assertTrue(worst < 1e-4, "largest weight difference " + worst);
    }
    // Only rank 0 logs: one line per step, not two.
    assertEquals(4, Files.readAllLines(output.resolve(MetricsLog.FILE)).size());
  }

  private static float[] floats(ByteBuffer bytes) {
    ByteBuffer data = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[data.remaining() / 4];
    data.asFloatBuffer().get(out);
    return out;
  }
}
