package io.midigpt.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LikelihoodTallyTest {
  /** Uniform over 64 tokens: 6 bits unmasked; with 4 tokens allowed, 2 bits. */
  @Test
  void theGrammarMaskRenormalisesOverAllowedTokens() {
    double[] uniform = new double[64];
    java.util.Arrays.fill(uniform, -Math.log(64));
    int[] masks = {0b1111, 0}; // one position, tokens 0..3 allowed
    LikelihoodTally tally = new LikelihoodTally();
    tally.add(uniform, 2, masks, 0, true);
    assertEquals(Math.log(64), tally.lossPerToken(), 1e-12);
    assertEquals(2.0, tally.bitsPerNote(), 1e-12);
    assertEquals(0, tally.outsideGrammar());
    tally.add(uniform, 40, masks, 0, false);
    assertEquals(1, tally.outsideGrammar());
    assertEquals(2.0 + 6.0, tally.bitsPerNote(), 1e-12, "the unmasked figure is counted");
  }

  @Test
  void logSoftmaxMatchesTheDefinition() {
    float[] logits = {1f, 2f, 3f};
    double[] out = LikelihoodTally.logSoftmax(logits, 0, 3);
    double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    for (int i = 0; i < 3; i++) {
      assertEquals(logits[i] - Math.log(z), out[i], 1e-6);
    }
  }
}
