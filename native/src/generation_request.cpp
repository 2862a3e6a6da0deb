// Request parsing and validation (reference spec §6.2, §6.4).

#include "midigpt/generation_request.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <functional>
#include <limits>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "midigpt/error.hpp"

namespace midigpt {
namespace {

using Json = nlohmann::json;

constexpr std::array<std::pair<MaskMode, std::string_view>, 5> kMaskModeNames = {{
    {MaskMode::Token, "token"},
    {MaskMode::Attention, "attention"},
    {MaskMode::AttentionApprox, "attention_approx"},
    {MaskMode::AttentionSkip, "attention_skip"},
    {MaskMode::Remove, "remove"},
}};

// temperature_escalation above this is clamped: retries would otherwise sample noise.
constexpr double kMaxTemperatureEscalation = 3.0;
constexpr int32_t kMaxMidiProgram = 127;

// ---- Formatting ---------------------------------------------------------------------------------

/// Shortest text that reads back as the same double (0.5, 1, 1e-05).
std::string formatNumber(double value) {
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), result.ptr);
}

template <typename Range>
std::string formatList(const Range& values) {
  std::string text = "[";
  bool first = true;
  for (const auto& value : values) {
    if (!first) text += ", ";
    text += std::to_string(value);
    first = false;
  }
  return text + "]";
}

std::string formatNames(const std::vector<std::string>& names) {
  std::string text;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text += ", ";
    text += names[i];
  }
  return text;
}

// ---- Parsing ------------------------------------------------------------------------------------

[[noreturn]] void malformed(const std::string& field, const std::string& problem) {
  throw Error(ErrorCode::InvalidArgument, field + ": " + problem);
}

[[noreturn]] void wrongType(const std::string& field, const char* expected, const Json& value) {
  malformed(field, std::string("expected ") + expected + ", got " + value.type_name());
}

int64_t readInt64(const Json& value, const std::string& field) {
  if (value.is_number_unsigned()) {
    const uint64_t unsignedValue = value.get<uint64_t>();
    if (unsignedValue > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      malformed(field, "integer " + std::to_string(unsignedValue) + " is too large");
    }
    return static_cast<int64_t>(unsignedValue);
  }
  if (!value.is_number_integer()) wrongType(field, "an integer", value);
  return value.get<int64_t>();
}

int32_t readInt32(const Json& value, const std::string& field) {
  const int64_t wide = readInt64(value, field);
  if (wide < std::numeric_limits<int32_t>::min() || wide > std::numeric_limits<int32_t>::max()) {
    malformed(field, "integer " + std::to_string(wide) + " does not fit 32 bits");
  }
  return static_cast<int32_t>(wide);
}

double readNumber(const Json& value, const std::string& field) {
  if (!value.is_number()) wrongType(field, "a number", value);
  return value.get<double>();
}

bool readBool(const Json& value, const std::string& field) {
  if (!value.is_boolean()) wrongType(field, "a boolean", value);
  return value.get<bool>();
}

const Json& requireObject(const Json& value, const std::string& field) {
  if (!value.is_object()) wrongType(field, "an object", value);
  return value;
}

std::vector<int32_t> readIntList(const Json& value, const std::string& field) {
  if (!value.is_array()) wrongType(field, "an array of integers", value);
  std::vector<int32_t> list;
  list.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    list.push_back(readInt32(value[i], field + "[" + std::to_string(i) + "]"));
  }
  return list;
}

/// An optional member: absent and null both mean "use the default".
const Json* member(const Json& object, const char* key) {
  const auto found = object.find(key);
  if (found == object.end() || found->is_null()) return nullptr;
  return &*found;
}

/// JSON object keys of bar-indexed maps are decimal strings ("3", "-1").
int32_t readBarKey(const std::string& key, const std::string& field) {
  int32_t bar = 0;
  const char* end = key.data() + key.size();
  const auto result = std::from_chars(key.data(), end, bar);
  if (key.empty() || result.ec != std::errc() || result.ptr != end) {
    malformed(field, "key '" + key + "' is not a bar index");
  }
  return bar;
}

std::map<std::string, int32_t> readLevels(const Json& value, const std::string& field) {
  std::map<std::string, int32_t> levels;
  for (const auto& [name, level] : requireObject(value, field).items()) {
    levels[name] = readInt32(level, field + "." + name);
  }
  return levels;
}

[[noreturn]] void reject(const std::string& field, const std::string& problem);

/// Keys of the API's newer objects (pitch_mask, its shape) are checked: they have no
/// reference behaviour to stay compatible with, and a typo would silently change the result.
void rejectUnknownKeys(const Json& object, const std::string& field,
                       std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      malformed(field + "." + key, "unknown field");
    }
  }
}

double requiredNumber(const Json& object, const char* key, const std::string& field) {
  const Json* value = member(object, key);
  if (value == nullptr) malformed(field + "." + key, "required");
  return readNumber(*value, field + "." + key);
}

PitchShape readPitchShape(const Json& value, const std::string& field) {
  requireObject(value, field);
  const Json* type = member(value, "type");
  if (type == nullptr) malformed(field + ".type", "required (uniform or normal)");
  if (!type->is_string()) wrongType(field + ".type", "a string", *type);
  PitchShape shape;
  const std::string kind = type->get<std::string>();
  if (kind == "uniform") {
    rejectUnknownKeys(value, field, {"type", "min", "max"});
    shape.kind = PitchShape::Kind::Uniform;
    shape.low = requiredNumber(value, "min", field);
    shape.high = requiredNumber(value, "max", field);
  } else if (kind == "normal") {
    rejectUnknownKeys(value, field, {"type", "mean", "std"});
    shape.kind = PitchShape::Kind::Normal;
    shape.low = requiredNumber(value, "mean", field);
    shape.high = requiredNumber(value, "std", field);
  } else {
    reject(field + ".type", "unknown shape '" + kind + "' (expected uniform or normal)");
  }
  return shape;
}

/// A hard set's list: present means non-empty (an empty allow-set would allow nothing).
std::vector<int32_t> readPitchList(const Json& value, const std::string& field) {
  std::vector<int32_t> list = readIntList(value, field);
  if (list.empty()) reject(field, "must not be empty");
  return list;
}

