package io.midigpt.training;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A count-based n-gram model over token ids with Witten-Bell interpolation, the baseline every
 * evaluation figure is compared with:
 * {@code P(w|h) = (c(h,w) + T(h)·P(w|h')) / (c(h) + T(h))}, where {@code T(h)} is the number of
 * distinct tokens seen after {@code h} and {@code h'} drops the oldest token; the order-0 base
 * is add-one over the vocabulary, so every token keeps some probability.
 */
public final class NgramModel {
  private final int order;
  private final int vocab;
  /** Per context length 1..order-1: context key -> successors and counts. */
  private final List<Map<Long, Successors>> tables;
  private final long[] unigram;
  private long total;

  /** Tokens seen after one context. */
  private static final class Successors {
    int[] tokens = new int[2];
    int[] counts = new int[2];
    int distinct;
    long total;

    void add(int token) {
      total++;
      for (int i = 0; i < distinct; i++) {
        if (tokens[i] == token) {
          counts[i]++;
          return;
        }
      }
      if (distinct == tokens.length) {
        tokens = Arrays.copyOf(tokens, distinct * 2);
        counts = Arrays.copyOf(counts, distinct * 2);
      }
      tokens[distinct] = token;
      counts[distinct++] = 1;
    }
  }

  /**
   * @param order tokens per n-gram, 1..6 (the context key packs up to 5 ids of 12 bits)
   */
  public NgramModel(int order, int vocab) {
    if (order < 1 || order > 6) {
      throw new io.midigpt.InvalidArgumentException("n-gram order must be 1..6, got " + order);
    }
    if (vocab > 4096) {
      throw new io.midigpt.InvalidArgumentException("vocabularies over 4096 tokens are unsupported");
    }
    this.order = order;
    this.vocab = vocab;
    this.unigram = new long[vocab];
    this.tables = new java.util.ArrayList<>();
    for (int n = 1; n < order; n++) {
      tables.add(new HashMap<>());
    }
  }

  public int order() {
    return order;
  }

  /** Counts every n-gram of a sequence. */
  public void add(int[] tokens) {
    for (int i = 0; i < tokens.length; i++) {
      unigram[tokens[i]]++;
      total++;
      for (int n = 1; n < order && n <= i; n++) {
        tables.get(n - 1).computeIfAbsent(key(tokens, i, n), k -> new Successors()).add(tokens[i]);
      }
    }
  }

  /** Natural-log probabilities of every token at position {@code i} given the tokens before. */
  public double[] logProbabilities(int[] tokens, int i) {
    double[] p = new double[vocab];
    double base = 1.0 / (total + vocab);
    for (int w = 0; w < vocab; w++) {
      p[w] = (unigram[w] + 1) * base;
    }
    for (int n = 1; n < order && n <= i; n++) {
      Successors seen = tables.get(n - 1).get(key(tokens, i, n));
      if (seen == null) {
        break;
      }
      // Interpolate: the lower order keeps mass T(h) / (c(h) + T(h)).
      double denominator = seen.total + seen.distinct;
      double lower = seen.distinct / denominator;
      for (int w = 0; w < vocab; w++) {
        p[w] *= lower;
      }
      for (int k = 0; k < seen.distinct; k++) {
        p[seen.tokens[k]] += seen.counts[k] / denominator;
      }
    }
    for (int w = 0; w < vocab; w++) {
      p[w] = Math.log(p[w]);
    }
    return p;
  }

  /** The {@code n} tokens before position {@code i}, packed 12 bits each. */
  private static long key(int[] tokens, int i, int n) {
    long key = n;
    for (int k = i - n; k < i; k++) {
      key = (key << 12) | tokens[k];
    }
    return key;
  }
}
