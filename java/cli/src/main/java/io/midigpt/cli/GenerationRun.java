package io.midigpt.cli;

import io.midigpt.engine.GenerationResult;
import io.midigpt.engine.InferenceEngine;
import io.midigpt.generation.GenerationRequest;
import io.midigpt.score.Score;
import java.io.PrintWriter;

/** Runs a request with a progress line, writes the result and reports what happened. */
final class GenerationRun {
  private GenerationRun() {}

  static void run(
      PrintWriter err,
      InferenceEngine engine,
      Score input,
      GenerationRequest request,
      OutputFile output) {
    ProgressLine progress = new ProgressLine(err);
    GenerationResult result;
    try {
      result = engine.generate(input, request, progress);
    } finally {
      progress.finish();
    }
    for (String warning : result.warnings()) {
      err.println("midigpt: warning: " + warning);
    }
    Score score = result.score();
    output.write(score.toMidi());
    GenerationResult.Timings timings = result.timings();
    err.printf(
        "midigpt: wrote %s (%d tracks, %d bars, %d notes) in %.1f s: %d tokens, %d attempts,"
            + " seed %d%n",
        output.path, score.tracks().size(), score.barCount(), score.noteCount(),
        timings.totalNanos() / 1e9, result.tokensGenerated(), result.attempts(),
        request.config().seed());
    err.flush();
  }
}