PitchMask readPitchMask(const Json& value, const std::string& field) {
  requireObject(value, field);
  rejectUnknownKeys(value, field, {"pitches", "scale", "root", "pitch_classes", "shape"});
  PitchMask mask;
  if (const Json* v = member(value, "pitches")) {
    mask.pitches = readPitchList(*v, field + ".pitches");
  }
  if (const Json* v = member(value, "pitch_classes")) {
    mask.pitchClasses = readPitchList(*v, field + ".pitch_classes");
  }
  if (const Json* v = member(value, "scale")) {
    if (!v->is_string()) wrongType(field + ".scale", "a string", *v);
    mask.scale = v->get<std::string>();
  }
  if (const Json* v = member(value, "root")) {
    if (!mask.scale) reject(field + ".root", "only applies with scale");
    mask.root = readInt32(*v, field + ".root");
  }
  if (const Json* v = member(value, "shape")) mask.shape = readPitchShape(*v, field + ".shape");
  return mask;
}

RhythmMask readRhythmMask(const Json& value, const std::string& field) {
  requireObject(value, field);
  rejectUnknownKeys(value, field, {"positions", "grid"});
  RhythmMask mask;
  if (const Json* v = member(value, "positions")) {
    const std::string listField = field + ".positions";
    if (!v->is_array()) wrongType(listField, "an array of onsets", *v);
    for (size_t i = 0; i < v->size(); ++i) {
      const std::string onsetField = listField + "[" + std::to_string(i) + "]";
      const Json& entry = requireObject((*v)[i], onsetField);
      rejectUnknownKeys(entry, onsetField, {"pos", "polyphony"});
      RhythmOnset onset;
      const Json* pos = member(entry, "pos");
      if (pos == nullptr) malformed(onsetField + ".pos", "required");
      onset.pos = readInt32(*pos, onsetField + ".pos");
      if (const Json* polyphony = member(entry, "polyphony")) {
        onset.polyphony = readInt32(*polyphony, onsetField + ".polyphony");
      }
      mask.positions.push_back(onset);
    }
    if (mask.positions.empty()) reject(listField, "must not be empty");
  }
  if (const Json* v = member(value, "grid")) {
    const std::string gridField = field + ".grid";
    requireObject(*v, gridField);
    rejectUnknownKeys(*v, gridField, {"unit", "strength"});
    RhythmGrid grid;
    const Json* unit = member(*v, "unit");
    if (unit == nullptr) malformed(gridField + ".unit", "required");
    if (!unit->is_string()) wrongType(gridField + ".unit", "a string", *unit);
    grid.unit = unit->get<std::string>();
    if (const Json* strength = member(*v, "strength")) {
      grid.strength = readNumber(*strength, gridField + ".strength");
    }
    mask.grid = grid;
  }
  return mask;
}

Remix readRemix(const Json& value, const std::string& field) {
  requireObject(value, field);
  rejectUnknownKeys(value, field, {"amount", "mode"});
  Remix remix;
  remix.amount = requiredNumber(value, "amount", field);
  if (const Json* mode = member(value, "mode")) {
    if (!mode->is_string()) wrongType(field + ".mode", "a string", *mode);
    const std::string name = mode->get<std::string>();
    const std::optional<RemixMode> parsed = parseRemixMode(name);
    if (!parsed) reject(field + ".mode", "unknown mode '" + name + "' (expected pitch or full)");
    remix.mode = *parsed;
  }
  return remix;
}

TrackControls readControls(const Json& value, const std::string& field) {
  TrackControls controls;
  for (const auto& [name, setting] : requireObject(value, field).items()) {
    if (name == "time_signature") {
      controls.timeSignature = readInt32(setting, field + "." + name);
    } else if (name == "pitch_mask" && !setting.is_null()) {
      controls.pitchMask = readPitchMask(setting, field + "." + name);
    } else if (name == "rhythm_mask" && !setting.is_null()) {
      controls.rhythmMask = readRhythmMask(setting, field + "." + name);
    } else if (name == "remix" && !setting.is_null()) {
      controls.remix = readRemix(setting, field + "." + name);
    } else {
      controls.unknownKeys.push_back(name);
    }
  }
  return controls;
}

TrackPrompt readTrackPrompt(const Json& value, const std::string& field) {
  requireObject(value, field);
  TrackPrompt prompt;
  const Json* id = member(value, "id");
  if (id == nullptr) malformed(field + ".id", "required");
  prompt.id = readInt32(*id, field + ".id");
  const Json* bars = member(value, "bars");
  if (bars == nullptr) malformed(field + ".bars", "required");
  prompt.bars = readIntList(*bars, field + ".bars");
  if (const Json* v = member(value, "autoregressive")) {
    prompt.autoregressive = readBool(*v, field + ".autoregressive");
  }
  if (const Json* v = member(value, "ignore")) prompt.ignore = readBool(*v, field + ".ignore");
  if (const Json* v = member(value, "mask_bars")) {
    prompt.maskBars = readIntList(*v, field + ".mask_bars");
  }
  if (const Json* v = member(value, "attributes")) {
    prompt.attributes = readLevels(*v, field + ".attributes");
  }
  if (const Json* v = member(value, "controls")) {
    prompt.controls = readControls(*v, field + ".controls");
  }
  if (const Json* v = member(value, "bar_attributes")) {
    const std::string barField = field + ".bar_attributes";
    for (const auto& [key, levels] : requireObject(*v, barField).items()) {
      prompt.barAttributes[readBarKey(key, barField)] = readLevels(levels, barField + "." + key);
    }
  }
  if (const Json* v = member(value, "bar_controls")) {
    const std::string barField = field + ".bar_controls";
    for (const auto& [key, controls] : requireObject(*v, barField).items()) {
      prompt.barControls[readBarKey(key, barField)] = readControls(controls, barField + "." + key);
    }
  }
  return prompt;
}

