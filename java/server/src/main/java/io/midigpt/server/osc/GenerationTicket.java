package io.midigpt.server.osc;

import java.util.Map;

/**
 * One generation a {@code /bar/end} asked for (reference spec §9.4): the target bars, the
 * parameters and attribute overrides of that moment, and when the result is due.
 *
 * @param epoch the session's epoch (a new session or a stop makes older tickets stale)
 * @param triggerBar the bar whose end asked for it
 * @param target the first bar to generate (absolute)
 * @param bars how many bars from {@code target}
 * @param playhead bars completed at that moment
 * @param requestedNanos {@link System#nanoTime()} when the {@code /bar/end} arrived
 * @param deadlineNanos when the target bar starts playing; {@link Long#MAX_VALUE} when the bar's
 *     length is not known yet
 */
record GenerationTicket(
    long epoch,
    int triggerBar,
    int target,
    int bars,
    int playhead,
    OscParams.Snapshot params,
    Map<String, Integer> attrs,
    long requestedNanos,
    long deadlineNanos) {
  GenerationTicket {
    attrs = Map.copyOf(attrs);
  }

  boolean hasDeadline() {
    return deadlineNanos != Long.MAX_VALUE;
  }
}
