package io.midigpt.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Percentiles and process memory, as the benchmarks print them. */
final class BenchFigures {
  private BenchFigures() {}

  /** The value at {@code percent} of ascending nanoseconds, in milliseconds; 0 when empty. */
  static double percentile(List<Long> sorted, int percent) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, index)) / 1e6;
  }

  static long usedHeapAfterGc() {
    Runtime runtime = Runtime.getRuntime();
    System.gc();
    return runtime.totalMemory() - runtime.freeMemory();
  }

  /** VmRSS of this process (Linux); 0 where /proc is not there. */
  static long residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux: no figure
    }
    return 0;
  }
}