InferenceConfig readConfig(const Json& value) {
  requireObject(value, "config");
  InferenceConfig config;
  const auto field = [](const char* key) { return std::string("config.") + key; };
  if (const Json* v = member(value, "temperature")) {
    config.temperature = readNumber(*v, field("temperature"));
  }
  if (const Json* v = member(value, "seed")) config.seed = readInt64(*v, field("seed"));
  if (const Json* v = member(value, "max_attempts")) {
    config.maxAttempts = readInt32(*v, field("max_attempts"));
  }
  if (const Json* v = member(value, "novelty_check")) {
    config.noveltyCheck = readBool(*v, field("novelty_check"));
  }
  if (const Json* v = member(value, "silence_check")) {
    config.silenceCheck = readBool(*v, field("silence_check"));
  }
  if (const Json* v = member(value, "temperature_escalation")) {
    config.temperatureEscalation = readNumber(*v, field("temperature_escalation"));
  }
  if (const Json* v = member(value, "bars_per_step")) {
    config.barsPerStep = readInt32(*v, field("bars_per_step"));
  }
  if (const Json* v = member(value, "tracks_per_step")) {
    config.tracksPerStep = readInt32(*v, field("tracks_per_step"));
  }
  // The reference accepts model_dim=None for "the smallest window"; 0 says the same here.
  const auto modelDim = value.find("model_dim");
  if (modelDim != value.end()) {
    config.modelDim = modelDim->is_null() ? 0 : readInt32(*modelDim, field("model_dim"));
  }
  if (const Json* v = member(value, "shuffle")) config.shuffle = readBool(*v, field("shuffle"));
  if (const Json* v = member(value, "mask_mode")) {
    if (!v->is_string()) wrongType(field("mask_mode"), "a string", *v);
    const std::string name = v->get<std::string>();
    const std::optional<MaskMode> mode = parseMaskMode(name);
    if (!mode) {
      // The reference accepts any string and then hides nothing (§12.22); a typo would
      // silently reveal the masked bars, so it is a request error here.
      throw Error(ErrorCode::InvalidRequest,
                  "config.mask_mode: unknown mode '" + name +
                      "' (expected token, attention, attention_approx, attention_skip or remove)");
    }
    config.maskMode = *mode;
  }
  if (const Json* v = member(value, "polyphony_hard_limit")) {
    config.polyphonyHardLimit = readInt32(*v, field("polyphony_hard_limit"));
  }
  if (const Json* v = member(value, "density_hard_limit")) {
    config.densityHardLimit = readInt32(*v, field("density_hard_limit"));
  }
  if (const Json* v = member(value, "top_p")) config.topP = readNumber(*v, field("top_p"));
  if (const Json* v = member(value, "top_k")) config.topK = readInt32(*v, field("top_k"));
  if (const Json* v = member(value, "mask_p")) config.maskP = readNumber(*v, field("mask_p"));
  if (const Json* v = member(value, "mask_k")) config.maskK = readInt32(*v, field("mask_k"));
  return config;
}

PieceControls readPieceControls(const Json& value) {
  PieceControls controls;
  for (const auto& [name, setting] : requireObject(value, "controls").items()) {
    const std::string field = "controls." + name;
    if (name == "velocity") {
      controls.velocity = readBool(setting, field);
    } else if (name == "microtiming") {
      controls.microtiming = readBool(setting, field);
    } else if (name == "genre") {
      if (!setting.is_string()) wrongType(field, "a string", setting);
      controls.genre = setting.get<std::string>();
    } else {
      controls.unknownKeys.push_back(name);
    }
  }
  return controls;
}

Json pitchMaskToJson(const PitchMask& mask) {
  Json json = Json::object();
  if (!mask.pitches.empty()) json["pitches"] = mask.pitches;
  if (!mask.pitchClasses.empty()) json["pitch_classes"] = mask.pitchClasses;
  if (mask.scale) {
    json["scale"] = *mask.scale;
    json["root"] = mask.root;
  }
  if (mask.shape) {
    const PitchShape& shape = *mask.shape;
    json["shape"] = shape.kind == PitchShape::Kind::Uniform
                        ? Json{{"type", "uniform"}, {"min", shape.low}, {"max", shape.high}}
                        : Json{{"type", "normal"}, {"mean", shape.low}, {"std", shape.high}};
  }
  return json;
}

Json rhythmMaskToJson(const RhythmMask& mask) {
  Json json = Json::object();
  if (!mask.positions.empty()) {
    Json positions = Json::array();
    for (const RhythmOnset& onset : mask.positions) {
      positions.push_back({{"pos", onset.pos}, {"polyphony", onset.polyphony}});
    }
    json["positions"] = positions;
  }
  if (mask.grid) json["grid"] = {{"unit", mask.grid->unit}, {"strength", mask.grid->strength}};
  return json;
}

// Unknown keys are written with a null value: enough for validation to name them again.
Json controlsToJson(const TrackControls& controls) {
  Json json = Json::object();
  if (controls.timeSignature) json["time_signature"] = *controls.timeSignature;
  if (controls.pitchMask) json["pitch_mask"] = pitchMaskToJson(*controls.pitchMask);
  if (controls.rhythmMask) json["rhythm_mask"] = rhythmMaskToJson(*controls.rhythmMask);
  if (controls.remix) {
    json["remix"] = {{"amount", controls.remix->amount},
                     {"mode", std::string(remixModeName(controls.remix->mode))}};
  }
  for (const std::string& key : controls.unknownKeys) json[key] = nullptr;
  return json;
}

// ---- Validation ---------------------------------------------------------------------------------

[[noreturn]] void reject(const std::string& field, const std::string& problem) {
  throw Error(ErrorCode::InvalidRequest, field + ": " + problem);
}

std::string trackField(size_t promptIndex) {
  return "tracks[" + std::to_string(promptIndex) + "]";
}

