#include "midigpt/rhythm_mask_constraint.hpp"

#include <algorithm>
#include <utility>

namespace midigpt {

RhythmMaskConstraint::RhythmMaskConstraint(Vocabulary vocabulary, bool autoregressive,
                                           int32_t promptLength,
                                           std::vector<std::optional<RhythmPlan>> plans)
    : Constraint(std::move(vocabulary)),
      targets_(autoregressive, promptLength),
      plans_(std::move(plans)) {}

void RhythmMaskConstraint::reset() {
  targets_.reset();
  time_ = 0;
  notes_ = 0;
  onset_ = -1;
}

const RhythmPlan* RhythmMaskConstraint::currentPlan() const {
  const int32_t target = targets_.current();
  if (target < 0 || static_cast<size_t>(target) >= plans_.size()) return nullptr;
  const std::optional<RhythmPlan>& plan = plans_[static_cast<size_t>(target)];
  return plan ? &*plan : nullptr;
}

void RhythmMaskConstraint::advance(int32_t token) {
  const auto [type, value] = decode(token);
  const auto scheduleIndex = [this](int32_t time) {
    const RhythmPlan* plan = currentPlan();
    if (plan == nullptr) return -1;
    const auto found =
        std::find_if(plan->positions.begin(), plan->positions.end(),
                     [time](const RhythmOnset& onset) { return onset.pos == time; });
    return found == plan->positions.end() ? -1
                                          : static_cast<int32_t>(found - plan->positions.begin());
  };
  if (targets_.advance(type)) {
    // A target bar starts: notes before any TimeAbsolutePos start at 0.
    time_ = 0;
    notes_ = 0;
    onset_ = scheduleIndex(0);
    return;
  }
  if (type == TokenType::TimeAbsolutePos) {
    time_ = value;
    notes_ = 0;
    onset_ = scheduleIndex(value);
  } else if (type == TokenType::NoteOnset) {
    ++notes_;
  }
}

void RhythmMaskConstraint::restrict(std::span<uint8_t> allowed) const {
  checkMask(allowed);
  const RhythmPlan* plan = currentPlan();
  if (plan == nullptr) return;
  if (!plan->positions.empty()) {
    restrictSchedule(*plan, allowed);
    return;
  }
  const Vocabulary& layout = vocabulary();
  if (plan->strength < 1.0 || !layout.has(TokenType::TimeAbsolutePos)) return;
  for (int32_t time = 0; time < layout.domainSize(TokenType::TimeAbsolutePos); ++time) {
    if (!onGrid(*plan, time)) {
      allowed[static_cast<size_t>(layout.id(TokenType::TimeAbsolutePos, time))] = 0;
    }
  }
}

/// The schedule's one path: at each scheduled onset exactly its polyphony of notes (and their
/// lead-in tokens), then the next scheduled onset, and the bar ends after the last one. A
/// schedule that does not start at 0 (a remixed bar's) first moves to its first onset.
void RhythmMaskConstraint::restrictSchedule(const RhythmPlan& plan,
                                            std::span<uint8_t> allowed) const {
  const std::vector<RhythmOnset>& positions = plan.positions;
  const bool scheduled = onset_ >= 0;
  const bool moreNotesHere =
      scheduled && notes_ < positions[static_cast<size_t>(onset_)].polyphony;
  const bool mayMove = scheduled ? !moreNotesHere : notes_ == 0;
  if (!moreNotesHere) {
    for (TokenType type : {TokenType::NoteOnset, TokenType::VelocityLevel,
                           TokenType::DeltaDirection, TokenType::Delta}) {
      forbidType(allowed, type);
    }
  }
  const size_t next = static_cast<size_t>(onset_ + 1);
  if (mayMove && next < positions.size()) {
    forbidAllValuesBut(allowed, TokenType::TimeAbsolutePos, positions[next].pos);
  } else {
    forbidType(allowed, TokenType::TimeAbsolutePos);
  }
  if (!(scheduled && mayMove && next == positions.size())) {
    forbidType(allowed, TokenType::BarEnd);
    forbidType(allowed, TokenType::FillInEnd);
  }
}

bool RhythmMaskConstraint::weigh(std::span<float> probabilities) const {
  const RhythmPlan* plan = currentPlan();
  if (plan == nullptr || !plan->positions.empty() || plan->strength <= 0.0 ||
      plan->strength >= 1.0) {
    return false;
  }
  const Vocabulary& layout = vocabulary();
  if (!layout.has(TokenType::TimeAbsolutePos)) return false;
  const auto offGrid = static_cast<float>(1.0 - plan->strength);
  for (int32_t time = 0; time < layout.domainSize(TokenType::TimeAbsolutePos); ++time) {
    if (!onGrid(*plan, time)) {
      probabilities[static_cast<size_t>(layout.id(TokenType::TimeAbsolutePos, time))] *= offGrid;
    }
  }
  return true;
}

}  // namespace midigpt
