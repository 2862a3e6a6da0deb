package io.midigpt.cli;

import java.util.List;
import java.util.TreeSet;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** 0-based bar lists as typed on the command line: {@code 4}, {@code 4-7}, {@code 0-1,6,8-9}. */
final class BarRanges implements ITypeConverter<List<Integer>> {
  @Override
  public List<Integer> convert(String text) {
    return parse(text);
  }

  static List<Integer> parse(String text) {
    TreeSet<Integer> bars = new TreeSet<>();
    for (String part : text.split(",", -1)) {
      String range = part.trim();
      int dash = range.indexOf('-', 1);
      int first = bar(dash < 0 ? range : range.substring(0, dash), text);
      int last = dash < 0 ? first : bar(range.substring(dash + 1), text);
      if (last < first) {
        throw new TypeConversionException(
            "'" + range + "' ends before it starts (write FIRST-LAST, e.g. 4-7)");
      }
      for (int b = first; b <= last; b++) {
        bars.add(b);
      }
    }
    return List.copyOf(bars);
  }

  private static int bar(String value, String whole) {
    try {
      int bar = Integer.parseInt(value.trim());
      if (bar < 0) {
        throw new TypeConversionException("'" + whole + "': bars are numbered from 0");
      }
      return bar;
    } catch (NumberFormatException e) {
      throw new TypeConversionException(
          "'" + whole + "' is not a bar list (0-based bars: 4, 4-7 or 0-1,6)");
    }
  }
}
