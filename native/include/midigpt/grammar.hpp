// The token-sequence grammar used while sampling (reference spec §6.9 GrammarConstraint): a
// state machine over the last token type and a few counters that says which token types may
// come next.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "midigpt/attribute_spec.hpp"
#include "midigpt/constraints.hpp"
#include "midigpt/encoder_config.hpp"

namespace midigpt {

struct GrammarSettings {
  /// After TrackEnd, Track is allowed only while fewer tracks were seen; < 0: unlimited. The
  /// session uses the score's track count minus the ignored prompts.
  int32_t maxTracks = -1;
  /// BarEnd (and FillInEnd after TimeAbsolutePos/Delta) only once the bar or fill block has a
  /// note.
  bool requireNotes = true;
  /// Bars per track: Bar until that many were seen, then only TrackEnd; < 0: free. The session
  /// sets the window length for autoregressive steps.
  int32_t exactBars = -1;
  /// Autoregressive steps: FillInPlaceholder, FillInStart and FillInEnd are never allowed.
  bool autoregressive = false;
  /// Never allow Track / TrackEnd (reference flags; its session does not set them).
  bool maskTrackStart = false;
  bool maskTrackEnd = false;

  // Recommendations of spec §12, off by default because the reference does not apply them.

  /// §12.6: derive the header grammar from the model's attribute set instead of the reference's
  /// fixed lists. Piece header `PieceStart [UseVelocity] [UseMicrotiming] [Genre] [NumBars]`,
  /// track header `Track Instrument TrackAttr*` and bar header `Bar BarAttr* TimeSig`, each
  /// attribute at most once, in the encoder's order, and only the attributes the model
  /// computes for the current track's type. Without it, AR generation with prism/expressive
  /// cannot emit KeySignature, SilenceProportion, Nomml or the bar-level density/polyphony
  /// tokens, and TimeSig is unreachable after PitchClassSet.
  bool modelAttributeOrder = false;
  /// With modelAttributeOrder: PitchClassSet is a bar attribute, matching
  /// EncodeOptions::emitPitchClassSet (§12.1; the reference encoder never emits it).
  bool pitchClassSetBarAttribute = false;
  /// §12.7: bar length resolution·4·num/den ticks exactly; the reference uses
  /// resolution·(4·num div den), which forbids valid onsets in odd meters (every onset in 1/8
  /// and 1/16 bars).
  bool exactBarLength = false;
  /// A generated bar states its meter: between Bar and the bar's TimeSig only TimeSig and the
  /// bar attributes the reference's table allows there (Tension, PitchClassSet) may follow.
  /// The reference also allows the bar's notes and BarEnd right after Bar, and TimeSig is
  /// unreachable after PitchClassSet (§12.6); a bar without TimeSig decodes as 4/4, so a
  /// requested time signature (bar_controls) could be skipped altogether. (The model attribute
  /// order always ends a bar header with TimeSig.)
  bool requireBarTimeSig = false;
  /// Infill steps: after a FillInEnd only the next block's FillInStart may follow (the step
  /// ends with its last block). The reference also allows BarEnd and PieceEnd there, from which
  /// a model can wander into writing new bars and tracks until no token is legal (after the
  /// last track's TrackEnd in a vocabulary without PieceEnd): a dead end.
  bool fillBlocksOnly = false;
};

class GrammarConstraint final : public Constraint {
 public:
  explicit GrammarConstraint(const EncoderConfig& config, GrammarSettings settings = {});

  void reset() override;
  void advance(int32_t token) override;
  void restrict(std::span<uint8_t> allowed) const override;
  /// Infill: melodic fill blocks need NoteDuration after every NoteOnset, drum blocks none.
  void setFillDrum(bool drum) override { drum_ = drum; }

  const GrammarSettings& settings() const noexcept { return settings_; }
  /// Track tokens seen so far.
  int32_t trackCount() const noexcept { return trackCount_; }
  /// Bar tokens seen since the last Track token.
  int32_t barsInTrack() const noexcept { return barsInTrack_; }

 private:
  /// Token types as a bit set indexed by the TokenType enum value.
  struct TypeSet {
    uint64_t bits[2] = {0, 0};
    void add(TokenType type) noexcept;
    bool has(TokenType type) const noexcept;
  };
  /// An attribute slot of a header (model attribute order only).
  struct HeaderAttribute {
    TokenType type;
    TrackScope scope;
  };
  enum class Header { None, Piece, Track, Bar };

  /// The model's attributes of `level` in the encoder's `order`, restricted to the vocabulary.
  static std::vector<HeaderAttribute> headerSlots(const EncoderConfig& config,
                                                  std::span<const TokenType> order,
                                                  AttributeLevel level, bool withPitchClassSet);
  /// Types the reference's table allows after the last token; `all` is its fallback.
  TypeSet allowedTypes(bool& all) const;
  /// Bar or TrackEnd after the track header, honouring exactBars.
  void addTrackContinuation(TypeSet& types) const;
  /// Model attribute order: adds what may follow inside the current header (its attribute
  /// slots after the last one used, and the token that ends it); false when the reference's
  /// table applies instead.
  bool addOpenHeaderSlots(TypeSet& types) const;
  int32_t barTicks(int32_t timeSignature) const;
  /// Attribute slots of a header, null for Header::None.
  const std::vector<HeaderAttribute>* slotsOf(Header header) const;
  /// Model attribute order: which header the token leaves us in, and its slots used up.
  void followHeader(TokenType type);

  GrammarSettings settings_;
  int32_t resolution_;
  std::vector<TimeSignature> timeSignatures_;
  std::vector<HeaderAttribute> pieceHeader_;
  std::vector<HeaderAttribute> trackHeader_;
  std::vector<HeaderAttribute> barHeader_;

  TokenType state_ = TokenType::PieceStart;
  int32_t trackCount_ = 0;
  int32_t barsInTrack_ = 0;
  int32_t timestep_ = -1;
  int32_t barTicks_ = 0;
  bool drum_ = false;
  bool inBar_ = false;
  bool barHasTimeSig_ = false;
  bool inFill_ = false;
  bool blockHasNotes_ = false;
  Header header_ = Header::Piece;
  size_t headerSlotsUsed_ = 0;
};

}  // namespace midigpt