const AttributeSpec* findAttribute(const EncoderConfig& config, const std::string& name) {
  for (const AttributeSpec& spec : config.attributes) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::string knownAttributeNames(const EncoderConfig& config) {
  std::vector<std::string> names;
  for (const AttributeSpec& spec : config.attributes) names.push_back(spec.name);
  std::sort(names.begin(), names.end());
  return names.empty() ? "none" : formatNames(names);
}

/// Rules shared by track- and bar-level overrides: a known name of the expected level, a level
/// inside the attribute's range, and an attribute computed for this kind of track.
void checkAttribute(const EncoderConfig& config, const std::string& field, const std::string& name,
                    int32_t value, AttributeLevel expected, bool drumTrack, int32_t trackId) {
  const AttributeSpec* spec = findAttribute(config, name);
  if (spec == nullptr) {
    reject(field, "unknown attribute (known: " + knownAttributeNames(config) + ")");
  }
  if (spec->level != expected) {
    reject(field, expected == AttributeLevel::Track
                      ? "a bar-level attribute; set it per bar in bar_attributes"
                      : "a track-level attribute; set it in attributes");
  }
  if (value < 0 || value >= spec->size) {
    reject(field, std::to_string(value) + " is outside [0, " + std::to_string(spec->size) + ")");
  }
  if (spec->scope == TrackScope::Melodic && drumTrack) {
    reject(field, "applies to melodic tracks only, but track " + std::to_string(trackId) +
                      " is a drum track");
  }
  if (spec->scope == TrackScope::Drum && !drumTrack) {
    reject(field, "applies to drum tracks only, but track " + std::to_string(trackId) +
                      " is a melodic track");
  }
}

void checkTimeSignatureIndex(const EncoderConfig& config, const std::string& field,
                             int32_t index) {
  if (config.timeSignatures.empty()) {
    reject(field, "the encoder has no time_signatures to choose from");
  }
  if (index < 0 || static_cast<size_t>(index) >= config.timeSignatures.size()) {
    reject(field, "index " + std::to_string(index) + " is outside the encoder's " +
                      std::to_string(config.timeSignatures.size()) + " time signatures");
  }
}

void checkPitchMask(const PitchMask& mask, const std::string& field) {
  const int hardSets = (mask.pitches.empty() ? 0 : 1) + (mask.pitchClasses.empty() ? 0 : 1) +
                       (mask.scale ? 1 : 0);
  if (hardSets > 1) reject(field, "give only one of pitches, scale and pitch_classes");
  if (hardSets == 0 && !mask.shape) {
    reject(field, "empty: give pitches, scale, pitch_classes or a shape");
  }
  for (size_t i = 0; i < mask.pitches.size(); ++i) {
    if (mask.pitches[i] < 0 || mask.pitches[i] > 127) {
      reject(field + ".pitches[" + std::to_string(i) + "]",
             std::to_string(mask.pitches[i]) + " is outside [0, 127]");
    }
  }
  for (size_t i = 0; i < mask.pitchClasses.size(); ++i) {
    if (mask.pitchClasses[i] < 0 || mask.pitchClasses[i] > 11) {
      reject(field + ".pitch_classes[" + std::to_string(i) + "]",
             std::to_string(mask.pitchClasses[i]) + " is outside [0, 11]");
    }
  }
  if (mask.scale && pitchMaskScale(*mask.scale).empty()) {
    std::vector<std::string> names(pitchMaskScaleNames().begin(), pitchMaskScaleNames().end());
    reject(field + ".scale", "unknown scale '" + *mask.scale + "' (known: " + formatNames(names) +
                                 ")");
  }
  if (mask.root < 0 || mask.root > 11) {
    reject(field + ".root", std::to_string(mask.root) + " is outside [0, 11]");
  }
  if (mask.shape) {
    const PitchShape& shape = *mask.shape;
    const std::string shapeField = field + ".shape";
    if (shape.kind == PitchShape::Kind::Uniform) {
      if (shape.low < 0 || shape.high > 127 || shape.low > shape.high) {
        reject(shapeField, "needs 0 <= min <= max <= 127");
      }
    } else if (shape.low < 0 || shape.low > 127 || !(shape.high > 0)) {
      reject(shapeField, "needs mean in [0, 127] and std > 0");
    }
  }
  const std::array<float, 128> weights = pitchMaskWeights(mask);
  if (std::all_of(weights.begin(), weights.end(), [](float w) { return w == 0.0f; })) {
    reject(field, "allows no pitch");
  }
}

/// Where a rhythm mask applies: the bars it covers and what it needs of the config.
struct RhythmScope {
  const EncoderConfig& config;
  const InferenceConfig& inference;
  const Track& track;
  std::vector<int32_t> bars;
};

void checkRhythmMask(const RhythmMask& mask, const std::string& field, const RhythmScope& scope) {
  if (!mask.positions.empty() && mask.grid) {
    reject(field, "positions and grid are mutually exclusive");
  }
  if (mask.positions.empty() && !mask.grid) reject(field, "empty: give positions or grid");
  if (mask.grid) {
    const std::string gridField = field + ".grid";
    if (std::find(rhythmGridUnits().begin(), rhythmGridUnits().end(), mask.grid->unit) ==
        rhythmGridUnits().end()) {
      std::vector<std::string> names(rhythmGridUnits().begin(), rhythmGridUnits().end());
      reject(gridField + ".unit",
             "unknown unit '" + mask.grid->unit + "' (known: " + formatNames(names) + ")");
    }
    if (rhythmGridTicks(mask.grid->unit, scope.config.resolution) == 0) {
      reject(gridField + ".unit", "is not a whole number of ticks at the encoder's resolution " +
                                      std::to_string(scope.config.resolution));
    }
    if (!(mask.grid->strength >= 0.0 && mask.grid->strength <= 1.0)) {
      reject(gridField + ".strength", "must be in [0, 1]");
    }
    return;
  }
  const std::string listField = field + ".positions";
  if (scope.inference.tracksPerStep != 1) {
    reject(listField, "needs config.tracks_per_step 1 (got " +
                          std::to_string(scope.inference.tracksPerStep) + ")");
  }
  if (mask.positions.front().pos != 0) {
    reject(listField + "[0].pos", "the first onset must be at pos 0");
  }
  for (size_t i = 0; i < mask.positions.size(); ++i) {
    const std::string onsetField = listField + "[" + std::to_string(i) + "]";
    if (i > 0 && mask.positions[i].pos <= mask.positions[i - 1].pos) {
      reject(onsetField + ".pos", "onsets must increase");
    }
    if (mask.positions[i].polyphony < 1) reject(onsetField + ".polyphony", "must be >= 1");
  }
  for (int32_t bar : scope.bars) {
    if (bar < 0 || static_cast<size_t>(bar) >= scope.track.bars.size()) continue;
    const Bar& target = scope.track.bars[static_cast<size_t>(bar)];
    if (target.tsDenominator <= 0) continue;
    const int32_t ticks =
        scope.config.resolution * 4 * target.tsNumerator / target.tsDenominator;
    const int32_t last = mask.positions.back().pos;
    if (last >= ticks) {
      reject(listField + "[" + std::to_string(mask.positions.size() - 1) + "].pos",
             std::to_string(last) + " is past the end of bar " + std::to_string(bar) + " (" +
                 std::to_string(ticks) + " ticks at the encoder's resolution " +
                 std::to_string(scope.config.resolution) + ")");
    }
  }
}

void checkRemix(const Remix& remix, const std::string& field, const RhythmScope& scope) {
  if (!(remix.amount >= 0.0 && remix.amount <= 1.0)) {
    reject(field + ".amount", "must be in [0, 1]");
  }
  if (scope.inference.tracksPerStep != 1) {
    reject(field, "needs config.tracks_per_step 1 (got " +
                      std::to_string(scope.inference.tracksPerStep) + ")");
  }
  for (int32_t bar : scope.bars) {
    if (bar < 0 || static_cast<size_t>(bar) >= scope.track.bars.size()) continue;
    if (scope.track.bars[static_cast<size_t>(bar)].notes.empty()) {
      reject(field, "bar " + std::to_string(bar) + " has no notes to remix");
    }
  }
}

void checkControls(const TrackControls& controls, const std::string& field,
                   const RhythmScope& scope) {
  if (!controls.unknownKeys.empty()) {
    reject(field + "." + controls.unknownKeys.front(),
           "unsupported control (known: time_signature, pitch_mask, rhythm_mask, remix)");
  }
  if (controls.pitchMask) checkPitchMask(*controls.pitchMask, field + ".pitch_mask");
  if (controls.rhythmMask) checkRhythmMask(*controls.rhythmMask, field + ".rhythm_mask", scope);
  if (controls.remix) checkRemix(*controls.remix, field + ".remix", scope);
}

/// A track's bars are either remixed (their rhythm kept) or rhythm-masked, not both.
void checkRemixExclusive(const TrackPrompt& prompt, const std::string& field) {
  bool remix = prompt.controls.remix.has_value();
  bool rhythm = prompt.controls.rhythmMask.has_value();
  for (const auto& [bar, controls] : prompt.barControls) {
    remix = remix || controls.remix.has_value();
    rhythm = rhythm || controls.rhythmMask.has_value();
  }
  if (remix && rhythm) reject(field, "remix and rhythm_mask exclude each other on a track");
}

/// The bars `bars` names are exactly {k, ..., total-1} for some k: no repeats, no gaps.
bool isRightSuffix(const std::vector<int32_t>& bars, int32_t total) {
  if (bars.empty()) return false;
  const std::set<int32_t> unique(bars.begin(), bars.end());
  if (unique.size() != bars.size() || *unique.rbegin() != total - 1) return false;
  return *unique.begin() == total - static_cast<int32_t>(unique.size());
}

void validateConfig(InferenceConfig& config, const EncoderConfig& encoder,
                    std::vector<std::string>& warnings) {
  // Rule 1: the window must be one the model was trained on.
  if (!encoder.numBarsMap.empty()) {
    if (config.modelDim <= 0) {
      config.modelDim = *std::min_element(encoder.numBarsMap.begin(), encoder.numBarsMap.end());
    } else if (std::find(encoder.numBarsMap.begin(), encoder.numBarsMap.end(), config.modelDim) ==
               encoder.numBarsMap.end()) {
      reject("config.model_dim", std::to_string(config.modelDim) +
                                     " is not a window size of the model " +
                                     formatList(encoder.numBarsMap));
    }
  }
  // Rule 2: step shape and sampling sanity. Negated comparisons also reject NaN.
  if (config.barsPerStep <= 0) {
    reject("config.bars_per_step", "must be > 0 (got " + std::to_string(config.barsPerStep) + ")");
  }
  if (config.barsPerStep > config.modelDim) {
    reject("config.bars_per_step", std::to_string(config.barsPerStep) +
                                       " exceeds config.model_dim " +
                                       std::to_string(config.modelDim));
  }
  if (config.tracksPerStep <= 0) {
    reject("config.tracks_per_step",
           "must be > 0 (got " + std::to_string(config.tracksPerStep) + ")");
  }
  if (config.maxAttempts < 1) {
    reject("config.max_attempts", "must be >= 1 (got " + std::to_string(config.maxAttempts) + ")");
  }
  if (!(config.temperature > 0.0)) {
    reject("config.temperature", "must be > 0 (got " + formatNumber(config.temperature) + ")");
  }
  if (!(config.temperatureEscalation >= 1.0)) {
    reject("config.temperature_escalation",
           "must be >= 1 (got " + formatNumber(config.temperatureEscalation) +
               "); 1 disables escalation");
  }
  if (config.temperatureEscalation > kMaxTemperatureEscalation) {
    warnings.push_back("config.temperature_escalation: " +
                       formatNumber(config.temperatureEscalation) + " clamped to " +
                       formatNumber(kMaxTemperatureEscalation));
    config.temperatureEscalation = kMaxTemperatureEscalation;
  }
  // Rule 3: sampling filters, and filter pairs that would leave nothing to sample.
  if (!(config.topP > 0.0 && config.topP <= 1.0)) {
    reject("config.top_p", "must be in (0, 1] (got " + formatNumber(config.topP) +
                               "); 1 disables it");
  }
  if (!(config.maskP >= 0.0 && config.maskP < 1.0)) {
    reject("config.mask_p", "must be in [0, 1) (got " + formatNumber(config.maskP) +
                                "); 0 disables it");
  }
  if (config.topK < 0) {
    reject("config.top_k", "must be >= 0 (got " + std::to_string(config.topK) + "); 0 disables it");
  }
  if (config.maskK < 0) {
    reject("config.mask_k",
           "must be >= 0 (got " + std::to_string(config.maskK) + "); 0 disables it");
  }
  if (config.maskP > 0.0 && config.topP < 1.0 && config.maskP >= config.topP) {
    reject("config.mask_p", formatNumber(config.maskP) + " must be below config.top_p " +
                                formatNumber(config.topP) +
                                ": it removes the top of the nucleus, which would leave nothing");
  }
  if (config.maskK > 0 && config.topK > 0 && config.maskK >= config.topK) {
    reject("config.mask_k", std::to_string(config.maskK) + " must be below config.top_k " +
                                std::to_string(config.topK) +
                                ": it removes the top ranks of the pool, which would leave nothing");
  }
}

void validateScoreShape(const Score& score, const InferenceConfig& config,
                        const EncoderConfig& encoder) {
  // Rule 4.
  if (score.tracks.empty()) reject("score", "has 0 tracks");
  std::vector<size_t> barCounts;
  for (size_t t = 0; t < score.tracks.size(); ++t) {
    if (score.tracks[t].bars.empty()) {
      reject("score.tracks[" + std::to_string(t) + "]", "has 0 bars");
    }
    barCounts.push_back(score.tracks[t].bars.size());
  }
  if (std::adjacent_find(barCounts.begin(), barCounts.end(), std::not_equal_to<>()) !=
      barCounts.end()) {
    reject("score", "tracks have different bar counts " + formatList(barCounts));
  }
  if (barCounts.front() < static_cast<size_t>(std::max(config.modelDim, 0))) {
    reject("score", "has " + std::to_string(barCounts.front()) +
                        " bars but config.model_dim is " + std::to_string(config.modelDim) +
                        "; the model conditions on whole windows " +
                        formatList(encoder.numBarsMap) +
                        ", so pad the score or pick a smaller model_dim");
  }
}

void validatePieceControls(const PieceControls& controls, const EncoderConfig& encoder) {
  // Rule 6.
  if (controls.velocity) {
    if (*controls.velocity && encoder.velocityLevels <= 0) {
      reject("controls.velocity", "true, but the encoder has no VelocityLevel tokens");
    }
    if (!*controls.velocity && !encoder.switchableVelocity) {
      reject("controls.velocity",
             "false needs a model trained with switchable velocity (switchable_velocity)");
    }
  }
  if (controls.microtiming) {
    if (*controls.microtiming && !encoder.emitDeltaTokens && !encoder.switchableMicrotiming) {
      reject("controls.microtiming", "true, but the encoder has no Delta tokens");
    }
    if (!*controls.microtiming && !encoder.switchableMicrotiming) {
      reject("controls.microtiming",
             "false needs a model trained with switchable microtiming (switchable_microtiming)");
    }
  }
  if (controls.genre) {
    if (encoder.genreGroups.empty()) {
      reject("controls.genre", "the encoder has no genre_groups");
    }
    if (!encoder.genreId(*controls.genre)) {
      std::vector<std::pair<int32_t, std::string>> canonical;
      for (const auto& [name, aliases] : encoder.genreGroups) {
        canonical.emplace_back(encoder.genreId(name).value_or(0), name);
      }
      std::sort(canonical.begin(), canonical.end());
      std::vector<std::string> names;
      for (const auto& entry : canonical) names.push_back(entry.second);
      reject("controls.genre", "'" + *controls.genre +
                                   "' is not a known genre or alias (canonical genres: " +
                                   formatNames(names) + ")");
    }
  }
  if (!controls.unknownKeys.empty()) {
    reject("controls." + controls.unknownKeys.front(),
           "unknown piece-level control (supported: velocity, microtiming, genre)");
  }
}

void validateTimeSignatures(const Score& score, const EncoderConfig& encoder) {
  // Rule 7.
  if (encoder.timeSignatures.empty()) return;
  for (size_t t = 0; t < score.tracks.size(); ++t) {
    const std::vector<Bar>& bars = score.tracks[t].bars;
    for (size_t b = 0; b < bars.size(); ++b) {
      const Bar& bar = bars[b];
      if (bar.tsNumerator == 0 || bar.tsDenominator == 0) continue;
      if (!encoder.timeSignatureIndex(bar.tsNumerator, bar.tsDenominator)) {
        reject("score.tracks[" + std::to_string(t) + "].bars[" + std::to_string(b) + "]",
               "time signature " + std::to_string(bar.tsNumerator) + "/" +
                   std::to_string(bar.tsDenominator) + " is not in the encoder's time_signatures");
      }
    }
  }
}

void collectNoteWarnings(const Score& score, const EncoderConfig& encoder,
                         std::vector<std::string>& warnings) {
  // Rule 8: what the encoder will quietly change.
  int64_t pitchOutside = 0;
  int64_t durationNotPositive = 0;
  int64_t onsetPastBar = 0;
  const int64_t ticksPerQuarter = score.resolution > 0 ? score.resolution : 480;
  for (size_t t = 0; t < score.tracks.size(); ++t) {
    const Track& track = score.tracks[t];
    if (track.instrument < 0 || track.instrument > kMaxMidiProgram) {
      warnings.push_back("score.tracks[" + std::to_string(t) + "]: instrument " +
                         std::to_string(track.instrument) +
                         " is outside 0..127 and encodes as program 0");
    }
    for (const Bar& bar : track.bars) {
      const int32_t numerator = bar.tsNumerator != 0 ? bar.tsNumerator : 4;
      const int32_t denominator = bar.tsDenominator != 0 ? bar.tsDenominator : 4;
      const auto barTicks = static_cast<int64_t>(4.0 * static_cast<double>(ticksPerQuarter) *
                                                 numerator / denominator);
      for (const Note& note : bar.notes) {
        if (note.pitch < encoder.pitchMin || note.pitch > encoder.pitchMax) ++pitchOutside;
        if (note.duration <= 0) ++durationNotPositive;
        if (barTicks > 0 && note.onset >= barTicks) ++onsetPastBar;
      }
    }
  }
  if (pitchOutside > 0) {
    warnings.push_back(std::to_string(pitchOutside) + " note(s) have pitches outside [" +
                       std::to_string(encoder.pitchMin) + ", " + std::to_string(encoder.pitchMax) +
                       "]; the encoder clamps them");
  }
  if (durationNotPositive > 0) {
    warnings.push_back(std::to_string(durationNotPositive) +
                       " note(s) have durations <= 0; they will not survive a round trip");
  }
  if (onsetPastBar > 0) {
    warnings.push_back(std::to_string(onsetPastBar) +
                       " note(s) start at or after the end of their bar");
  }
}

/// Bar-indexed overrides (bar_attributes, bar_controls) may only name bars the prompt
/// generates; a whole-track autoregressive prompt with no bars may name any bar.
void checkOverrideBar(const TrackPrompt& prompt, int32_t bar, int32_t barCount,
                      const std::string& field) {
  if (bar < 0 || bar >= barCount) {
    reject(field, "bar " + std::to_string(bar) + " is outside the score's " +
                      std::to_string(barCount) + " bars");
  }
  const bool wholeTrack = prompt.autoregressive && prompt.bars.empty();
  if (!wholeTrack && std::find(prompt.bars.begin(), prompt.bars.end(), bar) == prompt.bars.end()) {
    reject(field, "bar " + std::to_string(bar) +
                      " is not generated by this prompt (overrides apply to bars listed in bars)");
  }
}

/// Rule 10: which bars a prompt generates or hides.
void validatePromptBars(const TrackPrompt& prompt, const Track& track, const std::string& field) {
  const auto barCount = static_cast<int32_t>(track.bars.size());
  if (prompt.autoregressive && prompt.ignore) {
    reject(field, "autoregressive and ignore are mutually exclusive");
  }
  if (prompt.ignore && !prompt.bars.empty()) {
    reject(field + ".bars", "an ignored track must not list bars");
  }
  for (int32_t bar : prompt.bars) {
    if (bar < 0 || bar >= barCount) {
      reject(field + ".bars", "bar " + std::to_string(bar) + " is outside the score's " +
                                  std::to_string(barCount) + " bars");
    }
  }
  if (!prompt.maskBars.empty()) {
    if (prompt.ignore) reject(field + ".mask_bars", "an ignored track must not list mask_bars");
    for (int32_t bar : prompt.maskBars) {
      if (bar < 0 || bar >= barCount) {
        reject(field + ".mask_bars", "bar " + std::to_string(bar) + " is outside the score's " +
                                         std::to_string(barCount) + " bars");
      }
    }
    std::set<int32_t> overlap;
    for (int32_t bar : prompt.maskBars) {
      if (std::find(prompt.bars.begin(), prompt.bars.end(), bar) != prompt.bars.end()) {
        overlap.insert(bar);
      }
    }
    if (!overlap.empty()) {
      reject(field + ".mask_bars", "bars " + formatList(overlap) +
                                       " are also in bars; a bar is either generated or hidden");
    }
  }
  if (prompt.autoregressive && !prompt.bars.empty() && !isRightSuffix(prompt.bars, barCount)) {
    std::vector<int32_t> sorted = prompt.bars;
    std::sort(sorted.begin(), sorted.end());
    reject(field + ".bars", "an autoregressive track generates a contiguous run of bars ending at "
                            "the last bar (k, k+1, ..., " +
                                std::to_string(barCount - 1) + "); got " + formatList(sorted));
  }
  if (!prompt.autoregressive && !prompt.ignore) {
    std::vector<int32_t> futureTargets;
    for (int32_t bar : prompt.bars) {
      if (track.bars[static_cast<size_t>(bar)].future) futureTargets.push_back(bar);
    }
    if (!futureTargets.empty()) {
      reject(field + ".bars", "bars " + formatList(futureTargets) +
                                  " are marked future in the score and cannot also be infilled");
    }
  }
  if (prompt.autoregressive) {
    // No bars means the whole track.
    std::vector<int32_t> futureBars;
    for (int32_t bar = 0; bar < barCount; ++bar) {
      const bool generated =
          prompt.bars.empty() ||
          std::find(prompt.bars.begin(), prompt.bars.end(), bar) != prompt.bars.end();
      if (generated && track.bars[static_cast<size_t>(bar)].future) futureBars.push_back(bar);
    }
    if (!futureBars.empty()) {
      reject(field + ".bars", "bars " + formatList(futureBars) +
                                  " are marked future in the score; an autoregressive track "
                                  "cannot have hidden bars");
    }
  }
}

}  // namespace

