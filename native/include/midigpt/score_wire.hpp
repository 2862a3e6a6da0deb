// The flat int32 form in which scores cross the JNI boundary: one bulk copy each way instead of
// one call per note. Java's ScoreWire writes and reads the same layout.
//
//   score: resolution tempo trackCount track*
//   track: instrument trackType attributeCount (tokenType value)* barCount bar*
//   bar:   numerator denominator beatLengthHigh beatLengthLow future
//          attributeCount (tokenType value)* noteCount (onset duration pitch velocity delta)*
//
// beatLength is the IEEE-754 bit pattern of the double, high word first. Attribute keys are
// TokenType values.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "midigpt/score.hpp"

namespace midigpt {

std::vector<int32_t> packScore(const Score& score);

/// Throws Error(InvalidScore) naming the first inconsistency: truncated data, negative counts,
/// unknown track types or attribute token types, non-finite beat lengths.
Score unpackScore(std::span<const int32_t> words);

}  // namespace midigpt
