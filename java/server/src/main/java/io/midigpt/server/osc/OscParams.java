package io.midigpt.server.osc;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The session's global parameters (reference spec §9.3): names, defaults, ranges and how an OSC
 * value is coerced to each, plus the once-only overrides of {@code /param/set_once}.
 *
 * <p>Two departures from the reference, both about what a user sees by default: the default {@code
 * mask_mode} is "attention" when the model has no MaskBar token (the reference's "token" fails
 * every generation with the released models), and values given on the command line are this
 * table's defaults, so {@code /session/init}, {@code /param/reset} and {@code /param/reset_all}
 * return to them instead of dropping them.
 */
final class OscParams {
  enum Kind { INT, FLOAT, BOOL, STRING }

  /** One parameter: its default and its range (inclusive) or its allowed strings. */
  record Definition(
      String name, Kind kind, Object defaultValue, double min, double max, Set<String> choices) {
    static Definition integer(String name, int value, double min, double max) {
      return new Definition(name, Kind.INT, value, min, max, Set.of());
    }

    static Definition real(String name, double value, double min, double max) {
      return new Definition(name, Kind.FLOAT, value, min, max, Set.of());
    }

    static Definition bool(String name, boolean value) {
      return new Definition(name, Kind.BOOL, value, 0, 1, Set.of());
    }

    static Definition choice(String name, String value, String... choices) {
      return new Definition(name, Kind.STRING, value, 0, 0, Set.of(choices));
    }
  }

  static final String MASK_MODE = "mask_mode";

  /** The reference's table, in its order, then this server's extensions. */
  static final List<Definition> DEFINITIONS =
      List.of(
          Definition.integer("lookahead_bars", 1, 1, 8),
          Definition.integer("buffer_bars", 4, 2, 64),
          Definition.integer("num_anticipated_bars", 1, 1, 8),
          Definition.real("temperature", 1.0, 0.1, 5),
          Definition.integer("model_dim", 8, 1, 16),
          Definition.real("top_p", 1.0, 0, 1),
          Definition.integer("top_k", 0, 0, 10_000),
          Definition.real("mask_p", 0.0, 0, 1),
          Definition.integer("mask_k", 0, 0, 10_000),
          Definition.real("temperature_escalation", 1.0, 1, 3),
          Definition.bool("novelty_check", true),
          Definition.bool("silence_check", true),
          Definition.integer("sampling_seed", -1, Integer.MIN_VALUE, Integer.MAX_VALUE),
          Definition.bool("adapt_buffer", true),
          Definition.real("gen_timeout", 0.0, 0, Double.MAX_VALUE),
          Definition.integer("max_attempts", 3, 1, 10),
          Definition.choice("warmup_policy", "a_empty", "a_empty", "a_masked", "b", "b_collapse"),
          Definition.choice(MASK_MODE, "token",
              "token", "attention", "attention_approx", "attention_skip", "remove"),
          Definition.integer("polyphony_hard_limit", 0, 0, 128),
          Definition.integer("density_hard_limit", 0, 0, 1000),
          // Extension: the protocol carries no tempo. 0 estimates the bar's length from the
          // interval between /bar/end messages; a tempo gives deadlines from the first bar on.
          Definition.real("bpm", 0.0, 0, 400),
          // Extension: false delivers bars even after they should have started (step mode).
          Definition.bool("drop_late", true));

  private static final Map<String, Definition> BY_NAME = byName();

  private final boolean supportsTokenMask;
  private final Map<String, Object> defaults = new LinkedHashMap<>();
  private final Map<String, Object> values = new LinkedHashMap<>();
  private final Map<String, Object> once = new LinkedHashMap<>();

  /**
   * @param supportsTokenMask whether the model has a MaskBar token (else mask_mode "token" is
   *     replaced, see the class comment)
   * @param serverDefaults values that replace the table's defaults (the command line's)
   * @throws OscProtocolException for an unknown name or a value out of range
   */
  OscParams(boolean supportsTokenMask, Map<String, Object> serverDefaults) {
    this.supportsTokenMask = supportsTokenMask;
    for (Definition definition : DEFINITIONS) {
      defaults.put(definition.name(), definition.defaultValue());
    }
    if (!supportsTokenMask) {
      defaults.put(MASK_MODE, "attention");
    }
    serverDefaults.forEach((name, value) -> defaults.put(name, coerce(name, value)));
    values.putAll(defaults);
  }

  static boolean isKnown(String name) {
    return BY_NAME.containsKey(name);
  }

  void set(String name, Object value) {
    values.put(name, coerce(name, value));
  }

  void setOnce(String name, Object value) {
    once.put(name, coerce(name, value));
  }

