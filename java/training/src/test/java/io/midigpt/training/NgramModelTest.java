package io.midigpt.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NgramModelTest {
  @Test
  void distributionsAreNormalisedEverywhere() {
    NgramModel model = new NgramModel(3, 10);
    model.add(new int[] {1, 2, 3, 1, 2, 3, 1, 2, 4});
    int[] probe = {1, 2, 3, 9, 9, 0};
    for (int i = 0; i < probe.length; i++) {
      double sum = 0;
      for (double log : model.logProbabilities(probe, i)) {
        sum += Math.exp(log);
      }
      assertEquals(1.0, sum, 1e-9, "position " + i);
    }
  }

  @Test
  void learnsARepeatedPatternAndKeepsMassForUnseenTokens() {
    NgramModel model = new NgramModel(3, 10);
    for (int r = 0; r < 50; r++) {
      model.add(new int[] {5, 6, 7, 5, 6, 7});
    }
    double[] afterFiveSix = model.logProbabilities(new int[] {5, 6, 0}, 2);
    assertTrue(Math.exp(afterFiveSix[7]) > 0.95, "P(7 | 5 6) = " + Math.exp(afterFiveSix[7]));
    assertTrue(afterFiveSix[0] > Double.NEGATIVE_INFINITY, "unseen tokens keep some mass");
  }
}
