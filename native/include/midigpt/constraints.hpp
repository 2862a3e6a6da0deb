// The constraint graph that restricts which token may come next while sampling (reference spec
// §6.9): a common interface, the set that combines constraints, and the small value/count
// constraints. The grammar lives in grammar.hpp.
//
// Masks hold one byte per vocabulary id, 1 = allowed. A constraint only ever clears entries, so
// the mask of a set is the intersection of its members' allowed sets; the reference ORs their
// "disallowed" sets, which is the same thing.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "midigpt/encoder_config.hpp"
#include "midigpt/token_type.hpp"

namespace midigpt {

/// One rule of the graph. It observes every token of the sequence (prompt and generated, in
/// order) and forbids some of the next tokens.
class Constraint {
 public:
  explicit Constraint(Vocabulary vocabulary);
  virtual ~Constraint() = default;

  /// Back to the state before the first token.
  virtual void reset() = 0;
  /// Observes the next token; throws InvalidTokens when it is outside the vocabulary.
  virtual void advance(int32_t token) = 0;
  /// Clears the entries of `allowed` this constraint forbids as the next token. Throws
  /// InvalidArgument when the mask does not have one entry per vocabulary id.
  virtual void restrict(std::span<uint8_t> allowed) const = 0;
  /// Soft preferences: multiplies the probabilities (after the softmax, before the filters) of
  /// the allowed tokens it weighs, never down to zero; the sampler renormalises. Returns
  /// whether it changed anything. None by default.
  virtual bool weigh(std::span<float> probabilities) const;
  /// Infill: whether the fill block being generated belongs to a drum track. The session sets
  /// it after the prompt and on every generated FillInStart; only the grammar uses it.
  virtual void setFillDrum(bool drum);

  /// This constraint's own allowed set, written over `mask`.
  void allowed(std::span<uint8_t> mask) const;
  const Vocabulary& vocabulary() const noexcept { return vocabulary_; }

 protected:
  /// (type, value) of a token; throws InvalidTokens outside the vocabulary.
  std::pair<TokenType, int32_t> decode(int32_t token) const { return vocabulary_.decode(token); }
  /// Throws InvalidArgument unless the mask has one entry per vocabulary id.
  void checkMask(std::span<const uint8_t> mask) const;
  /// Clears every id of `type` (nothing when the vocabulary lacks it).
  void forbidType(std::span<uint8_t> allowed, TokenType type) const;
  /// Clears every id of `type` except value `keep`.
  void forbidAllValuesBut(std::span<uint8_t> allowed, TokenType type, int32_t keep) const;

 private:
  Vocabulary vocabulary_;
};

/// A set of constraints over one vocabulary, stepped together.
class ConstraintSet {
 public:
  explicit ConstraintSet(int32_t vocabularySize);

  /// Adds a constraint and returns it. Throws InvalidArgument when it is null or its vocabulary
  /// has another size.
  template <class C>
  C& add(std::unique_ptr<C> constraint) {
    C& added = *constraint;
    addConstraint(std::move(constraint));
    return added;
  }

  void reset();
  /// Steps every constraint; the token is checked first, so a bad token (InvalidTokens) leaves
  /// every constraint unchanged.
  void advance(int32_t token);
  void advance(std::span<const int32_t> tokens);
  void setFillDrum(bool drum);
  /// The intersection of the members' allowed sets (everything when the set is empty), written
  /// over `mask`.
  void allowed(std::span<uint8_t> mask) const;
  /// Every member's soft weights, one after another; whether any changed a probability.
  bool weigh(std::span<float> probabilities) const;

  int32_t vocabularySize() const noexcept { return vocabularySize_; }
  size_t size() const noexcept { return constraints_.size(); }

 private:
  void addConstraint(std::unique_ptr<Constraint> constraint);

