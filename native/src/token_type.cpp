#include "midigpt/token_type.hpp"

#include <array>

namespace midigpt {
namespace {

struct TokenTypeNames {
  TokenType type;
  std::string_view canonical;
  std::string_view legacy;  // the reference's TOKEN_* spelling (not always the snake-cased name)
};

constexpr std::array<TokenTypeNames, 37> kNames{{
    {TokenType::PieceStart, "PieceStart", "TOKEN_PIECE_START"},
    {TokenType::NoteOnset, "NoteOnset", "TOKEN_NOTE_ONSET"},
    {TokenType::TimeAbsolutePos, "TimeAbsolutePos", "TOKEN_TIME_ABSOLUTE_POS"},
    {TokenType::Instrument, "Instrument", "TOKEN_INSTRUMENT"},
    {TokenType::Bar, "Bar", "TOKEN_BAR"},
    {TokenType::BarEnd, "BarEnd", "TOKEN_BAR_END"},
    {TokenType::Track, "Track", "TOKEN_TRACK"},
    {TokenType::TrackEnd, "TrackEnd", "TOKEN_TRACK_END"},
    {TokenType::FillInPlaceholder, "FillInPlaceholder", "TOKEN_FILL_IN_PLACEHOLDER"},
    {TokenType::FillInStart, "FillInStart", "TOKEN_FILL_IN_START"},
    {TokenType::FillInEnd, "FillInEnd", "TOKEN_FILL_IN_END"},
    {TokenType::VelocityLevel, "VelocityLevel", "TOKEN_VELOCITY_LEVEL"},
    {TokenType::Genre, "Genre", "TOKEN_GENRE"},
    {TokenType::NoteDensity, "NoteDensity", "TOKEN_DENSITY_LEVEL"},
    {TokenType::TimeSig, "TimeSig", "TOKEN_TIME_SIGNATURE"},
    {TokenType::NoteDuration, "NoteDuration", "TOKEN_NOTE_DURATION"},
    {TokenType::MinPolyphony, "MinPolyphony", "TOKEN_MIN_POLYPHONY"},
    {TokenType::MaxPolyphony, "MaxPolyphony", "TOKEN_MAX_POLYPHONY"},
    {TokenType::MinNoteDuration, "MinNoteDuration", "TOKEN_MIN_NOTE_DURATION"},
    {TokenType::MaxNoteDuration, "MaxNoteDuration", "TOKEN_MAX_NOTE_DURATION"},
    {TokenType::NumBars, "NumBars", "TOKEN_NUM_BARS"},
    {TokenType::BarLevelOnsetDensity, "BarLevelOnsetDensity", "TOKEN_BAR_LEVEL_ONSET_DENSITY"},
    {TokenType::BarLevelOnsetPolyphonyMin, "BarLevelOnsetPolyphonyMin",
     "TOKEN_BAR_LEVEL_ONSET_POLYPHONY_MIN"},
    {TokenType::BarLevelOnsetPolyphonyMax, "BarLevelOnsetPolyphonyMax",
     "TOKEN_BAR_LEVEL_ONSET_POLYPHONY_MAX"},
    {TokenType::TrackLevelPitchRangeMax, "TrackLevelPitchRangeMax",
     "TOKEN_TRACK_LEVEL_PITCH_RANGE_MAX"},
    {TokenType::KeySignature, "KeySignature", "TOKEN_KEY_SIGNATURE"},
    {TokenType::BarLevelPitchClassSet, "BarLevelPitchClassSet", "TOKEN_BAR_LEVEL_PITCH_CLASS_SET"},
    {TokenType::TrackLevelSilenceProportionMax, "TrackLevelSilenceProportionMax",
     "TOKEN_TRACK_LEVEL_SILENCE_PROPORTION_MAX"},
    {TokenType::Tension, "Tension", "TOKEN_BAR_LEVEL_TENSION"},
    {TokenType::Delta, "Delta", "TOKEN_DELTA"},
    {TokenType::DeltaDirection, "DeltaDirection", "TOKEN_DELTA_DIRECTION"},
    {TokenType::None, "None", "TOKEN_NONE"},
    {TokenType::MaskBar, "MaskBar", "TOKEN_MASK_BAR"},
    {TokenType::TensionDrum, "TensionDrum", "TOKEN_BAR_LEVEL_TENSION_DRUM"},
    {TokenType::UseVelocity, "UseVelocity", "TOKEN_USE_VELOCITY"},
    {TokenType::UseMicrotiming, "UseMicrotiming", "TOKEN_USE_MICROTIMING"},
    {TokenType::TrackLevelNomml, "TrackLevelNomml", "TOKEN_TRACK_LEVEL_NOMML"},
}};

struct TokenTypeAlias {
  std::string_view alias;
  TokenType type;
};

// Short names the reference accepts for the same vocabulary slot.
constexpr std::array<TokenTypeAlias, 6> kAliases{{
    {"OnsetPolyphony", TokenType::BarLevelOnsetPolyphonyMax},
    {"PitchRange", TokenType::TrackLevelPitchRangeMax},
    {"NoteDurationDist", TokenType::NoteDuration},
    {"SilenceProportion", TokenType::TrackLevelSilenceProportionMax},
    {"PitchClassSet", TokenType::BarLevelPitchClassSet},
    {"PieceEnd", TokenType::None},
}};

}  // namespace

std::string_view tokenTypeName(TokenType type) noexcept {
  for (const TokenTypeNames& names : kNames) {
    if (names.type == type) return names.canonical;
  }
  return "Unknown";
}

std::optional<TokenType> parseTokenType(std::string_view name) {
  for (const TokenTypeNames& names : kNames) {
    if (names.canonical == name || names.legacy == name) return names.type;
  }
  for (const TokenTypeAlias& alias : kAliases) {
    if (alias.alias == name) return alias.type;
  }
  return std::nullopt;
}

bool isKnownTokenType(int32_t value) noexcept {
  for (const TokenTypeNames& names : kNames) {
    if (static_cast<int32_t>(names.type) == value) return true;
  }
  return false;
}

}  // namespace midigpt
