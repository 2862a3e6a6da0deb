package io.midigpt.server.osc;

import org.slf4j.Logger;

/**
 * Warnings about bad input, at most a few per second: a client in a loop (or a fuzzer) must not
 * flood the log. Suppressed lines are counted and the count is logged with the next line.
 */
final class RateLimitedLog {
  private static final long WINDOW_NANOS = 1_000_000_000L;

  private final Logger log;
  private final int perWindow;
  private long windowStart = System.nanoTime();
  private int inWindow;
  private long suppressed;

  RateLimitedLog(Logger log, int perWindow) {
    this.log = log;
    this.perWindow = perWindow;
  }

  synchronized void warn(String message) {
    long now = System.nanoTime();
    if (now - windowStart >= WINDOW_NANOS) {
      windowStart = now;
      inWindow = 0;
    }
    if (inWindow >= perWindow) {
      suppressed++;
      return;
    }
    inWindow++;
    if (suppressed > 0) {
      log.warn("{} ({} similar lines suppressed)", message, suppressed);
      suppressed = 0;
    } else {
      log.warn(message);
    }
  }
}
