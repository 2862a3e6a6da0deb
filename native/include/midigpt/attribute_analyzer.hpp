// Computes quantised attribute levels of a score (reference spec §5).
#pragma once

#include <optional>

#include "midigpt/encoder_config.hpp"
#include "midigpt/score.hpp"

namespace midigpt {

class AttributeAnalyzer {
 public:
  explicit AttributeAnalyzer(const EncoderConfig& config) : config_(config) {}

  /// Level of one attribute for track `track` (track-level specs) or bar `bar` of it (bar-level
  /// specs). Empty when the spec does not apply to the track's type.
  std::optional<int32_t> compute(const AttributeSpec& spec, const Score& score, size_t track,
                                 size_t bar = 0) const;

  /// Writes every applicable track- and bar-level attribute into the score's maps, overwriting
  /// existing values (the reference's Tokenizer.encode step 2).
  void annotate(Score& score) const;

 private:
  const EncoderConfig& config_;
};

}  // namespace midigpt
