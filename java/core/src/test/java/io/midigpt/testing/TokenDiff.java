package io.midigpt.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Optional;
import java.util.StringJoiner;
import java.util.function.IntFunction;

/** Compares token sequences and shows the first divergence with readable token names. */
public final class TokenDiff {
  /** Tokens shown on each side of the first difference. */
  private static final int CONTEXT = 4;

  private TokenDiff() {}

  public static void assertTokensEqual(
      int[] expected, int[] actual, IntFunction<String> names, String label) {
    firstDifference(expected, actual, names)
        .ifPresent(difference -> fail(label + ": " + difference));
  }

  /**
   * "first difference at index 57 of 290 (actual length 288): expected [... Bar &gt;TimeSig:13&lt;
   * ...] but was [...]".
   */
  public static Optional<String> firstDifference(
      int[] expected, int[] actual, IntFunction<String> names) {
    int common = Math.min(expected.length, actual.length);
    int index = 0;
    while (index < common && expected[index] == actual[index]) {
      index++;
    }
    if (index == common && expected.length == actual.length) {
      return Optional.empty();
    }
    return Optional.of(
        "first difference at index " + index + " of " + expected.length + " (actual length "
            + actual.length + "): expected " + around(expected, index, names) + " but was "
            + around(actual, index, names));
  }

  private static String around(int[] tokens, int index, IntFunction<String> names) {
    StringJoiner shown = new StringJoiner(" ", "[", "]");
    int from = Math.max(0, index - CONTEXT);
    int to = Math.min(tokens.length, index + CONTEXT + 1);
    if (from > 0) {
      shown.add("...");
    }
    for (int i = from; i < to; i++) {
      String name = names.apply(tokens[i]);
      shown.add(i == index ? ">" + name + "<" : name);
    }
    if (index >= tokens.length) {
      shown.add(">end<");
    } else if (to < tokens.length) {
      shown.add("...");
    }
    return shown.toString();
  }
}
