#include "midigpt/attribute_keys.hpp"

namespace midigpt {

const std::vector<AttributeKey>& attributeKeys() {
  using L = AttributeLevel;
  using T = TokenType;
  // Emission order of the encoder (spec §4.2 TrackAttr and BarAttr).
  static const std::vector<AttributeKey> keys = {
      {L::Track, T::MinPolyphony, "min_polyphony"},
      {L::Track, T::MaxPolyphony, "max_polyphony"},
      {L::Track, T::MinNoteDuration, "min_note_duration"},
      {L::Track, T::MaxNoteDuration, "max_note_duration"},
      {L::Track, T::NoteDensity, "note_density"},
      {L::Track, T::BarLevelOnsetPolyphonyMax, "onset_polyphony"},
      {L::Track, T::TrackLevelPitchRangeMax, "pitch_range"},
      {L::Track, T::KeySignature, "key_signature"},
      {L::Track, T::TrackLevelSilenceProportionMax, "silence_proportion"},
      {L::Track, T::TrackLevelNomml, "nomml"},
      // Only produced by decoding: a NoteDuration token before a track's first Bar.
      {L::Track, T::NoteDuration, "note_duration_dist"},
      {L::Bar, T::Tension, "tension"},
      {L::Bar, T::TensionDrum, "tension_drum"},
      {L::Bar, T::BarLevelPitchClassSet, "pitch_class_set"},
      {L::Bar, T::BarLevelOnsetDensity, "bar_note_density"},
      {L::Bar, T::BarLevelOnsetPolyphonyMin, "bar_min_polyphony"},
      {L::Bar, T::BarLevelOnsetPolyphonyMax, "bar_max_polyphony"},
  };
  return keys;
}

std::optional<std::string_view> attributeKeyName(AttributeLevel level, TokenType type) {
  for (const AttributeKey& key : attributeKeys()) {
    if (key.level == level && key.tokenType == type) return key.name;
  }
  return std::nullopt;
}

std::optional<TokenType> attributeKeyType(AttributeLevel level, std::string_view name) {
  for (const AttributeKey& key : attributeKeys()) {
    if (key.level == level && key.name == name) return key.tokenType;
  }
  return std::nullopt;
}

}  // namespace midigpt
