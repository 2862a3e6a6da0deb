// Constraint interface, ConstraintSet and the value/count constraints (reference spec §6.9).

#include "midigpt/constraints.hpp"

#include <algorithm>
#include <string>

#include "midigpt/error.hpp"

namespace midigpt {
namespace {

[[noreturn]] void invalidArgument(const std::string& message) {
  throw Error(ErrorCode::InvalidArgument, message);
}

int32_t checkedLimit(int32_t limit, const char* what) {
  if (limit < 1) {
    invalidArgument(std::string(what) + " must be at least 1, got " + std::to_string(limit));
  }
  return limit;
}

}  // namespace

// --- Constraint --------------------------------------------------------------------------------

Constraint::Constraint(Vocabulary vocabulary) : vocabulary_(std::move(vocabulary)) {}

void Constraint::setFillDrum(bool /*drum*/) {}

bool Constraint::weigh(std::span<float> /*probabilities*/) const { return false; }

void Constraint::allowed(std::span<uint8_t> mask) const {
  checkMask(mask);
  std::fill(mask.begin(), mask.end(), uint8_t{1});
  restrict(mask);
}

void Constraint::checkMask(std::span<const uint8_t> mask) const {
  if (mask.size() != static_cast<size_t>(vocabulary_.size())) {
    invalidArgument("the token mask has " + std::to_string(mask.size()) +
                    " entries but the vocabulary has " + std::to_string(vocabulary_.size()));
  }
}

void Constraint::forbidType(std::span<uint8_t> allowed, TokenType type) const {
  const int32_t size = vocabulary_.domainSize(type);
  if (size == 0) return;
  const auto begin = allowed.begin() + vocabulary_.id(type, 0);
  std::fill(begin, begin + size, uint8_t{0});
}

void Constraint::forbidAllValuesBut(std::span<uint8_t> allowed, TokenType type,
                                    int32_t keep) const {
  const int32_t size = vocabulary_.domainSize(type);
  if (size == 0) return;
  const int32_t offset = vocabulary_.id(type, 0);
  for (int32_t value = 0; value < size; ++value) {
    if (value != keep) allowed[static_cast<size_t>(offset + value)] = 0;
  }
}

// --- ConstraintSet -----------------------------------------------------------------------------

ConstraintSet::ConstraintSet(int32_t vocabularySize) : vocabularySize_(vocabularySize) {
  if (vocabularySize < 1) {
    invalidArgument("a constraint set needs a vocabulary, got size " +
                    std::to_string(vocabularySize));
  }
}

void ConstraintSet::addConstraint(std::unique_ptr<Constraint> constraint) {
  if (!constraint) invalidArgument("cannot add a null constraint");
  if (constraint->vocabulary().size() != vocabularySize_) {
    invalidArgument("constraint vocabulary size " +
                    std::to_string(constraint->vocabulary().size()) +
                    " differs from the set's " + std::to_string(vocabularySize_));
  }
  constraints_.push_back(std::move(constraint));
}

void ConstraintSet::reset() {
  for (auto& constraint : constraints_) constraint->reset();
}

void ConstraintSet::advance(int32_t token) {
  // Checked here once so that no member has stepped when a later one would throw.
  if (token < 0 || token >= vocabularySize_) {
    throw Error(ErrorCode::InvalidTokens, "token " + std::to_string(token) +
                                              " is outside the vocabulary (size " +
                                              std::to_string(vocabularySize_) + ")");
  }
  for (auto& constraint : constraints_) constraint->advance(token);
}

void ConstraintSet::advance(std::span<const int32_t> tokens) {
  for (int32_t token : tokens) advance(token);
}

void ConstraintSet::setFillDrum(bool drum) {
  for (auto& constraint : constraints_) constraint->setFillDrum(drum);
}

void ConstraintSet::allowed(std::span<uint8_t> mask) const {
  if (mask.size() != static_cast<size_t>(vocabularySize_)) {
    invalidArgument("the token mask has " + std::to_string(mask.size()) +
                    " entries but the vocabulary has " + std::to_string(vocabularySize_));
  }
  std::fill(mask.begin(), mask.end(), uint8_t{1});
  for (const auto& constraint : constraints_) constraint->restrict(mask);
}

bool ConstraintSet::weigh(std::span<float> probabilities) const {
  bool changed = false;
  for (const auto& constraint : constraints_) {
    changed = constraint->weigh(probabilities) || changed;
  }
  return changed;
}

// --- AttributeValueConstraint ------------------------------------------------------------------

AttributeValueConstraint::AttributeValueConstraint(Vocabulary vocabulary, TokenType type,
                                                   int32_t value)
    : Constraint(std::move(vocabulary)), type_(type), value_(value) {
  const int32_t size = this->vocabulary().domainSize(type);
  if (size > 0 && (value < 0 || value >= size)) {
    invalidArgument(std::string(tokenTypeName(type)) + " value " + std::to_string(value) +
                    " is outside 0.." + std::to_string(size - 1));
  }
}

void AttributeValueConstraint::advance(int32_t token) { decode(token); }

void AttributeValueConstraint::restrict(std::span<uint8_t> allowed) const {
  checkMask(allowed);
  forbidAllValuesBut(allowed, type_, value_);
}

std::optional<TokenType> constrainedAttributeType(std::string_view attributeName) {
  static constexpr std::pair<std::string_view, TokenType> kTypes[] = {
      {"note_density", TokenType::NoteDensity},
      {"onset_polyphony", TokenType::BarLevelOnsetPolyphonyMax},
      {"pitch_range", TokenType::TrackLevelPitchRangeMax},
      {"key_signature", TokenType::KeySignature},
      {"note_duration_dist", TokenType::NoteDuration},
      {"silence_proportion", TokenType::TrackLevelSilenceProportionMax},
      {"pitch_class_set", TokenType::BarLevelPitchClassSet},
      {"min_note_duration", TokenType::MinNoteDuration},
      {"max_note_duration", TokenType::MaxNoteDuration},
      {"min_polyphony", TokenType::MinPolyphony},
      {"max_polyphony", TokenType::MaxPolyphony},
  };
  for (const auto& [name, type] : kTypes) {
    if (name == attributeName) return type;
  }
  return std::nullopt;
}

// --- BarAttributeValueConstraint ---------------------------------------------------------------

BarAttributeValueConstraint::BarAttributeValueConstraint(Vocabulary vocabulary, TokenType type,
                                                         int32_t trackOrdinal, int32_t bar,
                                                         int32_t value)
    : Constraint(std::move(vocabulary)),
      type_(type),
      trackOrdinal_(trackOrdinal),
      bar_(bar),
      value_(value) {
  const int32_t size = this->vocabulary().domainSize(type);
  if (size > 0 && (value < 0 || value >= size)) {
    invalidArgument(std::string(tokenTypeName(type)) + " value " + std::to_string(value) +
                    " is outside 0.." + std::to_string(size - 1));
  }
  if (trackOrdinal < 0 || bar < 0) {
    invalidArgument("bar attribute constraint needs a track ordinal and bar >= 0, got " +
                    std::to_string(trackOrdinal) + ", " + std::to_string(bar));
  }
}

void BarAttributeValueConstraint::reset() {
  tracksSeen_ = 0;
  barsInTrack_ = 0;
}

void BarAttributeValueConstraint::advance(int32_t token) {
  const TokenType type = decode(token).first;
  if (type == TokenType::Track) {
    ++tracksSeen_;
    barsInTrack_ = 0;
  } else if (type == TokenType::Bar) {
    ++barsInTrack_;
  }
}

void BarAttributeValueConstraint::restrict(std::span<uint8_t> allowed) const {
  checkMask(allowed);
  // Inside the N-th Track the count is N, inside its M-th Bar the bar count is M (1-based).
  if (tracksSeen_ - 1 != trackOrdinal_ || barsInTrack_ - 1 != bar_) return;
  forbidAllValuesBut(allowed, type_, value_);
}

// --- DensityConstraint -------------------------------------------------------------------------

DensityConstraint::DensityConstraint(Vocabulary vocabulary, int32_t limit,
                                     bool restartAtFillStart)
    : Constraint(std::move(vocabulary)),
      limit_(checkedLimit(limit, "density_hard_limit")),
      restartAtFillStart_(restartAtFillStart) {}

void DensityConstraint::advance(int32_t token) {
  const TokenType type = decode(token).first;
  if (type == TokenType::Bar || type == TokenType::BarEnd ||
      (restartAtFillStart_ && type == TokenType::FillInStart)) {
    notes_ = 0;
  } else if (type == TokenType::NoteOnset) {
    ++notes_;
  }
}

void DensityConstraint::restrict(std::span<uint8_t> allowed) const {
  checkMask(allowed);
  if (notes_ < limit_) return;
  for (TokenType type : {TokenType::NoteOnset, TokenType::VelocityLevel,
                         TokenType::TimeAbsolutePos, TokenType::DeltaDirection,
                         TokenType::Delta}) {
    forbidType(allowed, type);
  }
}

// --- PolyphonyConstraint -----------------------------------------------------------------------

PolyphonyConstraint::PolyphonyConstraint(Vocabulary vocabulary, int32_t limit,
                                         bool forbidLeadInsAtLimit)
    : Constraint(std::move(vocabulary)),
      limit_(checkedLimit(limit, "polyphony_hard_limit")),
      forbidLeadInsAtLimit_(forbidLeadInsAtLimit) {}

void PolyphonyConstraint::advance(int32_t token) {
  const TokenType type = decode(token).first;
  if (type == TokenType::Bar || type == TokenType::BarEnd ||
      type == TokenType::TimeAbsolutePos) {
    notes_ = 0;
  } else if (type == TokenType::NoteOnset) {
    ++notes_;
  }
}

void PolyphonyConstraint::restrict(std::span<uint8_t> allowed) const {
  checkMask(allowed);
  if (notes_ < limit_) return;
  forbidType(allowed, TokenType::NoteOnset);
  if (forbidLeadInsAtLimit_) {
    // Within an onset these only ever precede a NoteOnset; a new onset starts with
    // TimeAbsolutePos, which restarts the count.
    for (TokenType type : {TokenType::VelocityLevel, TokenType::DeltaDirection, TokenType::Delta}) {
      forbidType(allowed, type);
    }
  }
}

}  // namespace midigpt
