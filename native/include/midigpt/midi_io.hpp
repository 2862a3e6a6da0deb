// Standard MIDI File reading into the score model and writing back (reference spec §2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "midigpt/score.hpp"

namespace midigpt {

/// Parses a type 0 or 1 MIDI file and splits it into bars at `resolution` ticks per quarter
/// (480 is the reference's production path). Throws Error(InvalidMidi) on malformed input; never
/// reads outside `bytes`.
Score readMidi(std::span<const uint8_t> bytes, int32_t resolution = 480);

/// Writes a format 1 file at score.resolution ticks per quarter: tempo and time signatures in
/// the first track, one track per score track (drums on channel 10). Throws InvalidScore.
std::vector<uint8_t> writeMidi(const Score& score);

}  // namespace midigpt
