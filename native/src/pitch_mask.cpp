#include "midigpt/pitch_mask.hpp"

#include <algorithm>
#include <cmath>

namespace midigpt {
namespace {

struct ScalePreset {
  std::string_view name;
  std::vector<int32_t> steps;
};

const std::vector<ScalePreset>& presets() {
  static const std::vector<ScalePreset> table = {
      {"chromatic", {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
      {"major", {0, 2, 4, 5, 7, 9, 11}},
      {"natural_minor", {0, 2, 3, 5, 7, 8, 10}},
      {"harmonic_minor", {0, 2, 3, 5, 7, 8, 11}},
      {"melodic_minor", {0, 2, 3, 5, 7, 9, 11}},
      {"dorian", {0, 2, 3, 5, 7, 9, 10}},
      {"phrygian", {0, 1, 3, 5, 7, 8, 10}},
      {"lydian", {0, 2, 4, 6, 7, 9, 11}},
      {"mixolydian", {0, 2, 4, 5, 7, 9, 10}},
      {"locrian", {0, 1, 3, 5, 6, 8, 10}},
      {"major_pentatonic", {0, 2, 4, 7, 9}},
      {"minor_pentatonic", {0, 3, 5, 7, 10}},
      {"blues", {0, 3, 5, 6, 7, 10}},
      {"whole_tone", {0, 2, 4, 6, 8, 10}},
  };
  return table;
}

}  // namespace

const std::vector<std::string_view>& pitchMaskScaleNames() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> list;
    for (const ScalePreset& preset : presets()) list.push_back(preset.name);
    return list;
  }();
  return names;
}

std::vector<int32_t> pitchMaskScale(std::string_view name) {
  for (const ScalePreset& preset : presets()) {
    if (preset.name == name) return preset.steps;
  }
  return {};
}

std::array<float, 128> pitchMaskWeights(const PitchMask& mask) {
  std::array<float, 128> weights{};
  std::array<bool, 12> classes{};
  const bool byClass = mask.scale.has_value() || !mask.pitchClasses.empty();
  if (mask.scale) {
    for (int32_t step : pitchMaskScale(*mask.scale)) {
      classes[static_cast<size_t>((mask.root + step) % 12)] = true;
    }
  }
  for (int32_t pitchClass : mask.pitchClasses) classes[static_cast<size_t>(pitchClass)] = true;
  for (int32_t pitch = 0; pitch < 128; ++pitch) {
    bool allowed = true;
    if (byClass) allowed = classes[static_cast<size_t>(pitch % 12)];
    if (!mask.pitches.empty()) allowed = false;
    weights[static_cast<size_t>(pitch)] = allowed ? 1.0f : 0.0f;
  }
  for (int32_t pitch : mask.pitches) weights[static_cast<size_t>(pitch)] = 1.0f;
  if (mask.shape) {
    const PitchShape& shape = *mask.shape;
    for (int32_t pitch = 0; pitch < 128; ++pitch) {
      float& weight = weights[static_cast<size_t>(pitch)];
      if (weight == 0.0f) continue;
      if (shape.kind == PitchShape::Kind::Uniform) {
        if (pitch < shape.low || pitch > shape.high) weight = 0.0f;
      } else {
        const double z = (pitch - shape.low) / shape.high;
        // Floored so that the shape never forbids a pitch outright, as the API promises.
        weight = static_cast<float>(std::max(std::exp(-0.5 * z * z), 1e-12));
      }
    }
  }
  return weights;
}

}  // namespace midigpt
