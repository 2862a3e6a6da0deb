package io.midigpt.server.http;

import io.midigpt.InvalidArgumentException;
import io.midigpt.MidigptException;
import io.midigpt.engine.GenerationResult;
import io.midigpt.engine.InferenceEngine;
import io.midigpt.engine.ProgressListener;
import io.midigpt.engine.SamplingSession;
import io.midigpt.generation.GenerationRequest;
import io.midigpt.generation.InferenceConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One accepted {@code /generate} request: a validated sampling session per candidate (seeds
 * base+i), run one after another on the queue's thread, and how it was stopped if it was.
 */
final class GenerationJob implements AutoCloseable {
  /** Sees every sampled token of a run, on the generation thread (streaming uses it). */
  interface Observer {
    Observer NONE = (session, progress) -> {};

    void onProgress(SamplingSession session, ProgressListener.Progress progress);
  }

  /** Why a job ended early. */
  enum Stop {
    CANCELLED("cancelled by the client"),
    CLIENT_GONE("the streaming client disconnected"),
    TIMEOUT("the generation timed out"),
    SHUTDOWN("the server is shutting down");

    final String reason;

    Stop(String reason) {
      this.reason = reason;
    }
  }

  /** What one candidate produced: a result, or the error that ended it. */
  record Candidate(long seed, GenerationResult result, String error) {}

  record Outcome(List<Candidate> candidates, Stop stop) {
    boolean cancelled() {
      return stop != null;
    }
  }

  final String requestId;
  final long baseSeed;
  private final List<SamplingSession> sessions;
  private final List<Long> seeds;
  private final Observer observer;
  private volatile Stop stop;

  private GenerationJob(
      String requestId, long baseSeed, List<SamplingSession> sessions, List<Long> seeds,
      Observer observer) {
    this.requestId = requestId;
    this.baseSeed = baseSeed;
    this.sessions = sessions;
    this.seeds = seeds;
    this.observer = observer;
  }

  /**
   * Validates the request by opening its sessions. A negative seed asks the server to pick one,
   * which the response reports.
   *
   * @throws ApiException 422 naming the field and rule the request breaks
   */
  static GenerationJob prepare(
      InferenceEngine engine, GenerateBody body, Observer observer) {
    InferenceConfig config = body.request().config();
    long baseSeed =
        config.seed() >= 0 ? config.seed() : ThreadLocalRandom.current().nextLong(0, 1L << 31);
    List<SamplingSession> sessions = new ArrayList<>();
    List<Long> seeds = new ArrayList<>();
    try {
      for (int i = 0; i < body.numCandidates(); i++) {
        long seed = baseSeed + i;
        GenerationRequest request =
            body.request().toBuilder().config(config.toBuilder().seed(seed).build()).build();
        sessions.add(engine.session(body.score(), request));
        seeds.add(seed);
      }
    } catch (MidigptException e) {
      sessions.forEach(SamplingSession::close);
      // The native parser reads what the Java one passes through (pitch_mask): its shape errors
      // name a field and are a 400; any other error here is a rule the request breaks.
      boolean malformed =
          e instanceof InvalidArgumentException && DomainErrors.namesField(e.getMessage());
      throw DomainErrors.toApi(malformed ? 400 : 422, e.getMessage(), "request");
    }
    return new GenerationJob(body.requestId(), baseSeed, sessions, seeds, observer);
  }

  /**
   * Runs every candidate. After a stop each session ends at its first token, so even a job
   * stopped while queued answers with a (cancelled) score: the input as the model would return it.
   */
  Outcome run() {
    List<Candidate> candidates = new ArrayList<>();
    for (int i = 0; i < sessions.size(); i++) {
      SamplingSession session = sessions.get(i);
      long seed = seeds.get(i);
      try {
        ProgressListener listener = observer == Observer.NONE
            ? ProgressListener.NONE
            : progress -> observer.onProgress(session, progress);
        GenerationResult result = session.run(listener);
        candidates.add(new Candidate(seed, result, null));
      } catch (MidigptException e) {
        candidates.add(new Candidate(seed, null, e.getMessage()));
      }
    }
    return new Outcome(candidates, stop);
  }

  /** Cooperative: the running session stops at its next token; a queued job runs nothing. */
  void stop(Stop why) {
    if (stop == null) {
      stop = why;
    }
    sessions.forEach(SamplingSession::cancel);
  }

  @Override
  public void close() {
    sessions.forEach(SamplingSession::close);
  }
}
