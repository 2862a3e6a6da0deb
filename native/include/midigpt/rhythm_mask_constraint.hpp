// Applies the rhythm masks of a step's target bars while they are generated: a hard onset
// schedule (where notes start and how many start together), or a grid that off-grid onsets
// are forbidden (strength 1) or weighed down (strength below 1) by.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "midigpt/constraints.hpp"
#include "midigpt/rhythm_mask.hpp"
#include "midigpt/target_tracker.hpp"

namespace midigpt {

/// A target bar's rhythm mask, resolved for the encoder grid.
struct RhythmPlan {
  std::vector<RhythmOnset> positions;  // hard schedule; empty: the grid applies
  int32_t gridTicks = 0;               // > 0 with a grid
  double strength = 0.0;
};

class RhythmMaskConstraint final : public Constraint {
 public:
  /// `plans` has one entry per target bar in generation order (see TargetTracker), empty where
  /// that bar has no rhythm mask.
  RhythmMaskConstraint(Vocabulary vocabulary, bool autoregressive, int32_t promptLength,
                       std::vector<std::optional<RhythmPlan>> plans);

  void reset() override;
  void advance(int32_t token) override;
  void restrict(std::span<uint8_t> allowed) const override;
  bool weigh(std::span<float> probabilities) const override;

 private:
  const RhythmPlan* currentPlan() const;
  void restrictSchedule(const RhythmPlan& plan, std::span<uint8_t> allowed) const;
  bool onGrid(const RhythmPlan& plan, int32_t time) const { return time % plan.gridTicks == 0; }

  TargetTracker targets_;
  std::vector<std::optional<RhythmPlan>> plans_;
  int32_t time_ = 0;    // the current onset, in grid ticks from the bar start
  int32_t notes_ = 0;   // notes started at time_
  int32_t onset_ = -1;  // index of time_ in the schedule, -1 when it is not scheduled
};

}  // namespace midigpt
