package io.midigpt.cli;

import io.midigpt.engine.hub.DownloadListener;
import java.io.PrintWriter;

/**
 * A self-overwriting download progress bar on stderr, redrawn at most every
 * {@value #INTERVAL_MS} ms: {@code midigpt: downloading F [#####-----]  52% 180.0/340.0 MiB
 * 24.1 MiB/s}.
 */
final class DownloadBar implements DownloadListener {
  private static final long INTERVAL_MS = 200;
  private static final int WIDTH = 30;
  private static final double MIB = 1024.0 * 1024.0;

  private final PrintWriter err;
  private String fileName = "";
  private long startedNanos;
  private long resumedBytes;
  private long lastDrawNanos;
  private boolean drawn;

  DownloadBar(PrintWriter err) {
    this.err = err;
  }

  @Override
  public void started(String fileName, long totalBytes, long resumedBytes) {
    this.fileName = fileName;
    this.resumedBytes = resumedBytes;
    this.startedNanos = System.nanoTime();
    if (resumedBytes > 0) {
      err.printf("midigpt: resuming the download of %s at %.1f MiB%n", fileName,
          resumedBytes / MIB);
    }
    draw(resumedBytes, totalBytes);
  }

  @Override
  public void advanced(long doneBytes, long totalBytes) {
    long now = System.nanoTime();
    if (doneBytes != totalBytes && (now - lastDrawNanos) / 1_000_000 < INTERVAL_MS) {
      return;
    }
    draw(doneBytes, totalBytes);
  }

  @Override
  public void finished(boolean complete) {
    if (drawn) {
      err.println(complete ? "" : " (stopped)");
      err.flush();
      drawn = false;
    }
  }

  private void draw(long doneBytes, long totalBytes) {
    lastDrawNanos = System.nanoTime();
    drawn = true;
    double seconds = Math.max(1e-3, (lastDrawNanos - startedNanos) / 1e9);
    double speed = (doneBytes - resumedBytes) / MIB / seconds;
    if (totalBytes > 0) {
      int filled = (int) (WIDTH * doneBytes / totalBytes);
      err.printf("\rmidigpt: downloading %s [%s%s] %3d%% %.1f/%.1f MiB %.1f MiB/s   ", fileName,
          "#".repeat(filled), "-".repeat(WIDTH - filled), 100 * doneBytes / totalBytes,
          doneBytes / MIB, totalBytes / MIB, speed);
    } else {
      err.printf("\rmidigpt: downloading %s %.1f MiB %.1f MiB/s   ", fileName, doneBytes / MIB,
          speed);
    }
    err.flush();
  }
}
