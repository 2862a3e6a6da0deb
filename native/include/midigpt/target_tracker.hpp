// Which target bar of a step the sampled tokens belong to, for constraints that apply per bar
// (pitch and rhythm masks).
#pragma once

#include <cstdint>

#include "midigpt/token_type.hpp"

namespace midigpt {

/// Follows a step's token stream, prompt first. Infill: the fill block after the k-th
/// FillInStart is target k (the step's sorted targets). Autoregressive: after the prompt, the
/// k-th generated Bar is target k of the agent track, until a generated Track leaves it.
class TargetTracker {
 public:
  /// `promptLength`: the step prompt's token count.
  TargetTracker(bool autoregressive, int32_t promptLength);

  void reset();
  /// Observes the next token's type; true when it starts a target bar (its time restarts at 0).
  bool advance(TokenType type);
  /// The target being generated, or -1 outside every target.
  int32_t current() const noexcept;

 private:
  bool autoregressive_;
  int32_t promptLength_;
  int32_t seen_ = 0;        // tokens observed, prompt included
  int32_t fillBlocks_ = 0;  // infill: FillInStart tokens so far
  bool inFill_ = false;
  int32_t generatedBars_ = 0;  // autoregressive: Bar tokens after the prompt
  bool leftAgent_ = false;     // autoregressive: a Track token after the prompt
};

}  // namespace midigpt
