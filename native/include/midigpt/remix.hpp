// Remix of the HTTP API (http-api.md): regenerate bars as a variation of their notes. The
// onset schedule is kept exactly; of the eligible values (pitches, and in full mode also
// durations, chosen independently) the fraction `amount` is resampled and the rest kept.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "midigpt/score.hpp"

namespace midigpt {

enum class RemixMode { Pitch, Full };

std::string_view remixModeName(RemixMode mode) noexcept;
std::optional<RemixMode> parseRemixMode(std::string_view name);

struct Remix {
  double amount = 0.0;  // [0, 1]: 0 keeps every value, 1 resamples all
  RemixMode mode = RemixMode::Pitch;

  bool operator==(const Remix&) const = default;
};

/// One note of a remixed bar, at the encoder grid, and which of its values are kept.
struct RemixNote {
  int32_t onset = 0;
  int32_t pitch = 0;
  int32_t durationValue = 0;  // its NoteDuration token value
  bool keepPitch = true;
  bool keepDuration = true;

  bool operator==(const RemixNote&) const = default;
};

/// The notes of `gridBar` (a bar at the encoder grid) in onset order, with exactly
/// round(amount·n) pitches chosen to be resampled, and in full mode, independently, as many
/// durations; in pitch mode every duration is kept. `durationValues` is the NoteDuration
/// domain size (durations are clamped into it as the encoder does). `seed` < 0 draws from
/// std::random_device.
std::vector<RemixNote> remixNotes(const Bar& gridBar, const Remix& remix, int32_t durationValues,
                                  int64_t seed);

}  // namespace midigpt
