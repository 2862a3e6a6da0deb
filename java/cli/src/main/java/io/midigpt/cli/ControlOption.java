package io.midigpt.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.midigpt.InvalidArgumentException;
import io.midigpt.generation.MaskPresets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.IntPredicate;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * One {@code --pitch-mask}, {@code --rhythm} or {@code --remix} option: a track and the control
 * object the HTTP API takes in {@code controls} (http-api.md), written here in a short form or as
 * that JSON. The native core validates the values; the converters only check the form and the
 * names, so that a typo is reported against the option.
 */
record ControlOption(int track, String json) {
  static final String PITCH_SYNTAX = "TRACK:SCALE[@ROOT] | TRACK:pitches=60,62,.. |"
      + " TRACK:classes=0,4,7, each optionally +normal:MEAN:STD or +uniform:MIN:MAX,"
      + " or TRACK:{json}";
  static final String RHYTHM_SYNTAX =
      "TRACK:UNIT[:STRENGTH] (a grid, e.g. 1:eighth:0.8) | TRACK:onsets=0x2,12,30 (ticks at the"
          + " model's resolution, xN notes at once) | TRACK:{json}";
  static final String REMIX_SYNTAX = "TRACK:AMOUNT[:pitch|full], e.g. 0:0.3:full";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> NOTE_NAMES =
      List.of("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B");
  private static final List<String> FLAT_NAMES =
      List.of("C", "DB", "D", "EB", "E", "F", "GB", "G", "AB", "A", "BB", "B");

  /** Rejects options naming a track that {@code accepts} does not take; says which do. */
  static void checkTracks(String option, List<ControlOption> options,
      IntPredicate accepts, String which) {
    for (ControlOption control : options) {
      if (!accepts.test(control.track())) {
        throw new InvalidArgumentException(
            option + " track " + control.track() + ": " + which);
      }
    }
  }

  /** The JSON of the last option naming {@code track}. */
  static Optional<String> lastFor(int track, List<ControlOption> options) {
    Optional<String> json = Optional.empty();
    for (ControlOption option : options) {
      if (option.track() == track) {
        json = Optional.of(option.json());
      }
    }
    return json;
  }

  /** {@code --pitch-mask}: a scale, a pitch or pitch-class set, and an optional soft shape. */
  static final class PitchMask implements ITypeConverter<ControlOption> {
    @Override
    public ControlOption convert(String text) {
      return parse(text, PITCH_SYNTAX, spec -> {
        String[] parts = spec.split("\\+", 2);
        ObjectNode mask = JSON.createObjectNode();
        String set = parts[0].trim();
        if (set.startsWith("pitches=")) {
          numbers(mask.putArray("pitches"), set.substring(8), text, PITCH_SYNTAX);
        } else if (set.startsWith("classes=")) {
          numbers(mask.putArray("pitch_classes"), set.substring(8), text, PITCH_SYNTAX);
        } else {
          String[] scale = set.split("@", 2);
          String name = scale[0].toLowerCase(Locale.ROOT);
          if (!MaskPresets.scales().contains(name)) {
            throw new TypeConversionException("'" + text + "': unknown scale '" + scale[0]
                + "'; the scales are " + String.join(", ", MaskPresets.scales()));
          }
          mask.put("scale", name).put("root", scale.length == 2 ? root(scale[1], text) : 0);
        }
        if (parts.length == 2) {
          String[] shape = parts[1].trim().split(":");
          boolean normal = shape[0].equals("normal");
          if (shape.length != 3 || !(normal || shape[0].equals("uniform"))) {
            throw new TypeConversionException("'" + text + "': the shape is normal:MEAN:STD or"
                + " uniform:MIN:MAX");
          }
          ObjectNode soft = mask.putObject("shape").put("type", shape[0]);
          soft.put(normal ? "mean" : "min", decimal(shape[1], text, PITCH_SYNTAX));
          soft.put(normal ? "std" : "max", decimal(shape[2], text, PITCH_SYNTAX));
        }
        return mask;
      });
    }

