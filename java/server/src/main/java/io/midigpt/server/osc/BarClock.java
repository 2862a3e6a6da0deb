package io.midigpt.server.osc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;

/**
 * How long a bar lasts, for deadlines: the OSC protocol carries no tempo. With the {@code bpm}
 * parameter set, from it and the bar's time signature; otherwise the median of the last few
 * intervals between {@code /bar/end} messages of consecutive bars (unknown before two of them).
 */
final class BarClock {
  private static final int INTERVALS = 4;

  private final ArrayDeque<Long> intervals = new ArrayDeque<>();
  private int lastBar = -1;
  private long lastNanos;

  void barEnded(int bar, long nanos) {
    if (lastBar >= 0 && bar == lastBar + 1) {
      intervals.addLast(nanos - lastNanos);
      if (intervals.size() > INTERVALS) {
        intervals.removeFirst();
      }
    }
    lastBar = bar;
    lastNanos = nanos;
  }

  /** A bar's length in nanoseconds, if known. */
  OptionalLong barNanos(double bpm, int[] timeSignature) {
    if (bpm > 0) {
      double quarters = 4.0 * timeSignature[0] / timeSignature[1];
      return OptionalLong.of(Math.round(quarters * 60e9 / bpm));
    }
    if (intervals.isEmpty()) {
      return OptionalLong.empty();
    }
    List<Long> sorted = new ArrayList<>(intervals);
    Collections.sort(sorted);
    return OptionalLong.of(sorted.get(sorted.size() / 2));
  }
}
