package io.midigpt.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.midigpt.engine.model.SafeTensors;
import io.midigpt.engine.InferenceEngine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
  @TempDir static Path cache;

  @BeforeAll
  static void privateCache() {
    System.setProperty("midigpt.cache", cache.toString());
  }

  @Test
  void lossDecreasesOnASmallFixedSet(@TempDir Path out) throws IOException {
    List<Path> tunes = TrainingFixtures.tunes("train", 4);
    TrainConfig config = TrainingFixtures.tiny(out, "\"max_steps\": 40, \"transpose_range\": 0,"
        + " \"velocity_spread\": 0.0");
    Path model = new Trainer(config, tunes, List.of(), TrainingListener.SILENT).run(false);

    List<Double> losses = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve(MetricsLog.FILE))) {
      JsonNode node = new ObjectMapper().readTree(line);
      if (node.has("loss")) {
        losses.add(node.get("loss").asDouble());
      }
    }
    assertEquals(40, losses.size());
    double first = losses.subList(0, 5).stream().mapToDouble(Double::doubleValue).average()
        .orElseThrow();
    double last = losses.subList(35, 40).stream().mapToDouble(Double::doubleValue).average()
        .orElseThrow();
    assertTrue(last < first - 1.0, "loss went from " + first + " to " + last);
    // The result is a checkpoint the inference engine loads.
    try (InferenceEngine engine = InferenceEngine.fromCheckpoint(model)) {
      assertEquals(192, engine.modelConfig().nPositions());
    }
  }

  @Test
  void resumeGivesTheWeightsOfAnUninterruptedRun(@TempDir Path a, @TempDir Path b) {
    List<Path> tunes = TrainingFixtures.tunes("train", 6);
    String settings = "\"max_steps\": 6, \"save_steps\": 3, \"dropout\": 0.1";
    Path straight = new Trainer(TrainingFixtures.tiny(a, settings), tunes, List.of(),
        TrainingListener.SILENT).run(false);

    // Stop the second run after step 3 (it checkpoints there), then resume it to the end.
    AtomicReference<Trainer> first = new AtomicReference<>();
    first.set(new Trainer(TrainingFixtures.tiny(b, settings), tunes, List.of(),
        new TrainingListener() {
          @Override
          public void step(TrainingProgress progress) {
            if (progress.step() == 3) {
              first.get().requestStop();
            }
          }
        }));
    Path stopped = first.get().run(false);
    assertTrue(stopped.toString().contains("step-00000003"), stopped.toString());
    Path resumed = new Trainer(TrainingFixtures.tiny(b, settings), tunes, List.of(),
        TrainingListener.SILENT).run(true);

    try (SafeTensors x = SafeTensors.open(straight); SafeTensors y = SafeTensors.open(resumed)) {
      assertEquals(x.tensors().keySet(), y.tensors().keySet());
      for (String name : x.tensors().keySet()) {
        assertArrayEquals(bytes(x.data(name)), bytes(y.data(name)), name);
      }
    }
  }

  @Test
  void badFilesAreSkippedWithAReason(@TempDir Path data, @TempDir Path out) throws IOException {
    Files.write(data.resolve("garbage.mid"), new byte[] {'M', 'T', 'h', 'd', 0, 0, 0, 6, 1});
    Files.write(data.resolve("empty.mid"), new byte[0]);
    Files.copy(TrainingFixtures.tunes("train", 1).get(0), data.resolve("tune.mid"));
    List<Path> files = MidiFiles.resolve(List.of(data.toString()));
    assertEquals(3, files.size());
    ValidIndex index = ValidIndex.load(files, EncoderConfigs.resolve("yellow"), 4, 1, cache, 2,
        done -> {});
    assertEquals(List.of(data.resolve("tune.mid").toString()), index.files());
    assertEquals(2, index.skipped().size());
    index.skipped().forEach(s -> assertTrue(s.reason().startsWith("not a valid MIDI file"),
        s.file() + ": " + s.reason()));
    assertTrue(index.tokens() > 0);

    Path model = new Trainer(TrainingFixtures.tiny(out, "\"max_steps\": 2"), files, List.of(),
        TrainingListener.SILENT).run(false);
    assertTrue(Files.isRegularFile(model));
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }
}
