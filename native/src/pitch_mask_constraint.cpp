#include "midigpt/pitch_mask_constraint.hpp"

#include <algorithm>
#include <utility>

namespace midigpt {

PitchMaskConstraint::PitchMaskConstraint(Vocabulary vocabulary, bool autoregressive,
                                         int32_t promptLength,
                                         std::vector<std::optional<Weights>> weights)
    : Constraint(std::move(vocabulary)),
      targets_(autoregressive, promptLength),
      weights_(std::move(weights)) {
  for (const std::optional<Weights>& bar : weights_) {
    soft_.push_back(bar && std::any_of(bar->begin(), bar->end(),
                                       [](float w) { return w != 0.0f && w != 1.0f; }));
  }
}

void PitchMaskConstraint::reset() { targets_.reset(); }

void PitchMaskConstraint::advance(int32_t token) { targets_.advance(decode(token).first); }

int32_t PitchMaskConstraint::currentTarget() const {
  const int32_t target = targets_.current();
  if (target < 0 || static_cast<size_t>(target) >= weights_.size()) return -1;
  return weights_[static_cast<size_t>(target)] ? target : -1;
}

void PitchMaskConstraint::restrict(std::span<uint8_t> allowed) const {
  checkMask(allowed);
  const int32_t target = currentTarget();
  if (target < 0) return;
  const Weights& weights = *weights_[static_cast<size_t>(target)];
  const Vocabulary& layout = vocabulary();
  const int32_t pitches = std::min(layout.domainSize(TokenType::NoteOnset), 128);
  for (int32_t pitch = 0; pitch < pitches; ++pitch) {
    if (weights[static_cast<size_t>(pitch)] == 0.0f) {
      allowed[static_cast<size_t>(layout.id(TokenType::NoteOnset, pitch))] = 0;
    }
  }
}

bool PitchMaskConstraint::weigh(std::span<float> probabilities) const {
  const int32_t target = currentTarget();
  if (target < 0 || !soft_[static_cast<size_t>(target)]) return false;
  const Weights& weights = *weights_[static_cast<size_t>(target)];
  const Vocabulary& layout = vocabulary();
  const int32_t pitches = std::min(layout.domainSize(TokenType::NoteOnset), 128);
  for (int32_t pitch = 0; pitch < pitches; ++pitch) {
    probabilities[static_cast<size_t>(layout.id(TokenType::NoteOnset, pitch))] *=
        weights[static_cast<size_t>(pitch)];
  }
  return true;
}

}  // namespace midigpt
