// The names under which attribute levels are exposed to users (requests, JSON, Java maps).
// Inside the core, attributes are keyed by token type; each (level, token type) pair has one
// fixed name, taken from the reference's attribute registry (spec §4.2, §5.2).
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <vector>

#include "midigpt/attribute_spec.hpp"
#include "midigpt/token_type.hpp"

namespace midigpt {

/// The encoder's fixed emission order of track-level attribute tokens (spec §4.2 TrackAttr).
inline constexpr std::array<TokenType, 10> kTrackAttributeOrder = {
    TokenType::MinPolyphony,
    TokenType::MaxPolyphony,
    TokenType::MinNoteDuration,
    TokenType::MaxNoteDuration,
    TokenType::NoteDensity,
    TokenType::BarLevelOnsetPolyphonyMax,  // the track-level onset_polyphony
    TokenType::TrackLevelPitchRangeMax,
    TokenType::KeySignature,
    TokenType::TrackLevelSilenceProportionMax,
    TokenType::TrackLevelNomml,
};

/// The encoder's fixed emission order of bar-level attribute tokens (spec §4.2 BarAttr).
inline constexpr std::array<TokenType, 6> kBarAttributeOrder = {
    TokenType::Tension,
    TokenType::TensionDrum,
    TokenType::BarLevelPitchClassSet,
    TokenType::BarLevelOnsetDensity,
    TokenType::BarLevelOnsetPolyphonyMin,
    TokenType::BarLevelOnsetPolyphonyMax,
};

struct AttributeKey {
  AttributeLevel level;
  TokenType tokenType;
  std::string_view name;
};

/// Every attribute key the encoder emits or the decoder reads, track-level first, each level in
/// emission order.
const std::vector<AttributeKey>& attributeKeys();

std::optional<std::string_view> attributeKeyName(AttributeLevel level, TokenType type);
std::optional<TokenType> attributeKeyType(AttributeLevel level, std::string_view name);

}  // namespace midigpt
