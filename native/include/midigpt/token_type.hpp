// Token types with the reference's enum values, canonical names and accepted aliases.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace midigpt {

/// Values are the reference's TokenType enum ids; they appear in fixtures and checkpoints.
enum class TokenType : int32_t {
  PieceStart = 0,
  NoteOnset = 1,
  TimeAbsolutePos = 7,
  Instrument = 8,
  Bar = 9,
  BarEnd = 10,
  Track = 11,
  TrackEnd = 12,
  FillInPlaceholder = 15,
  FillInStart = 16,
  FillInEnd = 17,
  VelocityLevel = 19,
  Genre = 20,
  NoteDensity = 21,
  TimeSig = 22,
  NoteDuration = 26,
  MinPolyphony = 28,
  MaxPolyphony = 29,
  MinNoteDuration = 30,
  MaxNoteDuration = 31,
  NumBars = 32,
  BarLevelOnsetDensity = 40,
  BarLevelOnsetPolyphonyMin = 41,
  BarLevelOnsetPolyphonyMax = 42,  // alias OnsetPolyphony
  TrackLevelPitchRangeMax = 49,    // alias PitchRange
  KeySignature = 50,
  BarLevelPitchClassSet = 51,      // alias PitchClassSet
  TrackLevelSilenceProportionMax = 53,  // alias SilenceProportion
  Tension = 58,
  Delta = 68,
  DeltaDirection = 69,
  None = 70,  // alias PieceEnd
  MaskBar = 71,
  TensionDrum = 77,
  UseVelocity = 86,
  UseMicrotiming = 87,
  TrackLevelNomml = 88,
};

/// Canonical (long) name, as written by the reference's to_json().
std::string_view tokenTypeName(TokenType type) noexcept;

/// Resolves a canonical name, an alias (PitchRange, OnsetPolyphony, ...) or a legacy
/// TOKEN_UPPER_SNAKE spelling. Empty when the name is unknown.
std::optional<TokenType> parseTokenType(std::string_view name);

/// True when `value` is one of the enum values above.
bool isKnownTokenType(int32_t value) noexcept;

}  // namespace midigpt
