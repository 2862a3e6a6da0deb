// Rhythm masks of the HTTP API (http-api.md): where in a bar generated notes may start. Hard:
// an exact onset schedule with the number of notes at each onset. Soft: a grid that on-grid
// onsets are favoured by. The request parser reads them; RhythmMaskConstraint applies them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace midigpt {

/// One scheduled onset: `pos` in grid ticks from the bar start, `polyphony` notes there.
struct RhythmOnset {
  int32_t pos = 0;
  int32_t polyphony = 1;

  bool operator==(const RhythmOnset&) const = default;
};

struct RhythmGrid {
  std::string unit;       // a name of rhythmGridUnits()
  double strength = 1.0;  // 0: no effect; 1: only on-grid onsets

  bool operator==(const RhythmGrid&) const = default;
};

/// Exactly one of the two is set in a valid mask.
struct RhythmMask {
  std::vector<RhythmOnset> positions;
  std::optional<RhythmGrid> grid;

  bool operator==(const RhythmMask&) const = default;
};

/// The grid units, in the API's order: whole, half, quarter, eighth, sixteenth, ...triplets.
const std::vector<std::string_view>& rhythmGridUnits();
/// The length of `unit` in ticks at `resolution` ticks per quarter; 0 for an unknown unit or
/// one that is not a whole number of ticks there.
int32_t rhythmGridTicks(std::string_view unit, int32_t resolution);

}  // namespace midigpt
