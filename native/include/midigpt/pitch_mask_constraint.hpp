// Applies the pitch masks of a step's target bars while they are generated: a hard mask on the
// NoteOnset (pitch) tokens, and the soft shape's weights on their probabilities.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "midigpt/constraints.hpp"
#include "midigpt/target_tracker.hpp"

namespace midigpt {

class PitchMaskConstraint final : public Constraint {
 public:
  using Weights = std::array<float, 128>;

  /// `weights` has one entry per target bar of the step in generation order (infill: fill
  /// blocks, i.e. the step's sorted targets; autoregressive: the agent track's target bars),
  /// empty where that bar has no mask. `promptLength`: the step prompt's token count, after
  /// which autoregressive Bar tokens count generated bars.
  PitchMaskConstraint(Vocabulary vocabulary, bool autoregressive, int32_t promptLength,
                      std::vector<std::optional<Weights>> weights);

  void reset() override;
  void advance(int32_t token) override;
  void restrict(std::span<uint8_t> allowed) const override;
  bool weigh(std::span<float> probabilities) const override;

 private:
  /// The index of the target bar being generated, or -1 outside target bars and mask-less ones.
  int32_t currentTarget() const;

  TargetTracker targets_;
  std::vector<std::optional<Weights>> weights_;
  std::vector<bool> soft_;  // per target: some allowed weight is not 1
};

}  // namespace midigpt
