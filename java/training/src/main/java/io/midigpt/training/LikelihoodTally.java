package io.midigpt.training;

/**
 * Held-out likelihood of token sequences: mean cross-entropy per token (nats, over the whole
 * vocabulary, as training measures it) and bits per note under the grammar mask, i.e. with each
 * distribution renormalised over the tokens the sampling grammar allows at that position, the
 * way generation sees it. Notes are NoteOnset (pitch) tokens.
 */
final class LikelihoodTally {
  private double nats;
  private double maskedBits;
  private long tokens;
  private long notes;
  private long outsideGrammar;

  /**
   * Scores one target.
   *
   * @param logProbabilities natural-log probabilities over the vocabulary
   * @param masks the sequence's grammar masks ({@code Tokenizer.grammarMasks})
   * @param row the target's row in {@code masks} (its position minus one)
   */
  void add(double[] logProbabilities, int target, int[] masks, int row, boolean note) {
    int words = (logProbabilities.length + 31) / 32;
    double max = Double.NEGATIVE_INFINITY;
    for (int w = 0; w < logProbabilities.length; w++) {
      if (allowed(masks, row * words, w)) {
        max = Math.max(max, logProbabilities[w]);
      }
    }
    double sum = 0;
    for (int w = 0; w < logProbabilities.length; w++) {
      if (allowed(masks, row * words, w)) {
        sum += Math.exp(logProbabilities[w] - max);
      }
    }
    double masked;
    if (allowed(masks, row * words, target)) {
      masked = logProbabilities[target] - (max + Math.log(sum));
    } else {
      // Real data outside the grammar should not happen (GrammarMasksTest); if it does, the
      // unmasked probability is the honest figure, and the count is reported.
      outsideGrammar++;
      masked = logProbabilities[target];
    }
    nats -= logProbabilities[target];
    maskedBits -= masked / Math.log(2);
    tokens++;
    if (note) {
      notes++;
    }
  }

  /** Whether the mask row starting at {@code offset} allows {@code token}. */
  static boolean allowed(int[] masks, int offset, int token) {
    return (masks[offset + token / 32] >>> (token % 32) & 1) == 1;
  }

  /** Natural-log probabilities from raw logits (a numerically stable log-softmax). */
  static double[] logSoftmax(float[] logits, int offset, int size) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < size; i++) {
      max = Math.max(max, logits[offset + i]);
    }
    double sum = 0;
    for (int i = 0; i < size; i++) {
      sum += Math.exp(logits[offset + i] - max);
    }
    double log = max + Math.log(sum);
    double[] out = new double[size];
    for (int i = 0; i < size; i++) {
      out[i] = logits[offset + i] - log;
    }
    return out;
  }

  double lossPerToken() {
    return nats / Math.max(1, tokens);
  }

  double bitsPerNote() {
    return maskedBits / Math.max(1, notes);
  }

  long tokens() {
    return tokens;
  }

  long notes() {
    return notes;
  }

  long outsideGrammar() {
    return outsideGrammar;
  }
}
