#include "midigpt/remix_constraint.hpp"

#include <algorithm>
#include <utility>

namespace midigpt {

RemixConstraint::RemixConstraint(Vocabulary vocabulary, bool autoregressive, int32_t promptLength,
                                 std::vector<std::optional<std::vector<RemixNote>>> plans)
    : Constraint(std::move(vocabulary)),
      targets_(autoregressive, promptLength),
      plans_(std::move(plans)) {}

const std::vector<RemixNote>* RemixConstraint::currentPlan() const {
  const int32_t target = targets_.current();
  if (target < 0 || static_cast<size_t>(target) >= plans_.size()) return nullptr;
  const auto& plan = plans_[static_cast<size_t>(target)];
  return plan ? &*plan : nullptr;
}

void RemixConstraint::startBar() {
  time_ = 0;
  pendingDuration_ = -1;
  const std::vector<RemixNote>* plan = currentPlan();
  used_.assign(plan == nullptr ? 0 : plan->size(), false);
}

void RemixConstraint::reset() {
  targets_.reset();
  startBar();
}

void RemixConstraint::advance(int32_t token) {
  const auto [type, value] = decode(token);
  if (targets_.advance(type)) {
    startBar();
    return;
  }
  const std::vector<RemixNote>* plan = currentPlan();
  if (plan == nullptr) return;
  if (type == TokenType::TimeAbsolutePos) {
    time_ = value;
    pendingDuration_ = -1;
  } else if (type == TokenType::NoteDuration) {
    pendingDuration_ = -1;
  } else if (type == TokenType::NoteOnset) {
    // The note takes a kept pitch it matches, else the place of a resampled one.
    int32_t match = -1;
    for (size_t i = 0; i < plan->size() && match < 0; ++i) {
      const RemixNote& note = (*plan)[i];
      if (!used_[i] && note.onset == time_ && note.keepPitch && note.pitch == value) {
        match = static_cast<int32_t>(i);
      }
    }
    for (size_t i = 0; i < plan->size() && match < 0; ++i) {
      const RemixNote& note = (*plan)[i];
      if (!used_[i] && note.onset == time_ && !note.keepPitch) match = static_cast<int32_t>(i);
    }
    if (match < 0) {
      pendingDuration_ = -1;
      return;
    }
    used_[static_cast<size_t>(match)] = true;
    const RemixNote& note = (*plan)[static_cast<size_t>(match)];
    pendingDuration_ = note.keepDuration ? note.durationValue : -1;
  }
}

void RemixConstraint::restrict(std::span<uint8_t> allowed) const {
  checkMask(allowed);
  const std::vector<RemixNote>* plan = currentPlan();
  if (plan == nullptr) return;
  if (pendingDuration_ >= 0) {
    forbidAllValuesBut(allowed, TokenType::NoteDuration, pendingDuration_);
  }
  // Once only kept pitches are left at this onset, the next note must take one of them.
  bool freeLeft = false;
  std::vector<int32_t> keptLeft;
  for (size_t i = 0; i < plan->size(); ++i) {
    const RemixNote& note = (*plan)[i];
    if (used_[i] || note.onset != time_) continue;
    if (note.keepPitch) {
      keptLeft.push_back(note.pitch);
    } else {
      freeLeft = true;
    }
  }
  if (freeLeft || keptLeft.empty()) return;
  const Vocabulary& layout = vocabulary();
  for (int32_t pitch = 0; pitch < layout.domainSize(TokenType::NoteOnset); ++pitch) {
    if (std::find(keptLeft.begin(), keptLeft.end(), pitch) == keptLeft.end()) {
      allowed[static_cast<size_t>(layout.id(TokenType::NoteOnset, pitch))] = 0;
    }
  }
}

}  // namespace midigpt