    /** 0-11, or a note name such as D, F# or Bb. */
    private static int root(String value, String text) {
      String name = value.trim().toUpperCase(Locale.ROOT);
      int index = NOTE_NAMES.indexOf(name);
      index = index >= 0 ? index : FLAT_NAMES.indexOf(name);
      if (index >= 0) {
        return index;
      }
      try {
        return Integer.parseInt(name);
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + text + "': the root is 0-11 or a note name"
            + " (C, C#, Db, ..., B), not '" + value + "'");
      }
    }
  }

  /** {@code --rhythm}: a soft grid or an exact onset schedule. */
  static final class Rhythm implements ITypeConverter<ControlOption> {
    @Override
    public ControlOption convert(String text) {
      return parse(text, RHYTHM_SYNTAX, spec -> {
        ObjectNode mask = JSON.createObjectNode();
        if (spec.startsWith("onsets=")) {
          ArrayNode positions = mask.putArray("positions");
          for (String onset : spec.substring(7).split(",")) {
            String[] parts = onset.trim().split("x", 2);
            ObjectNode position = positions.addObject()
                .put("pos", integer(parts[0], text, RHYTHM_SYNTAX));
            if (parts.length == 2) {
              position.put("polyphony", integer(parts[1], text, RHYTHM_SYNTAX));
            }
          }
          return mask;
        }
        String[] parts = spec.split(":", 2);
        if (!MaskPresets.gridUnits().contains(parts[0])) {
          throw new TypeConversionException("'" + text + "': unknown grid unit '" + parts[0]
              + "'; the units are " + String.join(", ", MaskPresets.gridUnits())
              + " (or onsets=...)");
        }
        ObjectNode grid = mask.putObject("grid").put("unit", parts[0]);
        grid.put("strength", parts.length == 2 ? decimal(parts[1], text, RHYTHM_SYNTAX) : 1.0);
        return mask;
      });
    }
  }

  /** {@code --remix}: regenerate the bars as a variation of their notes. */
  static final class Remix implements ITypeConverter<ControlOption> {
    @Override
    public ControlOption convert(String text) {
      return parse(text, REMIX_SYNTAX, spec -> {
        String[] parts = spec.split(":", 2);
        ObjectNode remix = JSON.createObjectNode();
        remix.put("amount", decimal(parts[0], text, REMIX_SYNTAX));
        remix.put("mode", parts.length == 2 ? parts[1].trim() : "pitch");
        return remix;
      });
    }
  }

  @FunctionalInterface
  private interface SpecParser {
    ObjectNode parse(String spec);
  }

  /** Splits off the track; a spec starting with '{' is taken as the control's JSON. */
  private static ControlOption parse(String text, String syntax, SpecParser parser) {
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw new TypeConversionException("'" + text + "': expected " + syntax);
    }
    int track = integer(text.substring(0, colon), text, syntax);
    if (track < 0) {
      throw new TypeConversionException("'" + text + "': the track must be a number >= 0");
    }
    String spec = text.substring(colon + 1).trim();
    if (spec.startsWith("{")) {
      try {
        if (!JSON.readTree(spec).isObject()) {
          throw new TypeConversionException("'" + text + "': the JSON must be an object");
        }
      } catch (JsonProcessingException e) {
        throw new TypeConversionException("'" + text + "': malformed JSON: "
            + e.getOriginalMessage());
      }
      return new ControlOption(track, spec);
    }
    return new ControlOption(track, parser.parse(spec).toString());
  }

  private static void numbers(ArrayNode out, String list, String text, String syntax) {
    for (String value : list.split(",")) {
      out.add(integer(value, text, syntax));
    }
  }

  private static int integer(String value, String text, String syntax) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new TypeConversionException(
          "'" + text + "': '" + value.trim() + "' is not a whole number (" + syntax + ")");
    }
  }

  private static double decimal(String value, String text, String syntax) {
    try {
      return Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new TypeConversionException(
          "'" + text + "': '" + value.trim() + "' is not a number (" + syntax + ")");
    }
  }
}
