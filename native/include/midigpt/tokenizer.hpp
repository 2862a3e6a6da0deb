// Score <-> token ids for one encoder config (reference spec §4).
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "midigpt/encoder_config.hpp"
#include "midigpt/score.hpp"

namespace midigpt {

struct EncodeOptions {
  /// NumBars value; 0 means the longest track's bar count. Must be in num_bars_map.
  int32_t windowBars = 0;
  int32_t genre = -1;           // Genre token value, -1: none
  int32_t useVelocity = -1;     // UseVelocity override, -1: vocabulary default (1)
  int32_t useMicrotiming = -1;  // UseMicrotiming override, -1: vocabulary default (1)
  /// (track, bar) pairs encoded as FillInPlaceholder with a fill block after the last track.
  std::vector<std::pair<int32_t, int32_t>> infillTargets;
  /// Future bars become empty shells (span-masked by the caller) instead of their notes.
  bool spanMaskFutureBars = false;
  /// Future bars are left out entirely ("remove" mask mode).
  bool removeFutureBars = false;
  /// Emit BarLevelPitchClassSet after Bar on melodic tracks (spec §12.1). The reference at
  /// HEAD never emits it, so this is off by default to keep the golden token stream.
  bool emitPitchClassSet = false;
};

struct DecodeOptions {
  /// Bar length exactly 4*num/den quarters; the reference truncates to an integer (§12.7),
  /// which writes odd meters with the wrong length.
  bool exactBeatLength = true;
  /// Levels whose velocity bin holds one value decode to that value; the reference decodes
  /// them to 0, silencing every expressive note (§12.5).
  bool identityVelocityForSingletonBins = true;
};

class Tokenizer {
 public:
  explicit Tokenizer(EncoderConfig config);

  const EncoderConfig& config() const noexcept { return config_; }
  const Vocabulary& vocabulary() const noexcept { return config_.vocabulary; }

  /// Resamples to the encoder grid (floor; deltas folded for expressive), as the reference's
  /// normalize_input. A score already at the grid with no deltas is returned unchanged.
  Score normalizeInput(const Score& score) const;
  /// Rescales a decoded score from the grid to decode_resolution.
  Score normalizeOutput(const Score& score) const;

  /// The training/production path: normalise, compute attributes on the normalised score when
  /// `computeAttributes`, then encode.
  std::vector<int32_t> encode(const Score& score, const EncodeOptions& options,
                              bool computeAttributes = true) const;
  /// Encodes a score that is already at the encoder grid and carries its attributes.
  std::vector<int32_t> encodeNormalized(const Score& score, const EncodeOptions& options) const;

  /// Tokens -> score at the encoder grid (ticks at config().resolution).
  Score decode(std::span<const int32_t> tokens, const DecodeOptions& options = {}) const;

  /// Velocity level of a MIDI velocity, and the velocity a level decodes to.
  int32_t quantizeVelocity(int32_t velocity) const noexcept;
  int32_t dequantizeVelocity(int32_t level, const DecodeOptions& options = {}) const noexcept;

 private:
  EncoderConfig config_;
};

/// The first `count` bars of every track starting at `start` (bars missing in a track are
/// skipped); attributes are dropped since they belong to the whole piece.
Score windowOf(const Score& score, int32_t start, int32_t count);

}  // namespace midigpt