  void reset(String name) {
    definition(name);
    values.put(name, defaults.get(name));
    once.remove(name);
  }

  void resetAll() {
    values.clear();
    values.putAll(defaults);
    once.clear();
  }

  void clearOnce() {
    once.clear();
  }

  /** The values the next generation uses: the parameters with the once-only ones on top. */
  Snapshot snapshot() {
    Map<String, Object> merged = new LinkedHashMap<>(values);
    merged.putAll(once);
    return new Snapshot(Collections.unmodifiableMap(merged));
  }

  /** An immutable view of every parameter's value, with typed getters. */
  record Snapshot(Map<String, Object> values) {
    int integer(String name) {
      return (Integer) values.get(name);
    }

    double real(String name) {
      return (Double) values.get(name);
    }

    boolean bool(String name) {
      return (Boolean) values.get(name);
    }

    String string(String name) {
      return (String) values.get(name);
    }
  }

  /** The value stored for {@code raw}, as the reference coerces by the parameter's type. */
  private Object coerce(String name, Object raw) {
    Definition definition = definition(name);
    Object value =
        switch (definition.kind()) {
          case INT -> toInt(definition, raw);
          case FLOAT -> toDouble(definition, raw);
          case BOOL -> toBool(definition, raw);
          case STRING -> String.valueOf(raw instanceof CharSequence ? raw.toString() : raw);
        };
    if (value instanceof Number number) {
      double d = number.doubleValue();
      if (d < definition.min() || d > definition.max()) {
        throw invalid(name + "=" + raw + " is outside " + range(definition));
      }
    }
    if (definition.kind() == Kind.STRING) {
      if (!definition.choices().contains(value)) {
        throw invalid(name + "=" + raw + " is not one of " + definition.choices());
      }
      if (name.equals(MASK_MODE) && value.equals("token") && !supportsTokenMask) {
        // As the reference: the model has no MaskBar token, so "token" cannot work.
        value = "attention_skip";
      }
    }
    return value;
  }

  private static Definition definition(String name) {
    Definition definition = BY_NAME.get(name);
    if (definition == null) {
      throw invalid("unknown parameter '" + name + "'");
    }
    return definition;
  }

  private static Integer toInt(Definition definition, Object raw) {
    if (raw instanceof Integer i) {
      return i;
    }
    if (raw instanceof Boolean b) {
      return b ? 1 : 0;
    }
    double d = toDouble(definition, raw);
    if (Math.abs(d) > Integer.MAX_VALUE) {
      throw invalid(definition.name() + "=" + raw + " is outside " + range(definition));
    }
    return (int) d;
  }

  private static Double toDouble(Definition definition, Object raw) {
    double d;
    if (raw instanceof Number number) {
      d = number.doubleValue();
    } else if (raw instanceof Boolean b) {
      d = b ? 1 : 0;
    } else if (raw instanceof CharSequence text) {
      try {
        d = Double.parseDouble(text.toString().trim());
      } catch (NumberFormatException e) {
        throw invalid(definition.name() + " expects a number, got '" + text + "'");
      }
    } else {
      throw invalid(definition.name() + " expects a number, got " + OscArgs.describe(raw));
    }
    if (!Double.isFinite(d)) {
      throw invalid(definition.name() + " expects a finite number, got " + raw);
    }
    return d;
  }

  private static Boolean toBool(Definition definition, Object raw) {
    if (raw instanceof Boolean b) {
      return b;
    }
    if (raw instanceof Number number) {
      return number.doubleValue() != 0;
    }
    if (raw instanceof CharSequence text) {
      switch (text.toString().trim().toLowerCase(Locale.ROOT)) {
        case "true", "1", "yes", "on":
          return true;
        case "false", "0", "no", "off":
          return false;
        default:
          break;
      }
    }
    throw invalid(definition.name() + " expects true or false, got " + OscArgs.describe(raw));
  }

  private static String range(Definition definition) {
    return definition.max() == Double.MAX_VALUE
        ? ">= " + format(definition.min())
        : format(definition.min()) + ".." + format(definition.max());
  }

  private static String format(double bound) {
    return bound == Math.rint(bound) ? Long.toString((long) bound) : Double.toString(bound);
  }

  private static OscProtocolException invalid(String problem) {
    return new OscProtocolException(OscError.INVALID_PARAM, "param " + problem);
  }

  private static Map<String, Definition> byName() {
    Map<String, Definition> map = new LinkedHashMap<>();
    DEFINITIONS.forEach(definition -> map.put(definition.name(), definition));
    return Collections.unmodifiableMap(map);
  }
}
