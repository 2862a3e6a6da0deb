package io.midigpt.cli;

import io.midigpt.InvalidArgumentException;
import io.midigpt.generation.TrackPrompt;
import io.midigpt.tokenizer.AttributeInfo;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * One {@code --bar-attr TRACK:BARS:NAME=LEVEL}: a bar-level attribute level for some bars of one
 * track, e.g. {@code 1:4-7:bar_max_polyphony=2}. Bars are written as for {@code --bars}.
 */
record BarAttribute(int track, List<Integer> bars, String name, int level) {
  static final String SYNTAX = "TRACK:BARS:NAME=LEVEL, e.g. 1:4-7:bar_max_polyphony=2";

  /** Parses the option's text for picocli. */
  static final class Converter implements ITypeConverter<BarAttribute> {
    @Override
    public BarAttribute convert(String text) {
      String[] parts = text.split(":", 3);
      int equals = parts.length == 3 ? parts[2].indexOf('=') : -1;
      if (equals <= 0) {
        throw new TypeConversionException("'" + text + "': expected " + SYNTAX);
      }
      int track = number(parts[0], "track", text);
      List<Integer> bars = BarRanges.parse(parts[1]);
      String name = parts[2].substring(0, equals).trim();
      int level = number(parts[2].substring(equals + 1), "level", text);
      return new BarAttribute(track, bars, name, level);
    }

    private static int number(String value, String what, String whole) {
      try {
        int number = Integer.parseInt(value.trim());
        if (number >= 0) {
          return number;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new TypeConversionException(
          "'" + whole + "': the " + what + " must be a number >= 0 (" + SYNTAX + ")");
    }
  }

  /**
   * Adds the levels of every option naming {@code track} to its prompt, each checked against
   * the model first.
   */
  static void applyAll(List<BarAttribute> options, int track, boolean drumTrack,
      Map<String, AttributeInfo> known, TrackPrompt.Builder prompt) {
    for (BarAttribute option : options) {
      if (option.track() == track) {
        option.checkAgainst(known, drumTrack);
        option.bars().forEach(bar -> prompt.barAttribute(bar, option.name(), option.level()));
      }
    }
  }

  /**
   * Checks the name against the model: a bar-level attribute of this kind of track. Levels and
   * bars are left to the request validation, whose message names the field.
   */
  private void checkAgainst(Map<String, AttributeInfo> known, boolean drumTrack) {
    AttributeInfo info = known.get(name);
    if (info == null) {
      throw new InvalidArgumentException("--bar-attr " + name + ": the model has no such"
          + " attribute (see 'midigpt attributes')");
    }
    if (!info.barLevel()) {
      throw new InvalidArgumentException("--bar-attr " + name + " is a track-level attribute;"
          + " set it with --attr");
    }
    String kind = drumTrack ? "drum" : "melodic";
    if (!info.trackType().equals("both") && !info.trackType().equals(kind)) {
      throw new InvalidArgumentException("--bar-attr " + name + " applies to " + info.trackType()
          + " tracks only, and track " + track + " is a " + kind + " track");
    }
  }
}
