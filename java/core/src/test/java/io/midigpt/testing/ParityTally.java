package io.midigpt.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.function.Executable;

/**
 * Counts equal and differing fixture cases per (check, encoder, case), so a run reports how close
 * the implementation is to the reference, not only that something failed.
 */
public final class ParityTally {
  /** Per group: index 0 counts equal cases, index 1 all cases. */
  private final Map<String, AtomicIntegerArray> groups = new ConcurrentSkipListMap<>();

  /**
   * Wraps one fixture comparison: runs it, records whether it held, and rethrows its failure so
   * assertAll still reports it.
   */
  public Executable recorded(String check, String encoder, String caseName, Executable body) {
    String group = String.format("%-24s %-10s %s", check, encoder, caseName);
    return () -> {
      AtomicIntegerArray counts = groups.computeIfAbsent(group, g -> new AtomicIntegerArray(2));
      counts.incrementAndGet(1);
      body.execute();
      counts.incrementAndGet(0);
    };
  }

  /** "N/M fixture cases equal", then one line per group. */
  public String report() {
    int equal = 0;
    int total = 0;
    StringBuilder lines = new StringBuilder();
    for (Map.Entry<String, AtomicIntegerArray> group : groups.entrySet()) {
      int groupEqual = group.getValue().get(0);
      int groupTotal = group.getValue().get(1);
      equal += groupEqual;
      total += groupTotal;
      lines.append(String.format("  %s %d/%d%n", group.getKey(), groupEqual, groupTotal));
    }
    return "Golden parity: " + equal + "/" + total + " fixture cases equal" + System.lineSeparator()
        + lines;
  }
}
