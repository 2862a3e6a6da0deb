package io.midigpt.training;

import io.midigpt.score.Score;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Training samples by index: sample {@code i} is piece {@code order(i / n)[i % n]} of the
 * {@code n} usable files (a fresh shuffle per epoch), built by {@link SampleBuilder} with a
 * generator seeded from (seed, i). Any thread may ask for any index and always gets the same
 * tokens, which makes parallel loading and resuming exact.
 */
public final class SampleSource implements AutoCloseable {
  /** The reference retries a random piece this many times before giving up. */
  private static final int MAX_TRIES = 10;

  private final List<Path> files;
  private final SampleBuilder builder;
  private final TokenizerPool tokenizers;
  private final long seed;
  private final Map<Long, int[]> orders = new ConcurrentHashMap<>();

  public SampleSource(
      List<Path> files, String encoderConfigJson, TrainConfig config, long seed, int threads) {
    if (files.isEmpty()) {
      throw new io.midigpt.InvalidArgumentException("no usable training files");
    }
    this.files = List.copyOf(files);
    this.builder = new SampleBuilder(config, EncoderFacts.of(encoderConfigJson).numBarsMap());
    this.tokenizers = new TokenizerPool(encoderConfigJson, Math.max(1, threads));
    this.seed = seed;
  }

  public int size() {
    return files.size();
  }

  /** The tokens of sample {@code index} (thread-safe, deterministic). */
  public int[] sample(long index) {
    SplittableRandom random = new SplittableRandom(mix(seed, index));
    int n = files.size();
    int piece = order(index / n)[(int) (index % n)];
    RuntimeException last = null;
    for (int attempt = 0; attempt < MAX_TRIES; attempt++) {
      try {
        Score score = Score.fromMidi(Files.readAllBytes(files.get(piece)));
        return tokenizers.apply(tokenizer -> builder.build(score, tokenizer, random));
      } catch (IOException e) {
        last = new UncheckedIOException(files.get(piece) + ": " + e.getMessage(), e);
      } catch (RuntimeException e) {
        last = e;
      }
      piece = random.nextInt(n);
    }
    throw new IllegalStateException(
        "no sample after " + MAX_TRIES + " pieces; last error: " + last.getMessage(), last);
  }

  private int[] order(long epoch) {
    return orders.computeIfAbsent(epoch, e -> {
      int[] order = new int[files.size()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      SplittableRandom random = new SplittableRandom(mix(seed ^ 0x5DEECE66DL, e));
      for (int i = order.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int swap = order[i];
        order[i] = order[j];
        order[j] = swap;
      }
      return order;
    });
  }

  /** SplitMix64's finaliser over (seed, index): neighbouring indices get unrelated streams. */
  static long mix(long seed, long index) {
    long z = seed * 0x9E3779B97F4A7C15L + index;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public void close() {
    tokenizers.close();
  }
}
