package io.midigpt.training;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/** Runs an indexed job on a few threads and returns only when every part has finished. */
final class Workers {
  private Workers() {}

  /**
   * Calls {@code job} for 0..count-1 on {@code threads} threads. The first failure is rethrown
   * after all running parts have stopped, so nothing they use is released under them.
   */
  static void forEach(int count, int threads, IntConsumer job) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), daemon());
    List<Future<?>> parts = new ArrayList<>(count);
    try {
      for (int i = 0; i < count; i++) {
        int index = i;
        parts.add(pool.submit(() -> job.accept(index)));
      }
      for (Future<?> part : parts) {
        part.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
      awaitQuietly(pool);
    }
  }

  static java.util.concurrent.ThreadFactory daemon() {
    return runnable -> {
      Thread thread = new Thread(runnable, "midigpt-data");
      thread.setDaemon(true);
      return thread;
    };
  }

  static void awaitQuietly(ExecutorService pool) {
    boolean interrupted = false;
    while (true) {
      try {
        pool.awaitTermination(1, java.util.concurrent.TimeUnit.DAYS);
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
