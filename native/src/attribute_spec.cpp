// Attribute descriptions and the analyzer's attribute set for a vocabulary (reference spec §5.3).

#include "midigpt/attribute_spec.hpp"

#include <array>
#include <string>

#include "midigpt/attribute_keys.hpp"
#include "midigpt/error.hpp"

namespace midigpt {

namespace {

[[noreturn]] void invalidConfig(const std::string& message) {
  throw Error(ErrorCode::InvalidConfig, message);
}

/// The reference's attribute class constructor: the name, token type, default track scope and
/// size follow from the kind, the quantile mode and the level. Throws when the requested level
/// has no token type in the vocabulary's enum (e.g. a bar-level note duration quantile).
AttributeSpec makeSpec(AttributeKind kind, QuantileMode mode, AttributeLevel level,
                       std::optional<TrackScope> scope) {
  AttributeSpec spec;
  spec.kind = kind;
  spec.mode = mode;
  spec.level = level;
  const bool bar = level == AttributeLevel::Bar;
  const bool min = mode == QuantileMode::Min;
  const auto noBarVariant = [&](const char* registryKey) {
    if (bar) invalidConfig(std::string("attribute '") + registryKey + "' has no bar-level token");
  };
  switch (kind) {
    case AttributeKind::NoteDensityQuantile:
      spec.tokenType = bar ? TokenType::BarLevelOnsetDensity : TokenType::NoteDensity;
      spec.scope = TrackScope::Drum;  // the reference's default; see spec §5.2.3
      spec.size = 10;
      break;
    case AttributeKind::PolyphonyQuantile:
      if (bar) {
        spec.tokenType =
            min ? TokenType::BarLevelOnsetPolyphonyMin : TokenType::BarLevelOnsetPolyphonyMax;
      } else {
        spec.tokenType = min ? TokenType::MinPolyphony : TokenType::MaxPolyphony;
      }
      spec.scope = TrackScope::Melodic;
      spec.size = 10;
      break;
    case AttributeKind::NoteDurationQuantile:
      noBarVariant("note_duration_quantile");
      spec.tokenType = min ? TokenType::MinNoteDuration : TokenType::MaxNoteDuration;
      spec.scope = TrackScope::Melodic;
      spec.size = 6;
      break;
    case AttributeKind::KeySignature:
      noBarVariant("key_signature");
      spec.tokenType = TokenType::KeySignature;
      spec.scope = TrackScope::Melodic;
      spec.size = 25;
      break;
    case AttributeKind::PitchRange:
      noBarVariant("pitch_range");
      spec.tokenType = TokenType::TrackLevelPitchRangeMax;
      spec.scope = TrackScope::Melodic;
      spec.size = 128;
      break;
    case AttributeKind::SilenceProportion:
      noBarVariant("silence_proportion");
      spec.tokenType = TokenType::TrackLevelSilenceProportionMax;
      spec.scope = TrackScope::Both;
      spec.size = 10;
      break;
    case AttributeKind::PitchClassSet:
      if (!bar) invalidConfig("attribute 'pitch_class_set' has no track-level token");
      spec.tokenType = TokenType::BarLevelPitchClassSet;
      spec.scope = TrackScope::Melodic;
      spec.size = 13;
      break;
    case AttributeKind::OnsetPolyphony:
      noBarVariant("onset_polyphony");
      spec.tokenType = TokenType::BarLevelOnsetPolyphonyMax;  // alias OnsetPolyphony
      spec.scope = TrackScope::Melodic;
      spec.size = 10;
      break;
    case AttributeKind::Nomml:
      noBarVariant("nomml");
      spec.tokenType = TokenType::TrackLevelNomml;
      spec.scope = TrackScope::Both;
      spec.size = 13;
      break;
    case AttributeKind::NoteDensity:
      noBarVariant("note_density");
      spec.tokenType = TokenType::NoteDensity;
      spec.scope = TrackScope::Melodic;
      spec.size = 10;
      break;
    case AttributeKind::NoteDurationDistribution:
      noBarVariant("note_duration_dist");
      spec.tokenType = TokenType::NoteDuration;  // alias NoteDurationDist
      spec.scope = TrackScope::Both;
      spec.size = 6;
      break;
  }
  if (scope) spec.scope = *scope;
  // The user-facing name of a (level, token type) pair is fixed; attribute_keys owns the table.
  spec.name = std::string(*attributeKeyName(spec.level, spec.tokenType));
  return spec;
}

/// The attribute the reference instantiates for a vocabulary domain, empty when the type is not
/// an attribute token. NoteDuration (26) is not matched: its canonical name is "NoteDuration",
/// not the "NoteDurationDist" key of the reference's map; likewise 42 is only ever matched as
/// BarLevelOnsetPolyphonyMax, never as the track-level OnsetPolyphony.
std::optional<AttributeSpec> specForDomain(TokenType type) {
  using K = AttributeKind;
  using L = AttributeLevel;
  const auto spec = [](K kind, QuantileMode mode, L level) {
    return makeSpec(kind, mode, level, std::nullopt);
  };
  constexpr QuantileMode kMin = QuantileMode::Min;
  constexpr QuantileMode kMax = QuantileMode::Max;
  switch (type) {
    case TokenType::MinPolyphony: return spec(K::PolyphonyQuantile, kMin, L::Track);
    case TokenType::MaxPolyphony: return spec(K::PolyphonyQuantile, kMax, L::Track);
    case TokenType::MinNoteDuration: return spec(K::NoteDurationQuantile, kMin, L::Track);
    case TokenType::MaxNoteDuration: return spec(K::NoteDurationQuantile, kMax, L::Track);
    case TokenType::NoteDensity: return spec(K::NoteDensityQuantile, kMax, L::Track);
    case TokenType::TrackLevelSilenceProportionMax:
      return spec(K::SilenceProportion, kMax, L::Track);
    case TokenType::TrackLevelPitchRangeMax: return spec(K::PitchRange, kMax, L::Track);
    case TokenType::KeySignature: return spec(K::KeySignature, kMax, L::Track);
    case TokenType::BarLevelPitchClassSet: return spec(K::PitchClassSet, kMax, L::Bar);
    case TokenType::BarLevelOnsetDensity: return spec(K::NoteDensityQuantile, kMax, L::Bar);
    case TokenType::BarLevelOnsetPolyphonyMin: return spec(K::PolyphonyQuantile, kMin, L::Bar);
    case TokenType::BarLevelOnsetPolyphonyMax: return spec(K::PolyphonyQuantile, kMax, L::Bar);
    case TokenType::TrackLevelNomml: return spec(K::Nomml, kMax, L::Track);
    case TokenType::Tension:
    case TokenType::TensionDrum:
      // The reference computes these with an external tension model we do not port.
      invalidConfig("tension attributes are not supported");
    default: return std::nullopt;
  }
}

struct RegistryEntry {
  std::string_view key;
  AttributeKind kind;
  AttributeLevel defaultLevel;
  bool takesMode;  // the quantile classes require min|max
};

constexpr std::array<RegistryEntry, 11> kRegistry = {{
    {"note_density_quantile", AttributeKind::NoteDensityQuantile, AttributeLevel::Track, false},
    {"polyphony_quantile", AttributeKind::PolyphonyQuantile, AttributeLevel::Track, true},
    {"note_duration_quantile", AttributeKind::NoteDurationQuantile, AttributeLevel::Track, true},
    {"key_signature", AttributeKind::KeySignature, AttributeLevel::Track, false},
    {"pitch_range", AttributeKind::PitchRange, AttributeLevel::Track, false},
    {"silence_proportion", AttributeKind::SilenceProportion, AttributeLevel::Track, false},
    {"pitch_class_set", AttributeKind::PitchClassSet, AttributeLevel::Bar, false},
    {"nomml", AttributeKind::Nomml, AttributeLevel::Track, false},
    {"onset_polyphony", AttributeKind::OnsetPolyphony, AttributeLevel::Track, false},
    {"note_density", AttributeKind::NoteDensity, AttributeLevel::Track, false},
    {"note_duration_dist", AttributeKind::NoteDurationDistribution, AttributeLevel::Track, false},
}};

/// Instantiates one `attribute_controls` entry (the reference's `registry[name](**params)`).
AttributeSpec specForControl(const AttributeControl& control) {
  const RegistryEntry* entry = nullptr;
  for (const RegistryEntry& candidate : kRegistry) {
    if (candidate.key == control.name) entry = &candidate;
  }
  if (entry == nullptr) invalidConfig("unknown attribute control '" + control.name + "'");

  std::optional<QuantileMode> mode;
  AttributeLevel level = entry->defaultLevel;
  std::optional<TrackScope> scope;
  for (const auto& entryOfParams : control.params) {
    // Named copies: clang 14 cannot capture structured bindings in the lambda below.
    const std::string& param = entryOfParams.first;
    const std::string& value = entryOfParams.second;
    const auto badValue = [&]() {
      invalidConfig("attribute control '" + control.name + "': invalid " + param + " '" + value +
                    "'");
    };
    if (param == "mode" && entry->takesMode) {
      if (value == "min") mode = QuantileMode::Min;
      else if (value == "max") mode = QuantileMode::Max;
      else badValue();
    } else if (param == "level") {
      if (value == "track") level = AttributeLevel::Track;
      else if (value == "bar") level = AttributeLevel::Bar;
      else badValue();
    } else if (param == "track_type") {
      if (value == "melodic") scope = TrackScope::Melodic;
      else if (value == "drum") scope = TrackScope::Drum;
      else if (value == "both") scope = TrackScope::Both;
      else badValue();
    } else {
      invalidConfig("attribute control '" + control.name + "': unknown parameter '" + param + "'");
    }
  }
  if (entry->takesMode && !mode) {
    invalidConfig("attribute control '" + control.name + "' requires a mode (min or max)");
  }
  return makeSpec(entry->kind, mode.value_or(QuantileMode::Max), level, scope);
}

constexpr std::array<const char*, 6> kDurationLabels = {"32nd", "16th",    "8th",
                                                        "quarter", "half", "whole"};
constexpr std::array<const char*, 12> kPitchClassNames = {"C",  "C#", "D",  "D#", "E",  "F",
                                                          "F#", "G",  "G#", "A",  "A#", "B"};

}  // namespace

std::string AttributeSpec::valueLabel(int32_t value) const {
  const bool inDomain = value >= 0 && value < size;
  if (!inDomain) return std::to_string(value);
  switch (kind) {
    case AttributeKind::PolyphonyQuantile:
      if (value == 0) return "1 voice";
      if (value == size - 1) return std::to_string(value + 1) + "+ voices";
      return std::to_string(value + 1) + " voices";
    case AttributeKind::NoteDurationQuantile:
      if (static_cast<size_t>(value) >= kDurationLabels.size()) return std::to_string(value);
      return kDurationLabels[static_cast<size_t>(value)];
    case AttributeKind::NoteDensityQuantile:
      if (value == 0) return "sparsest (Q0)";
      if (value == size - 1) return "densest (Q" + std::to_string(value) + ")";
      return "Q" + std::to_string(value);
    case AttributeKind::KeySignature:
      if (value == 24) return "no key";
      return std::string(kPitchClassNames[static_cast<size_t>(value % 12)]) +
             (value < 12 ? " major" : " minor");
    default:
      return std::to_string(value);
  }
}

std::vector<AttributeSpec> resolveAttributes(const std::vector<TokenType>& domainTypes,
                                             const std::vector<AttributeControl>& controls) {
  std::vector<AttributeSpec> specs;
  for (TokenType type : domainTypes) {
    if (std::optional<AttributeSpec> spec = specForDomain(type)) specs.push_back(*spec);
  }
  for (const AttributeControl& control : controls) {
    AttributeSpec spec = specForControl(control);
    bool replaced = false;
    for (AttributeSpec& existing : specs) {
      if (existing.tokenType == spec.tokenType) {
        existing = spec;
        replaced = true;
        break;
      }
    }
    if (!replaced) specs.push_back(std::move(spec));
  }
  return specs;
}

}  // namespace midigpt