// ---- Mask modes ---------------------------------------------------------------------------------

std::string_view maskModeName(MaskMode mode) noexcept {
  for (const auto& [candidate, name] : kMaskModeNames) {
    if (candidate == mode) return name;
  }
  return "token";
}

std::optional<MaskMode> parseMaskMode(std::string_view name) {
  for (const auto& [mode, candidate] : kMaskModeNames) {
    if (candidate == name) return mode;
  }
  return std::nullopt;
}

bool usesSpanMasks(MaskMode mode) noexcept {
  return mode == MaskMode::Attention || mode == MaskMode::AttentionApprox ||
         mode == MaskMode::AttentionSkip;
}

bool isFullAutoregressive(const TrackPrompt& prompt) noexcept {
  return prompt.autoregressive &&
         (prompt.bars.empty() || *std::min_element(prompt.bars.begin(), prompt.bars.end()) == 0);
}

// ---- JSON ---------------------------------------------------------------------------------------

GenerationRequest GenerationRequest::fromJson(std::string_view json) {
  Json root;
  try {
    root = Json::parse(json);
  } catch (const Json::parse_error& error) {
    malformed("request", std::string("not valid JSON (") + error.what() + ")");
  }
  requireObject(root, "request");
  GenerationRequest request;
  const Json* tracks = member(root, "tracks");
  if (tracks == nullptr) malformed("tracks", "required");
  if (!tracks->is_array()) wrongType("tracks", "an array of track prompts", *tracks);
  for (size_t i = 0; i < tracks->size(); ++i) {
    request.tracks.push_back(readTrackPrompt((*tracks)[i], trackField(i)));
  }
  if (const Json* config = member(root, "config")) request.config = readConfig(*config);
  if (const Json* controls = member(root, "controls")) {
    request.controls = readPieceControls(*controls);
  }
  return request;
}

