package io.midigpt.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness end to end on a model trained for a few steps (likelihood part). */
class EvaluatorTest {
  @TempDir static Path cache;

  @BeforeAll
  static void privateCache() {
    System.setProperty("midigpt.cache", cache.toString());
  }

  @Test
  void scoresHeldOutMusicAgainstTheNgramBaseline(@TempDir Path out) {
    List<Path> train = TrainingFixtures.tunes("train", 30);
    List<Path> held = TrainingFixtures.tunes("valid", 5);
    Path model = new Trainer(TrainingFixtures.tiny(out, "\"max_steps\": 30"), train, List.of(),
        TrainingListener.SILENT).run(false);
    List<String> log = new ArrayList<>();
    EvaluationReport report = new Evaluator(new Evaluator.Settings(0, 0, 3, 1), log::add)
        .run(model, held, train);

    assertEquals(5, report.pieces());
    assertTrue(report.tokens() > 100 && report.notes() > 10, report.toJson());
    assertEquals(0, report.outsideGrammar(), "held-out tokens are all grammatical");
    assertTrue(Double.isFinite(report.modelBitsPerNote()) && report.modelBitsPerNote() > 0);
    assertTrue(report.modelLoss() > 0 && report.ngramLoss() > 0);
    assertTrue(report.ngramBitsPerNote() > 0);
    assertTrue(report.toMarkdown().contains("3-gram baseline"), report.toMarkdown());
    assertTrue(log.stream().anyMatch(line -> line.contains("held-out pieces")), log.toString());
  }
}
