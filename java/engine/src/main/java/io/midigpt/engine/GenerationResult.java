package io.midigpt.engine;

import io.midigpt.score.Score;
import java.util.List;

/**
 * What a generation run produced.
 *
 * @param score the whole piece at the decoder's resolution: the input with every accepted step
 *     applied; bars the request did not ask for keep their input notes exactly
 * @param cancelled true when {@link SamplingSession#cancel()} ended the run early; {@code score}
 *     then holds the steps accepted before the cancel
 * @param timings where the time went
 * @param tokensGenerated tokens sampled over the whole run, rejected attempts included
 * @param contextTokens the most tokens the model held at once (a step's prompt plus what it
 *     generated), to compare with the model's context length
 * @param attempts step attempts started (one per model prefill), retries included
 * @param warnings validation warnings and rejections that disabled checks let through
 */
public record GenerationResult(
    Score score,
    boolean cancelled,
    Timings timings,
    int tokensGenerated,
    int contextTokens,
    int attempts,
    List<String> warnings) {
  public GenerationResult {
    warnings = List.copyOf(warnings);
  }

  /**
   * Wall time per phase, in nanoseconds.
   *
   * @param encodeNanos planning and building prompts (the session and its step inputs)
   * @param prefillNanos model forward passes over step prompts
   * @param decodeNanos one-token model forward passes
   * @param sampleNanos constrained sampling in the core, step checks and decoding included
   */
  public record Timings(long encodeNanos, long prefillNanos, long decodeNanos, long sampleNanos) {
    public long totalNanos() {
      return encodeNanos + prefillNanos + decodeNanos + sampleNanos;
    }
  }
}
