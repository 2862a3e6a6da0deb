#include "midigpt/target_tracker.hpp"

namespace midigpt {

TargetTracker::TargetTracker(bool autoregressive, int32_t promptLength)
    : autoregressive_(autoregressive), promptLength_(promptLength) {}

void TargetTracker::reset() {
  seen_ = 0;
  fillBlocks_ = 0;
  inFill_ = false;
  generatedBars_ = 0;
  leftAgent_ = false;
}

bool TargetTracker::advance(TokenType type) {
  const bool generated = seen_ >= promptLength_;
  ++seen_;
  if (!autoregressive_) {
    if (type == TokenType::FillInStart) {
      ++fillBlocks_;
      inFill_ = true;
      return true;
    }
    if (type == TokenType::FillInEnd) inFill_ = false;
    return false;
  }
  if (!generated) return false;
  if (type == TokenType::Track) leftAgent_ = true;
  if (type == TokenType::Bar) {
    ++generatedBars_;
    return !leftAgent_;
  }
  return false;
}

int32_t TargetTracker::current() const noexcept {
  if (!autoregressive_) return inFill_ ? fillBlocks_ - 1 : -1;
  if (seen_ < promptLength_ || leftAgent_) return -1;
  return generatedBars_ - 1;
}

}  // namespace midigpt