std::string GenerationRequest::toJson() const {
  Json root = Json::object();
  Json prompts = Json::array();
  for (const TrackPrompt& prompt : tracks) {
    Json barAttributes = Json::object();
    for (const auto& [bar, levels] : prompt.barAttributes) {
      barAttributes[std::to_string(bar)] = levels;
    }
    Json barControls = Json::object();
    for (const auto& [bar, barControl] : prompt.barControls) {
      barControls[std::to_string(bar)] = controlsToJson(barControl);
    }
    prompts.push_back({{"id", prompt.id},
                       {"bars", prompt.bars},
                       {"autoregressive", prompt.autoregressive},
                       {"ignore", prompt.ignore},
                       {"mask_bars", prompt.maskBars},
                       {"attributes", prompt.attributes},
                       {"controls", controlsToJson(prompt.controls)},
                       {"bar_attributes", barAttributes},
                       {"bar_controls", barControls}});
  }
  root["tracks"] = prompts;
  root["config"] = {{"temperature", config.temperature},
                    {"seed", config.seed},
                    {"max_attempts", config.maxAttempts},
                    {"novelty_check", config.noveltyCheck},
                    {"silence_check", config.silenceCheck},
                    {"temperature_escalation", config.temperatureEscalation},
                    {"bars_per_step", config.barsPerStep},
                    {"tracks_per_step", config.tracksPerStep},
                    {"model_dim", config.modelDim},
                    {"shuffle", config.shuffle},
                    {"mask_mode", maskModeName(config.maskMode)},
                    {"polyphony_hard_limit", config.polyphonyHardLimit},
                    {"density_hard_limit", config.densityHardLimit},
                    {"top_p", config.topP},
                    {"top_k", config.topK},
                    {"mask_p", config.maskP},
                    {"mask_k", config.maskK}};
  // Like the reference's to_dict, piece-level controls only appear when there are some.
  if (!controls.empty()) {
    Json pieceControls = Json::object();
    if (controls.velocity) pieceControls["velocity"] = *controls.velocity;
    if (controls.microtiming) pieceControls["microtiming"] = *controls.microtiming;
    if (controls.genre) pieceControls["genre"] = *controls.genre;
    for (const std::string& key : controls.unknownKeys) pieceControls[key] = nullptr;
    root["controls"] = pieceControls;
  }
  return root.dump();
}

