// Descriptions of the attribute controls an encoder conditions on (reference spec §5).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "midigpt/token_type.hpp"

namespace midigpt {

enum class AttributeLevel : int32_t { Track = 0, Bar = 1 };

/// Which tracks an attribute is computed for.
enum class TrackScope : int32_t { Melodic = 0, Drum = 1, Both = 2 };

/// The computation behind an attribute (the reference's attribute classes).
enum class AttributeKind : int32_t {
  NoteDensityQuantile,
  PolyphonyQuantile,
  NoteDurationQuantile,
  KeySignature,
  PitchRange,
  SilenceProportion,
  PitchClassSet,
  OnsetPolyphony,
  Nomml,
  NoteDensity,
  NoteDurationDistribution,
};

enum class QuantileMode : int32_t { Min = 0, Max = 1 };

/// One `attribute_controls` entry of a config: registry key plus string/number params.
struct AttributeControl {
  std::string name;
  std::map<std::string, std::string> params;  // values as their JSON text without quotes
};

struct AttributeSpec {
  std::string name;  // key in requests and in Track/Bar attributes, e.g. "min_polyphony"
  TokenType tokenType;
  AttributeLevel level = AttributeLevel::Track;
  TrackScope scope = TrackScope::Both;
  AttributeKind kind = AttributeKind::NoteDensityQuantile;
  QuantileMode mode = QuantileMode::Max;
  int32_t size = 0;  // number of levels

  bool appliesTo(bool drumTrack) const noexcept {
    return scope == TrackScope::Both || (scope == TrackScope::Drum) == drumTrack;
  }
  /// Human-readable label of a level ("2 voices", "quarter", "Q3", "C major", ...).
  std::string valueLabel(int32_t level) const;
};

/// The analyzer's attribute set for a vocabulary (reference spec §5.3): one spec per attribute
/// token type present in `domains`, then `controls` overlaid in order (same token type replaces
/// in place, otherwise appended). Throws InvalidConfig for an unknown registry key or param.
std::vector<AttributeSpec> resolveAttributes(const std::vector<TokenType>& domainTypes,
                                             const std::vector<AttributeControl>& controls);

}  // namespace midigpt
