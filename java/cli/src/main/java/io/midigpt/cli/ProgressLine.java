package io.midigpt.cli;

import io.midigpt.engine.ProgressListener;
import java.io.PrintWriter;

/**
 * One self-overwriting status line on stderr while a run generates; updated at most every
 * {@value #INTERVAL_MS} ms so that printing never slows the per-token loop.
 */
final class ProgressLine implements ProgressListener {
  private static final long INTERVAL_MS = 250;

  private final PrintWriter err;
  private final long started = System.nanoTime();
  private long lastPrint;
  private boolean printed;

  ProgressLine(PrintWriter err) {
    this.err = err;
  }

  @Override
  public void onProgress(Progress progress) {
    long now = System.nanoTime();
    if ((now - lastPrint) / 1_000_000 < INTERVAL_MS) {
      return;
    }
    lastPrint = now;
    printed = true;
    double seconds = (now - started) / 1e9;
    err.printf("\rmidigpt: step %d/%d, attempt %d, %d tokens, %.0f tokens/s   ",
        Math.min(progress.step() + 1, progress.stepCount()), progress.stepCount(),
        progress.attempt() + 1, progress.totalTokens(), progress.totalTokens() / seconds);
    err.flush();
  }

  /** Ends the status line so that the next message starts on its own line. */
  void finish() {
    if (printed) {
      err.println();
      err.flush();
    }
  }
}
