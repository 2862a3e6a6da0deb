// Applies remixes while their bars are generated: the kept pitches must all appear at their
// onsets, and a note that takes a kept pitch, or the place of a resampled one, gets the
// original's duration when that is kept. The onset schedule itself is a RhythmMaskConstraint.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "midigpt/constraints.hpp"
#include "midigpt/remix.hpp"
#include "midigpt/target_tracker.hpp"

namespace midigpt {

class RemixConstraint final : public Constraint {
 public:
  /// `plans`: per target bar in generation order (see TargetTracker), its notes from
  /// remixNotes(), empty where the bar is not remixed.
  RemixConstraint(Vocabulary vocabulary, bool autoregressive, int32_t promptLength,
                  std::vector<std::optional<std::vector<RemixNote>>> plans);

  void reset() override;
  void advance(int32_t token) override;
  void restrict(std::span<uint8_t> allowed) const override;

 private:
  const std::vector<RemixNote>* currentPlan() const;
  void startBar();

  TargetTracker targets_;
  std::vector<std::optional<std::vector<RemixNote>>> plans_;
  int32_t time_ = 0;
  std::vector<bool> used_;       // per note of the current plan: matched by a generated note
  int32_t pendingDuration_ = -1;  // the NoteDuration value the next duration must have
};

}  // namespace midigpt
