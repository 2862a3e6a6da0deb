package io.midigpt.generation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.midigpt.InvalidArgumentException;
import io.midigpt.RequestValidationException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Requests <-> the reference's {@code from_dict} JSON shape, read the way the native parser
 * (native/src/generation_request.cpp) reads it: an absent key and {@code null} both mean the
 * default, integers must be JSON integers, bar-indexed maps have decimal string keys, and the error
 * messages name the field as the native ones do. One difference, on purpose: keys the reference
 * does not define are rejected (the native parser skips them), so that a typo in an HTTP request is
 * a 400 rather than a silently ignored setting. Control objects keep their unknown keys for the
 * native validator to reject.
 */
final class GenerationJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final Set<String> REQUEST_KEYS = Set.of("tracks", "config", "controls");
  private static final Set<String> PROMPT_KEYS =
      Set.of(
          "id",
          "bars",
          "autoregressive",
          "ignore",
          "mask_bars",
          "attributes",
          "controls",
          "bar_attributes",
          "bar_controls");
  private static final Set<String> CONFIG_KEYS =
      Set.of(
          "temperature",
          "seed",
          "max_attempts",
          "novelty_check",
          "silence_check",
          "temperature_escalation",
          "bars_per_step",
          "tracks_per_step",
          "model_dim",
          "shuffle",
          "mask_mode",
          "polyphony_hard_limit",
          "density_hard_limit",
          "top_p",
          "top_k",
          "mask_p",
          "mask_k");

  /** What {@code std::from_chars} reads as a whole int: an optional minus, then digits. */
  private static final Pattern BAR_KEY = Pattern.compile("-?[0-9]+");

  private static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private GenerationJson() {}

  // ---- Reading ---------------------------------------------------------------------------------

  static GenerationRequest readRequest(String json) {
    JsonNode root = parse(json);
    requireObject(root, "request");
    rejectUnknownKeys(root, "", REQUEST_KEYS);
    JsonNode tracks = member(root, "tracks");
    if (tracks == null) {
      throw malformed("tracks", "required");
    }
    if (!tracks.isArray()) {
      throw wrongType("tracks", "an array of track prompts", tracks);
    }
    List<TrackPrompt> prompts = new ArrayList<>(tracks.size());
    for (int i = 0; i < tracks.size(); i++) {
      prompts.add(readTrackPrompt(tracks.get(i), "tracks[" + i + "]"));
    }
    JsonNode config = member(root, "config");
    JsonNode controls = member(root, "controls");
    return new GenerationRequest(
        prompts,
        config == null ? InferenceConfig.DEFAULTS : readConfig(config),
        controls == null ? PieceControls.NONE : readPieceControls(controls));
  }

  static InferenceConfig readConfig(String json) {
    return readConfig(parse(json));
  }

  private static JsonNode parse(String json) {
    if (json == null) {
      throw malformed("request", "not valid JSON (null text)");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidArgumentException(
          "request: not valid JSON (" + e.getOriginalMessage() + ")", e);
    }
    if (root == null || root.isMissingNode()) {
      throw malformed("request", "not valid JSON (no value)");
    }
    return root;
  }

  private static TrackPrompt readTrackPrompt(JsonNode value, String field) {
    requireObject(value, field);
    rejectUnknownKeys(value, field + ".", PROMPT_KEYS);
    JsonNode id = member(value, "id");
    if (id == null) {
      throw malformed(field + ".id", "required");
    }
    TrackPrompt.Builder prompt = TrackPrompt.builder(readInt32(id, field + ".id"));
    JsonNode bars = member(value, "bars");
    if (bars == null) {
      throw malformed(field + ".bars", "required");
    }
    prompt.bars(readIntList(bars, field + ".bars"));
    JsonNode v;
    if ((v = member(value, "autoregressive")) != null) {
      prompt.autoregressive(readBool(v, field + ".autoregressive"));
    }
    if ((v = member(value, "ignore")) != null) {
      prompt.ignore(readBool(v, field + ".ignore"));
    }
    if ((v = member(value, "mask_bars")) != null) {
      prompt.maskBars(readIntList(v, field + ".mask_bars"));
    }
    if ((v = member(value, "attributes")) != null) {
      prompt.attributes(readLevels(v, field + ".attributes"));
    }
    if ((v = member(value, "controls")) != null) {
      prompt.controls(readControls(v, field + ".controls"));
    }
    if ((v = member(value, "bar_attributes")) != null) {
      String barField = field + ".bar_attributes";
      Map<Integer, Map<String, Integer>> barAttributes = new LinkedHashMap<>();
      for (String key : sortedKeys(requireObject(v, barField))) {
        barAttributes.put(readBarKey(key, barField), readLevels(v.get(key), barField + "." + key));
      }
      prompt.barAttributes(barAttributes);
    }
    if ((v = member(value, "bar_controls")) != null) {
      String barField = field + ".bar_controls";
      Map<Integer, TrackControls> barControls = new LinkedHashMap<>();
      for (String key : sortedKeys(requireObject(v, barField))) {
        barControls.put(readBarKey(key, barField), readControls(v.get(key), barField + "." + key));
      }
      prompt.barControls(barControls);
    }
    return prompt.build();
  }

  private static InferenceConfig readConfig(JsonNode value) {
    requireObject(value, "config");
    rejectUnknownKeys(value, "config.", CONFIG_KEYS);
    InferenceConfig.Builder config = InferenceConfig.builder();
    JsonNode v;
    if ((v = member(value, "temperature")) != null) {
      config.temperature(readNumber(v, "config.temperature"));
    }
    if ((v = member(value, "seed")) != null) {
      config.seed(readInt64(v, "config.seed"));
    }
    if ((v = member(value, "max_attempts")) != null) {
      config.maxAttempts(readInt32(v, "config.max_attempts"));
    }
    if ((v = member(value, "novelty_check")) != null) {
      config.noveltyCheck(readBool(v, "config.novelty_check"));
    }
    if ((v = member(value, "silence_check")) != null) {
      config.silenceCheck(readBool(v, "config.silence_check"));
    }
    if ((v = member(value, "temperature_escalation")) != null) {
      config.temperatureEscalation(readNumber(v, "config.temperature_escalation"));
    }
    if ((v = member(value, "bars_per_step")) != null) {
      config.barsPerStep(readInt32(v, "config.bars_per_step"));
    }
    if ((v = member(value, "tracks_per_step")) != null) {
      config.tracksPerStep(readInt32(v, "config.tracks_per_step"));
    }
    // The reference accepts model_dim=None for "the smallest window"; 0 says the same.
    if (value.has("model_dim")) {
      JsonNode modelDim = value.get("model_dim");
      config.modelDim(modelDim.isNull() ? 0 : readInt32(modelDim, "config.model_dim"));
    }
    if ((v = member(value, "shuffle")) != null) {
      config.shuffle(readBool(v, "config.shuffle"));
    }
    if ((v = member(value, "mask_mode")) != null) {
      if (!v.isTextual()) {
        throw wrongType("config.mask_mode", "a string", v);
      }
      String name = v.textValue();
      // Not representable, and a request error natively: a typo would silently reveal the
      // masked bars, since the reference masks nothing for an unknown mode (§12.22).
      config.maskMode(
          MaskMode.fromJsonName(name)
              .orElseThrow(
                  () ->
                      new RequestValidationException(
                          "config.mask_mode: unknown mode '"
                              + name
                              + "' (expected token, attention, attention_approx, attention_skip"
                              + " or remove)")));
    }
    if ((v = member(value, "polyphony_hard_limit")) != null) {
      config.polyphonyHardLimit(readInt32(v, "config.polyphony_hard_limit"));
    }
    if ((v = member(value, "density_hard_limit")) != null) {
      config.densityHardLimit(readInt32(v, "config.density_hard_limit"));
    }
    if ((v = member(value, "top_p")) != null) {
      config.topP(readNumber(v, "config.top_p"));
    }
    if ((v = member(value, "top_k")) != null) {
      config.topK(readInt32(v, "config.top_k"));
    }
    if ((v = member(value, "mask_p")) != null) {
      config.maskP(readNumber(v, "config.mask_p"));
    }
    if ((v = member(value, "mask_k")) != null) {
      config.maskK(readInt32(v, "config.mask_k"));
    }
    return config.build();
  }

  private static TrackControls readControls(JsonNode value, String field) {
    OptionalInt timeSignature = OptionalInt.empty();
    Optional<String> pitchMask = Optional.empty();
    Optional<String> rhythmMask = Optional.empty();
    Optional<String> remix = Optional.empty();
    List<String> unknownKeys = new ArrayList<>();
    for (String name : sortedKeys(requireObject(value, field))) {
      JsonNode setting = value.get(name);
      if (name.equals(TrackControls.TIME_SIGNATURE)) {
        timeSignature = OptionalInt.of(readInt32(setting, field + "." + name));
      } else if (name.equals(TrackControls.PITCH_MASK)) {
        pitchMask = nativeControl(setting, field + "." + name);
      } else if (name.equals(TrackControls.RHYTHM_MASK)) {
        rhythmMask = nativeControl(setting, field + "." + name);
      } else if (name.equals(TrackControls.REMIX)) {
        remix = nativeControl(setting, field + "." + name);
      } else {
        unknownKeys.add(name);
      }
    }
    return new TrackControls(timeSignature, pitchMask, rhythmMask, remix, unknownKeys);
  }

  /** A control the native core reads and validates: here it only has to be an object. */
  private static Optional<String> nativeControl(JsonNode setting, String field) {
    return setting.isNull() ? Optional.empty() : Optional.of(write(requireObject(setting, field)));
  }

  /** {@code json} rewritten compactly, or InvalidArgument when it is not one JSON object. */
  static String compactObject(String json, String field) {
    JsonNode node;
    try {
      node = json == null ? null : MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw malformed(field, "not valid JSON (" + e.getOriginalMessage() + ")");
    }
    if (node == null || !node.isObject()) {
      throw malformed(field, "expected a JSON object");
    }
    return write(node);
  }

  private static PieceControls readPieceControls(JsonNode value) {
    PieceControls.Builder controls = PieceControls.builder();
    for (String name : sortedKeys(requireObject(value, "controls"))) {
      String field = "controls." + name;
      JsonNode setting = value.get(name);
      switch (name) {
        case "velocity" -> controls.velocity(readBool(setting, field));
        case "microtiming" -> controls.microtiming(readBool(setting, field));
        case "genre" -> {
          if (!setting.isTextual()) {
            throw wrongType(field, "a string", setting);
          }
          controls.genre(setting.textValue());
        }
        default -> controls.unknownKey(name);
      }
    }
    return controls.build();
  }

  private static Map<String, Integer> readLevels(JsonNode value, String field) {
    Map<String, Integer> levels = new TreeMap<>();
    for (String name : sortedKeys(requireObject(value, field))) {
      levels.put(name, readInt32(value.get(name), field + "." + name));
    }
    return levels;
  }

  private static List<Integer> readIntList(JsonNode value, String field) {
    if (!value.isArray()) {
      throw wrongType(field, "an array of integers", value);
    }
    List<Integer> list = new ArrayList<>(value.size());
    for (int i = 0; i < value.size(); i++) {
      list.add(readInt32(value.get(i), field + "[" + i + "]"));
    }
    return list;
  }

  /** JSON object keys of bar-indexed maps are decimal strings ("3", "-1"). */
  private static int readBarKey(String key, String field) {
    if (BAR_KEY.matcher(key).matches()) {
      try {
        return Integer.parseInt(key);
      } catch (NumberFormatException e) {
        // out of int range: reported below, as the native parser does
      }
    }
    throw malformed(field, "key '" + key + "' is not a bar index");
  }

  private static long readInt64(JsonNode value, String field) {
    if (!value.isIntegralNumber()) {
      throw wrongType(field, "an integer", value);
    }
    if (!value.canConvertToLong()) {
      BigInteger big = value.bigIntegerValue();
      throw malformed(
          field,
          "integer " + big + (big.compareTo(INT64_MAX) > 0 ? " is too large" : " is too small"));
    }
    return value.longValue();
  }

  private static int readInt32(JsonNode value, String field) {
    long wide = readInt64(value, field);
    if (wide < Integer.MIN_VALUE || wide > Integer.MAX_VALUE) {
      throw malformed(field, "integer " + wide + " does not fit 32 bits");
    }
    return (int) wide;
  }

  private static double readNumber(JsonNode value, String field) {
    if (!value.isNumber()) {
      throw wrongType(field, "a number", value);
    }
    double number = value.doubleValue();
    if (!Double.isFinite(number)) {
      throw malformed(field, "number " + value.asText() + " is out of range");
    }
    return number;
  }

  private static boolean readBool(JsonNode value, String field) {
    if (!value.isBoolean()) {
      throw wrongType(field, "a boolean", value);
    }
    return value.booleanValue();
  }

  private static JsonNode requireObject(JsonNode value, String field) {
    if (!value.isObject()) {
      throw wrongType(field, "an object", value);
    }
    return value;
  }

  /** An optional member: absent and null both mean "use the default". */
  private static JsonNode member(JsonNode object, String key) {
    JsonNode value = object.get(key);
    return value == null || value.isNull() ? null : value;
  }

  /** Keys in the native side's order (nlohmann::json keeps objects sorted by key). */
  private static List<String> sortedKeys(JsonNode object) {
    List<String> keys = new ArrayList<>();
    object.fieldNames().forEachRemaining(keys::add);
    keys.sort(null);
    return keys;
  }

  private static void rejectUnknownKeys(JsonNode object, String prefix, Set<String> known) {
    for (String key : sortedKeys(object)) {
      if (!known.contains(key)) {
        throw malformed(prefix + key, "unknown field");
      }
    }
  }

  private static InvalidArgumentException malformed(String field, String problem) {
    return new InvalidArgumentException(field + ": " + problem);
  }

  private static InvalidArgumentException wrongType(String field, String expected, JsonNode value) {
    return malformed(field, "expected " + expected + ", got " + typeName(value));
  }

  /** nlohmann::json's type_name(), so that messages match the native parser's. */
  private static String typeName(JsonNode value) {
    return switch (value.getNodeType()) {
      case NULL -> "null";
      case OBJECT, POJO -> "object";
      case ARRAY -> "array";
      case STRING -> "string";
      case BOOLEAN -> "boolean";
      case NUMBER -> "number";
      case BINARY -> "binary";
      case MISSING -> "discarded";
    };
  }

  // ---- Writing ---------------------------------------------------------------------------------

  private static JsonNode tree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("controls hold checked JSON objects", e);
    }
  }

  static String write(JsonNode json) {
    try {
      return MAPPER.writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a request always serialises", e);
    }
  }

  static ObjectNode requestToJson(GenerationRequest request) {
    ObjectNode root = MAPPER.createObjectNode();
    ArrayNode prompts = root.putArray("tracks");
    for (TrackPrompt prompt : request.tracks()) {
      prompts.add(promptToJson(prompt));
    }
    root.set("config", configToJson(request.config()));
    // As the reference's to_dict, piece-level controls only appear when there are some.
    PieceControls controls = request.controls();
    if (!controls.isEmpty()) {
      ObjectNode pieceControls = root.putObject("controls");
      controls.velocity().ifPresent(velocity -> pieceControls.put("velocity", velocity));
      controls.microtiming().ifPresent(micro -> pieceControls.put("microtiming", micro));
      controls.genre().ifPresent(genre -> pieceControls.put("genre", genre));
      controls.unknownKeys().forEach(pieceControls::putNull);
    }
    return root;
  }

  private static ObjectNode promptToJson(TrackPrompt prompt) {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("id", prompt.id());
    ArrayNode bars = json.putArray("bars");
    prompt.bars().forEach(bars::add);
    json.put("autoregressive", prompt.autoregressive());
    json.put("ignore", prompt.ignore());
    ArrayNode maskBars = json.putArray("mask_bars");
    prompt.maskBars().forEach(maskBars::add);
    json.set("attributes", levelsToJson(prompt.attributes()));
    json.set("controls", controlsToJson(prompt.controls()));
    ObjectNode barAttributes = json.putObject("bar_attributes");
    prompt
        .barAttributes()
        .forEach((bar, levels) -> barAttributes.set(bar.toString(), levelsToJson(levels)));
    ObjectNode barControls = json.putObject("bar_controls");
    prompt
        .barControls()
        .forEach((bar, controls) -> barControls.set(bar.toString(), controlsToJson(controls)));
    return json;
  }

  static ObjectNode configToJson(InferenceConfig config) {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("temperature", config.temperature());
    json.put("seed", config.seed());
    json.put("max_attempts", config.maxAttempts());
    json.put("novelty_check", config.noveltyCheck());
    json.put("silence_check", config.silenceCheck());
    json.put("temperature_escalation", config.temperatureEscalation());
    json.put("bars_per_step", config.barsPerStep());
    json.put("tracks_per_step", config.tracksPerStep());
    json.put("model_dim", config.modelDim());
    json.put("shuffle", config.shuffle());
    json.put("mask_mode", config.maskMode().jsonName());
    json.put("polyphony_hard_limit", config.polyphonyHardLimit());
    json.put("density_hard_limit", config.densityHardLimit());
    json.put("top_p", config.topP());
    json.put("top_k", config.topK());
    json.put("mask_p", config.maskP());
    json.put("mask_k", config.maskK());
    return json;
  }

  private static ObjectNode levelsToJson(Map<String, Integer> levels) {
    ObjectNode json = MAPPER.createObjectNode();
    levels.forEach(json::put);
    return json;
  }

  /** Unknown keys are written with a null value: enough for the validator to name them again. */
  private static ObjectNode controlsToJson(TrackControls controls) {
    ObjectNode json = MAPPER.createObjectNode();
    controls.timeSignature().ifPresent(index -> json.put(TrackControls.TIME_SIGNATURE, index));
    controls.pitchMask().ifPresent(mask -> json.set(TrackControls.PITCH_MASK, tree(mask)));
    controls.rhythmMask().ifPresent(mask -> json.set(TrackControls.RHYTHM_MASK, tree(mask)));
    controls.remix().ifPresent(remix -> json.set(TrackControls.REMIX, tree(remix)));
    controls.unknownKeys().forEach(json::putNull);
    return json;
  }
}
