// The score model shared by the reader, the tokenizer and the bridge.
// Ticks are at Score::resolution ticks per quarter note; a note's onset is relative to its bar.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "midigpt/token_type.hpp"

namespace midigpt {

enum class TrackType : int32_t { Melodic = 0, Drum = 1 };

/// Quantised attribute levels keyed by the attribute's token type. Track-level and bar-level
/// attributes live in separate maps, so the token type alone identifies the attribute.
using AttributeMap = std::map<TokenType, int32_t>;

struct Note {
  int32_t onset = 0;     // ticks from the start of the bar
  int32_t duration = 0;  // ticks; may extend past the bar end
  int32_t pitch = 0;     // 0..127
  int32_t velocity = 0;  // 0..127
  int32_t delta = 0;     // microtiming residual (expressive encoders only)

  bool operator==(const Note&) const = default;
};

struct Bar {
  int32_t tsNumerator = 4;
  int32_t tsDenominator = 4;
  double beatLength = 4.0;  // bar length in quarter notes
  bool future = false;      // unknown bar, encoded according to the mask mode
  std::vector<Note> notes;  // in onset order of appearance
  AttributeMap attributes;  // bar-level attribute levels

  bool operator==(const Bar&) const = default;
};

struct Track {
  int32_t instrument = 0;  // General MIDI program 0..127 (kept for drum tracks too)
  TrackType type = TrackType::Melodic;
  std::vector<Bar> bars;
  AttributeMap attributes;  // track-level attribute levels

  bool operator==(const Track&) const = default;
};

struct Score {
  int32_t resolution = 480;  // ticks per quarter note
  int32_t tempo = 500000;    // microseconds per quarter note
  std::vector<Track> tracks;

  bool operator==(const Score&) const = default;
};

}  // namespace midigpt
