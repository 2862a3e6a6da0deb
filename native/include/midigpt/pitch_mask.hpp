// Pitch masks of the HTTP API (http-api.md): which pitches a track or a bar may generate, as a
// hard allow-set (pitches, pitch classes or a scale preset) with an optional soft shape that
// weighs the allowed pitches. The request parser reads them; PitchMaskConstraint applies them.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace midigpt {

/// A soft preference over pitches, multiplied into the note-pitch probabilities.
struct PitchShape {
  enum class Kind { Uniform, Normal };
  Kind kind = Kind::Uniform;
  /// Uniform: weight 1 for pitches in [low, high], 0 outside. Normal: a gaussian of mean `low`
  /// and standard deviation `high` (never zero).
  double low = 0;
  double high = 127;

  bool operator==(const PitchShape&) const = default;
};

struct PitchMask {
  /// At most one of the three hard sets is given; none allows every pitch.
  std::vector<int32_t> pitches;        // MIDI pitches 0-127
  std::optional<std::string> scale;    // a preset of pitchMaskScaleNames()
  int32_t root = 0;                    // the scale's root pitch class, 0-11
  std::vector<int32_t> pitchClasses;   // 0-11
  std::optional<PitchShape> shape;

  bool operator==(const PitchMask&) const = default;
};

/// The scale presets, in the API's order: chromatic, major, natural_minor, ...
const std::vector<std::string_view>& pitchMaskScaleNames();
/// The semitone steps above the root of a preset; empty for an unknown name.
std::vector<int32_t> pitchMaskScale(std::string_view name);

/// The weight of each MIDI pitch: 0 where the hard set forbids it, else the shape's weight (1
/// without a shape). Assumes a validated mask.
std::array<float, 128> pitchMaskWeights(const PitchMask& mask);

}  // namespace midigpt
