package io.midigpt.training;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Micro-batches in order, built ahead on background threads: micro-batch {@code k} holds samples
 * {@code k*B .. k*B+B-1}. Starting at any {@code k} continues a run exactly where it stopped. A
 * data-parallel rank {@code r} of {@code world} takes every world-th micro-batch from {@code r}.
 */
final class BatchLoader implements AutoCloseable {
  private final SampleSource source;
  private final int batchSize;
  private final ExecutorService pool;
  private final Deque<Future<int[][]>> ahead = new ArrayDeque<>();
  private final int depth;
  private final int world;
  private final int rank;
  private long nextToSubmit;

  /** @param firstBatch this rank's micro-batches already consumed */
  BatchLoader(SampleSource source, int batchSize, long firstBatch, int world, int rank,
      int threads) {
    this.source = source;
    this.batchSize = batchSize;
    this.world = world;
    this.rank = rank;
    this.pool = Executors.newFixedThreadPool(Math.max(1, threads), Workers.daemon());
    this.depth = 2 * Math.max(1, threads) + 1;
    this.nextToSubmit = firstBatch;
    while (ahead.size() < depth) {
      submit();
    }
  }

  private void submit() {
    long batch = nextToSubmit++ * world + rank;
    ahead.addLast(pool.submit(() -> {
      int[][] sequences = new int[batchSize][];
      for (int i = 0; i < batchSize; i++) {
        sequences[i] = source.sample(batch * batchSize + i);
      }
      return sequences;
    }));
  }

  /** The next micro-batch's token sequences (waits when loading is behind). */
  int[][] next() {
    Future<int[][]> head = ahead.removeFirst();
    submit();
    try {
      return head.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while loading training data", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
    Workers.awaitQuietly(pool);
  }
}
