package io.midigpt.server.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs generations one at a time on a single thread (the model serves one session at a time), with
 * a bounded wait line: a request that finds it full is refused with 503 and a Retry-After
 * estimate. Every queued or running job is findable by request id, for cancellation.
 */
final class GenerationQueue implements AutoCloseable {
  private final ThreadPoolExecutor worker;
  private final ScheduledExecutorService timer;
  private final Duration timeout;
  private final Map<String, GenerationJob> inFlight = new ConcurrentHashMap<>();
  /** Smoothed seconds per job, for Retry-After. */
  private volatile double averageSeconds = 5;

  GenerationQueue(int maxWaiting, Duration timeout) {
    BlockingQueue<Runnable> line =
        maxWaiting == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(maxWaiting);
    this.worker =
        new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, line, daemon("midigpt-generation"));
    this.timer = Executors.newSingleThreadScheduledExecutor(daemon("midigpt-generation-timeout"));
    this.timeout = timeout;
  }

  /**
   * Queues {@code job}; the future completes once it has run (the job is then closed).
   *
   * @throws ApiException 409 when a job with the same request id is in flight, 503 when the wait
   *     line is full or the server is shutting down
   */
  CompletableFuture<GenerationJob.Outcome> submit(GenerationJob job) {
    if (inFlight.putIfAbsent(job.requestId, job) != null) {
      job.close();
      throw new ApiException(409, "request_id", "a generation with this id is in flight");
    }
    CompletableFuture<GenerationJob.Outcome> done = new CompletableFuture<>();
    if (worker.isShutdown()) {
      inFlight.remove(job.requestId);
      job.close();
      throw new QueueFullException(null, 1);
    }
    try {
      worker.execute(() -> runJob(job, done));
    } catch (RejectedExecutionException e) {
      inFlight.remove(job.requestId);
      job.close();
      throw new QueueFullException("the generation queue is full; retry later", retryAfterSeconds());
    }
    return done;
  }

  private void runJob(GenerationJob job, CompletableFuture<GenerationJob.Outcome> done) {
    long start = System.nanoTime();
    ScheduledFuture<?> deadline =
        timer.schedule(
            () -> job.stop(GenerationJob.Stop.TIMEOUT), timeout.toMillis(), TimeUnit.MILLISECONDS);
    try {
      done.complete(job.run());
    } catch (RuntimeException | Error e) {
      done.completeExceptionally(e);
    } finally {
      deadline.cancel(false);
      inFlight.remove(job.requestId);
      job.close();
      double seconds = (System.nanoTime() - start) / 1e9;
      averageSeconds = 0.8 * averageSeconds + 0.2 * seconds;
    }
  }

  /** Stops the job with this id, queued or running; false when there is none. */
  boolean cancel(String requestId, GenerationJob.Stop why) {
    GenerationJob job = inFlight.get(requestId);
    if (job == null) {
      return false;
    }
    job.stop(why);
    return true;
  }

  int waiting() {
    return worker.getQueue().size();
  }

  private long retryAfterSeconds() {
    return Math.max(1, Math.round(averageSeconds * (waiting() + 1)));
  }

  /**
   * Takes no new work, lets running and queued jobs finish for up to {@code grace}, then stops the
   * rest (they return partial results) and waits for the thread to end.
   */
  void shutdown(Duration grace) {
    worker.shutdown();
    try {
      if (!worker.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        inFlight.values().forEach(job -> job.stop(GenerationJob.Stop.SHUTDOWN));
        worker.awaitTermination(1, TimeUnit.MINUTES);
      }
    } catch (InterruptedException e) {
      inFlight.values().forEach(job -> job.stop(GenerationJob.Stop.SHUTDOWN));
      Thread.currentThread().interrupt();
    } finally {
      timer.shutdownNow();
    }
  }

  @Override
  public void close() {
    shutdown(Duration.ZERO);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  /** 503: the wait line is full (or the server closing); retry after the given seconds. */
  static final class QueueFullException extends ApiException {
    private static final long serialVersionUID = 1L;
    final long retryAfterSeconds;

    QueueFullException(String rule, long retryAfterSeconds) {
      super(503, null, rule == null ? "the server is shutting down" : rule);
      this.retryAfterSeconds = retryAfterSeconds;
    }
  }
}
