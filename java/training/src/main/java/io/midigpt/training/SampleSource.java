package io.midigpt.training;

import io.midigpt.score.Score;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Training samples by index: sample {@code i} is piece {@code order(i / n)[i % n]} of the
 * {@code n} usable pieces (a fresh shuffle per epoch), built by {@link SampleBuilder} with a
 * generator seeded from (seed, i). Any thread may ask for any index and always gets the same
 * tokens, which makes parallel loading and resuming exact.
 */
public final class SampleSource implements AutoCloseable {
  /** The reference retries a random piece this many times before giving up. */
  private static final int MAX_TRIES = 10;

  private final List<Piece> pieces;
  /** Shard rows, read once: one row costs a pass over its shard's whole music column. */
  private final Map<Piece, byte[]> shardMusic;
  private final SampleBuilder builder;
  private final TokenizerPool tokenizers;
  private final long seed;
  private final Map<Long, int[]> orders = new ConcurrentHashMap<>();

  public SampleSource(
      List<Piece> pieces, String encoderConfigJson, TrainConfig config, long seed, int threads) {
    if (pieces.isEmpty()) {
      throw new io.midigpt.InvalidArgumentException("no usable training pieces");
    }
    this.pieces = List.copyOf(pieces);
    this.shardMusic = Piece.readShardRows(this.pieces);
    this.builder = new SampleBuilder(config, EncoderFacts.of(encoderConfigJson).numBarsMap());
    this.tokenizers = new TokenizerPool(encoderConfigJson, Math.max(1, threads));
    this.seed = seed;
  }

  public int size() {
    return pieces.size();
  }

  /** The tokens of sample {@code index} (thread-safe, deterministic). */
  public int[] sample(long index) {
    SplittableRandom random = new SplittableRandom(mix(seed, index));
    int n = pieces.size();
    int piece = order(index / n)[(int) (index % n)];
    RuntimeException last = null;
    for (int attempt = 0; attempt < MAX_TRIES; attempt++) {
      try {
        Piece chosen = pieces.get(piece);
        byte[] midi = chosen.inShard() ? shardMusic.get(chosen) : chosen.readFile();
        Score score = Score.fromMidi(midi);
        return tokenizers.apply(tokenizer -> builder.build(score, tokenizer, random));
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
      int[] order = new int[pieces.size()];
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