  int32_t vocabularySize_;
  std::vector<std::unique_ptr<Constraint>> constraints_;
};

/// Only value `value` of `type` may be emitted, wherever that type is allowed (spec §6.9). It
/// does not force the token to appear. Used for full-AR track attributes and the
/// `time_signature` control (type TimeSig, value = time-signature index). A type absent from
/// the vocabulary makes it a no-op, as in the reference; a value outside the domain throws
/// InvalidArgument (request validation rejects those).
class AttributeValueConstraint final : public Constraint {
 public:
  AttributeValueConstraint(Vocabulary vocabulary, TokenType type, int32_t value);

  void reset() override {}
  void advance(int32_t token) override;
  void restrict(std::span<uint8_t> allowed) const override;

 private:
  TokenType type_;
  int32_t value_;
};

/// The token type a full-AR track attribute of a request is pinned to (spec §6.9): note_density,
/// onset_polyphony (42), pitch_range (49), key_signature, note_duration_dist (26),
/// silence_proportion (53), pitch_class_set (51), min/max_note_duration, min/max_polyphony.
/// Empty for any other name; the reference maps no type for `nomml`, so that request is
/// silently ignored (§12.18).
std::optional<TokenType> constrainedAttributeType(std::string_view attributeName);

/// AttributeValueConstraint restricted to one bar: it counts Track tokens and the Bar tokens
/// since the last Track over prompt and generation, and applies only inside the `bar`-th bar
/// (0-based) of the `trackOrdinal`-th track (0-based) of the sequence. Used for full-AR
/// `bar_attributes` and `bar_controls` time signatures.
class BarAttributeValueConstraint final : public Constraint {
 public:
  BarAttributeValueConstraint(Vocabulary vocabulary, TokenType type, int32_t trackOrdinal,
                              int32_t bar, int32_t value);

  void reset() override;
  void advance(int32_t token) override;
  void restrict(std::span<uint8_t> allowed) const override;

 private:
  TokenType type_;
  int32_t trackOrdinal_;
  int32_t bar_;
  int32_t value_;
  int32_t tracksSeen_ = 0;
  int32_t barsInTrack_ = 0;
};

/// At most `limit` notes per bar (config `density_hard_limit`): the count restarts at Bar and
/// BarEnd and grows with every NoteOnset; at the limit NoteOnset, VelocityLevel,
/// TimeAbsolutePos, DeltaDirection and Delta are forbidden. As in the reference the count is
/// not restarted by FillInStart, so in infill it accumulates across fill blocks (§12.19) and a
/// later block can be left with no legal token at all (FillInStart allows only those types).
/// `restartAtFillStart` restarts it at every FillInStart instead (off: reference behaviour).
class DensityConstraint final : public Constraint {
 public:
  /// Throws InvalidArgument when limit < 1.
  DensityConstraint(Vocabulary vocabulary, int32_t limit, bool restartAtFillStart = false);

  void reset() override { notes_ = 0; }
  void advance(int32_t token) override;
  void restrict(std::span<uint8_t> allowed) const override;

 private:
  int32_t limit_;
  bool restartAtFillStart_;
  int32_t notes_ = 0;
};

/// At most `limit` notes per onset (config `polyphony_hard_limit`): the count restarts at Bar,
/// BarEnd and TimeAbsolutePos and grows with every NoteOnset; at the limit NoteOnset is
/// forbidden. The reference still allows VelocityLevel (and DeltaDirection/Delta) there, which
/// can only lead to another note at the same onset: after one the grammar allows nothing but
/// NoteOnset or Delta, a dead end in vocabularies without Delta (yellow, prism).
/// `forbidLeadInsAtLimit` forbids those lead-in tokens too (off: reference behaviour).
class PolyphonyConstraint final : public Constraint {
 public:
  /// Throws InvalidArgument when limit < 1.
  PolyphonyConstraint(Vocabulary vocabulary, int32_t limit, bool forbidLeadInsAtLimit = false);

  void reset() override { notes_ = 0; }
  void advance(int32_t token) override;
  void restrict(std::span<uint8_t> allowed) const override;

 private:
  int32_t limit_;
  bool forbidLeadInsAtLimit_;
  int32_t notes_ = 0;
};

}  // namespace midigpt