// ---- Validation ---------------------------------------------------------------------------------

ValidatedRequest validateRequest(const GenerationRequest& request, const Score& score,
                                 const EncoderConfig& config) {
  ValidatedRequest result;
  result.request.tracks = request.tracks;
  result.request.config = request.config;
  InferenceConfig& inference = result.request.config;
  std::vector<std::string>& warnings = result.warnings;

  validateConfig(inference, config, warnings);                            // rules 1-3
  validateScoreShape(score, inference, config);                           // rule 4
  if (inference.maskMode == MaskMode::Token &&                            // rule 5
      config.vocabulary.domainSize(TokenType::MaskBar) <= 0) {
    // The reference's wording, kept because clients already match on it.
    throw Error(ErrorCode::InvalidRequest,
                "config.mask_mode='token' requires the encoder vocab to include a MaskBar token "
                "domain (set supports_mask_bar_token=true in the encoder config, or pick "
                "mask_mode='attention'/'attention_approx'/'attention_skip'/'remove').");
  }
  validatePieceControls(request.controls, config);  // rule 6
  validateTimeSignatures(score, config);            // rule 7
  collectNoteWarnings(score, config, warnings);     // rule 8

  // Rule 9: one prompt per score track.
  const auto trackCount = static_cast<int32_t>(score.tracks.size());
  if (request.tracks.empty()) {
    reject("tracks", "empty; every score track needs a prompt (ignore=true skips one)");
  }
  std::set<int32_t> missing;
  for (int32_t t = 0; t < trackCount; ++t) missing.insert(t);
  for (const TrackPrompt& prompt : request.tracks) missing.erase(prompt.id);
  if (!missing.empty()) {
    reject("tracks", "no prompt for score track(s) " + formatList(missing) +
                         "; every score track requires an explicit prompt (ignore=true skips one)");
  }

  // Rules 10-14, prompt by prompt.
  std::set<int32_t> seenIds;
  std::map<int32_t, std::pair<int32_t, int32_t>> timeSignatureOfBar;  // bar -> (index, track)
  bool generatesAnything = false;
  std::optional<size_t> firstInfillPrompt;
  for (size_t i = 0; i < request.tracks.size(); ++i) {
    const TrackPrompt& prompt = request.tracks[i];
    const std::string field = trackField(i);
    if (!seenIds.insert(prompt.id).second) {
      reject(field + ".id", "track " + std::to_string(prompt.id) + " already has a prompt");
    }
    if (prompt.id < 0 || prompt.id >= trackCount) {
      reject(field + ".id", std::to_string(prompt.id) + " is outside the score's " +
                                std::to_string(trackCount) + " tracks");
    }
    const Track& track = score.tracks[static_cast<size_t>(prompt.id)];
    const auto barCount = static_cast<int32_t>(track.bars.size());
    const bool drumTrack = track.type == TrackType::Drum;
    validatePromptBars(prompt, track, field);

    if (prompt.autoregressive) {
      generatesAnything = true;
    } else if (!prompt.ignore && !prompt.bars.empty()) {
      generatesAnything = true;
      if (!firstInfillPrompt) firstInfillPrompt = i;
    }

    // Rule 11. Whether a level is achievable given the fixed bars is only a warning in the
    // reference; it is not checked here.
    for (const auto& [name, value] : prompt.attributes) {
      checkAttribute(config, field + ".attributes." + name, name, value, AttributeLevel::Track,
                     drumTrack, prompt.id);
    }
    // Rule 12.
    for (const auto& [bar, levels] : prompt.barAttributes) {
      const std::string barField = field + ".bar_attributes." + std::to_string(bar);
      checkOverrideBar(prompt, bar, barCount, barField);
      for (const auto& [name, value] : levels) {
        checkAttribute(config, barField + "." + name, name, value, AttributeLevel::Bar, drumTrack,
                       prompt.id);
      }
    }
    // Rule 13: a bar has one time signature, the one it already has.
    for (const auto& [bar, controls] : prompt.barControls) {
      const std::string barField = field + ".bar_controls." + std::to_string(bar);
      checkOverrideBar(prompt, bar, barCount, barField);
      checkControls(controls, barField, RhythmScope{config, result.request.config, track, {bar}});
      if (!controls.timeSignature) continue;
      const int32_t index = *controls.timeSignature;
      const std::string tsField = barField + ".time_signature";
      checkTimeSignatureIndex(config, tsField, index);
      const auto [earlier, inserted] = timeSignatureOfBar.try_emplace(bar, index, prompt.id);
      if (!inserted && earlier->second.first != index) {
        reject(tsField, std::to_string(index) + " disagrees with " +
                            std::to_string(earlier->second.first) + " set for bar " +
                            std::to_string(bar) + " by track " +
                            std::to_string(earlier->second.second));
      }
      const TimeSignature& wanted = config.timeSignatures[static_cast<size_t>(index)];
      const Bar& existing = track.bars[static_cast<size_t>(bar)];
      if (existing.tsNumerator != 0 && existing.tsDenominator != 0 &&
          (existing.tsNumerator != wanted.numerator ||
           existing.tsDenominator != wanted.denominator)) {
        reject(tsField, std::to_string(wanted.numerator) + "/" +
                            std::to_string(wanted.denominator) + " differs from the score's " +
                            std::to_string(existing.tsNumerator) + "/" +
                            std::to_string(existing.tsDenominator) + " at bar " +
                            std::to_string(bar));
      }
    }
    // Rule 14.
    checkControls(prompt.controls, field + ".controls",
                  RhythmScope{config, result.request.config, track, prompt.bars});
    checkRemixExclusive(prompt, field);
    if (prompt.controls.timeSignature) {
      checkTimeSignatureIndex(config, field + ".controls.time_signature",
                              *prompt.controls.timeSignature);
    }
  }

  // Rule 15.
  if (!generatesAnything) {
    reject("tracks", "no prompt generates anything (every track is ignored or lists no bars)");
  }
  if (firstInfillPrompt && !config.supportsInfill) {
    reject(trackField(*firstInfillPrompt) + ".bars",
           "infill requested, but the encoder does not support infill");
  }
  return result;
}

}  // namespace midigpt
