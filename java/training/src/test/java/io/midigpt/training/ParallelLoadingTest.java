package io.midigpt.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Samples built on several threads at once (native MIDI parser and tokenizers running
 * concurrently) equal the same samples built one by one.
 */
class ParallelLoadingTest {
  @Test
  void samplesDoNotDependOnThreads() {
    List<Piece> tunes = TrainingFixtures.tunes("train", 12).stream().map(Piece::midi).toList();
    TrainConfig config = TrainingFixtures.tiny(Path.of("unused"), "\"max_seq_len\": 1024");
    String yellow = EncoderConfigs.resolve("yellow");
    int count = 48;
    int[][] alone = new int[count][];
    int[][] together = new int[count][];
    try (SampleSource one = new SampleSource(tunes, yellow, config, 5, 1);
        SampleSource four = new SampleSource(tunes, yellow, config, 5, 4)) {
      for (int i = 0; i < count; i++) {
        alone[i] = one.sample(i);
      }
      Workers.forEach(count, 4, i -> together[i] = four.sample(i));
    }
    for (int i = 0; i < count; i++) {
      assertArrayEquals(alone[i], together[i], "sample " + i);
    }
  }
}
