// GrammarConstraint (reference spec §6.9), transition table transcribed from the spec, plus
// the §12.6/§12.7 recommendations behind GrammarSettings flags.

#include "midigpt/grammar.hpp"

#include <algorithm>
#include <array>

#include "midigpt/attribute_keys.hpp"

namespace midigpt {
namespace {

// The encoder's fixed emission order of piece-level tokens (spec §4.2), used by the model
// attribute order; the track and bar orders are in attribute_keys.hpp.
constexpr std::array<TokenType, 4> kPieceHeaderOrder = {
    TokenType::UseVelocity, TokenType::UseMicrotiming, TokenType::Genre, TokenType::NumBars};

// The reference's track-attribute list (spec §6.9): note that it lacks KeySignature,
// SilenceProportion and Nomml, and that 42 is the track-level OnsetPolyphony here.
constexpr std::array<TokenType, 7> kReferenceTrackAttributes = {
    TokenType::NoteDensity,
    TokenType::MinPolyphony,
    TokenType::MaxPolyphony,
    TokenType::MinNoteDuration,
    TokenType::MaxNoteDuration,
    TokenType::BarLevelOnsetPolyphonyMax,
    TokenType::TrackLevelPitchRangeMax};

constexpr int32_t kDefaultBeats = 4;

}  // namespace

void GrammarConstraint::TypeSet::add(TokenType type) noexcept {
  const auto index = static_cast<uint32_t>(type);
  bits[index / 64] |= uint64_t{1} << (index % 64);
}

bool GrammarConstraint::TypeSet::has(TokenType type) const noexcept {
  const auto index = static_cast<uint32_t>(type);
  return (bits[index / 64] >> (index % 64)) & 1U;
}

GrammarConstraint::GrammarConstraint(const EncoderConfig& config, GrammarSettings settings)
    : Constraint(config.vocabulary),
      settings_(settings),
      resolution_(config.resolution),
      timeSignatures_(config.timeSignatures) {
  if (settings_.modelAttributeOrder) {
    for (TokenType type : kPieceHeaderOrder) {
      if (config.vocabulary.has(type)) pieceHeader_.push_back({type, TrackScope::Both});
    }
    trackHeader_ = headerSlots(config, kTrackAttributeOrder, AttributeLevel::Track, false);
    barHeader_ = headerSlots(config, kBarAttributeOrder, AttributeLevel::Bar,
                             settings_.pitchClassSetBarAttribute);
  }
  reset();
}

void GrammarConstraint::reset() {
  state_ = TokenType::PieceStart;
  trackCount_ = 0;
  barsInTrack_ = 0;
  timestep_ = -1;
  barTicks_ = kDefaultBeats * resolution_;
  drum_ = false;
  inBar_ = false;
  barHasTimeSig_ = false;
  inFill_ = false;
  blockHasNotes_ = false;
  header_ = Header::Piece;
  headerSlotsUsed_ = 0;
}

std::vector<GrammarConstraint::HeaderAttribute> GrammarConstraint::headerSlots(
    const EncoderConfig& config, std::span<const TokenType> order, AttributeLevel level,
    bool withPitchClassSet) {
  std::vector<HeaderAttribute> slots;
  for (TokenType type : order) {
    if (!config.vocabulary.has(type)) continue;
    if (type == TokenType::BarLevelPitchClassSet && !withPitchClassSet) continue;
    const auto spec = std::find_if(
        config.attributes.begin(), config.attributes.end(),
        [&](const AttributeSpec& a) { return a.tokenType == type && a.level == level; });
    if (spec != config.attributes.end()) slots.push_back({type, spec->scope});
  }
  return slots;
}

int32_t GrammarConstraint::barTicks(int32_t timeSignature) const {
  const TimeSignature& ts = timeSignatures_[static_cast<size_t>(timeSignature)];
  if (settings_.exactBarLength) return resolution_ * 4 * ts.numerator / ts.denominator;
  return 4 * ts.numerator / ts.denominator * resolution_;
}

void GrammarConstraint::advance(int32_t token) {
  const auto [type, value] = decode(token);
  state_ = type;
  switch (type) {
    case TokenType::Track:
      ++trackCount_;
      drum_ = value == 1;
      barsInTrack_ = 0;
      break;
    case TokenType::Bar:
      ++barsInTrack_;
      inBar_ = true;
      barHasTimeSig_ = false;
      timestep_ = -1;
      barTicks_ = kDefaultBeats * resolution_;
      blockHasNotes_ = false;
      break;
    case TokenType::TimeSig:
      barHasTimeSig_ = true;
      // An index the config does not list keeps the previous length (the vocabulary has one
      // TimeSig id per listed signature in every released config).
      if (value < static_cast<int32_t>(timeSignatures_.size())) barTicks_ = barTicks(value);
      break;
    case TokenType::BarEnd:
      inBar_ = false;
      break;
    case TokenType::TimeAbsolutePos:
      timestep_ = value;
      break;
    case TokenType::FillInStart:
      inFill_ = true;
      blockHasNotes_ = false;
      timestep_ = -1;
      break;
    case TokenType::FillInEnd:
      inFill_ = false;
      break;
    case TokenType::NoteOnset:
      blockHasNotes_ = true;
      break;
    default:
      break;
  }

  if (settings_.modelAttributeOrder) followHeader(type);
}

const std::vector<GrammarConstraint::HeaderAttribute>* GrammarConstraint::slotsOf(
    Header header) const {
  switch (header) {
    case Header::Piece:
      return &pieceHeader_;
    case Header::Track:
      return &trackHeader_;
    case Header::Bar:
      return &barHeader_;
    case Header::None:
      break;
  }
  return nullptr;
}

void GrammarConstraint::followHeader(TokenType type) {
  if (type == TokenType::PieceStart || type == TokenType::Track || type == TokenType::Bar) {
    header_ = type == TokenType::PieceStart ? Header::Piece
              : type == TokenType::Track    ? Header::Track
                                            : Header::Bar;
    headerSlotsUsed_ = 0;
    return;
  }
  if (type == TokenType::Instrument && header_ == Header::Track) return;
  if (const auto* slots = slotsOf(header_)) {
    const auto slot = std::find_if(slots->begin(), slots->end(),
                                   [type](const HeaderAttribute& a) { return a.type == type; });
    if (slot != slots->end()) {
      headerSlotsUsed_ = static_cast<size_t>(slot - slots->begin()) + 1;
      return;
    }
  }
  // Anything else ends the header (TimeSig ends a bar's).
  header_ = Header::None;
}

void GrammarConstraint::addTrackContinuation(TypeSet& types) const {
  if (settings_.exactBars < 0) {
    types.add(TokenType::Bar);
    types.add(TokenType::TrackEnd);
  } else if (barsInTrack_ < settings_.exactBars) {
    types.add(TokenType::Bar);
  } else {
    types.add(TokenType::TrackEnd);
  }
}

bool GrammarConstraint::addOpenHeaderSlots(TypeSet& types) const {
  switch (header_) {
    case Header::Piece:
      types.add(TokenType::Track);
      break;
    case Header::Track:
      // Right after Track only Instrument may follow (the reference's own rule applies).
      if (state_ == TokenType::Track) return false;
      addTrackContinuation(types);
      break;
    case Header::Bar:
      types.add(TokenType::TimeSig);
      break;
    case Header::None:
      return false;
  }
  const std::vector<HeaderAttribute>& slots = *slotsOf(header_);
  for (size_t index = headerSlotsUsed_; index < slots.size(); ++index) {
    const HeaderAttribute& slot = slots[index];
    if (slot.scope == TrackScope::Both || (slot.scope == TrackScope::Drum) == drum_) {
      types.add(slot.type);
    }
  }
  return true;
}

GrammarConstraint::TypeSet GrammarConstraint::allowedTypes(bool& all) const {
  all = false;
  TypeSet types;
  if (settings_.modelAttributeOrder && addOpenHeaderSlots(types)) return types;

  const bool endAllowed = !settings_.requireNotes || blockHasNotes_;
  // Tokens that may start a note (or a note group) inside a bar or fill block.
  const auto addNoteStart = [&types] {
    types.add(TokenType::VelocityLevel);
    types.add(TokenType::NoteOnset);
    types.add(TokenType::DeltaDirection);
    types.add(TokenType::Delta);
  };
  const auto addBlockEnd = [&] { types.add(inFill_ ? TokenType::FillInEnd : TokenType::BarEnd); };

  switch (state_) {
    case TokenType::PieceStart:
      types.add(TokenType::NumBars);
      types.add(TokenType::Track);
      break;
    case TokenType::NumBars:
      types.add(TokenType::Track);
      break;
    case TokenType::Track:
      types.add(TokenType::Instrument);
      addTrackContinuation(types);
      break;
    case TokenType::Instrument:
    case TokenType::NoteDensity:
    case TokenType::MinPolyphony:
    case TokenType::MaxPolyphony:
    case TokenType::MinNoteDuration:
    case TokenType::MaxNoteDuration:
    case TokenType::BarLevelOnsetPolyphonyMax:
    case TokenType::TrackLevelPitchRangeMax:
      for (TokenType type : kReferenceTrackAttributes) types.add(type);
      addTrackContinuation(types);
      break;
    case TokenType::Bar:
    case TokenType::TimeSig:
    case TokenType::Tension:
    case TokenType::BarLevelPitchClassSet:
      if (settings_.requireBarTimeSig && inBar_ && !barHasTimeSig_) {
        // The bar header: Bar [Tension] [PitchClassSet] TimeSig, each attribute at most once.
        types.add(TokenType::TimeSig);
        if (state_ == TokenType::Bar) types.add(TokenType::Tension);
        if (state_ != TokenType::BarLevelPitchClassSet) {
          types.add(TokenType::BarLevelPitchClassSet);
        }
        break;
      }
      // After Bar: the bar's TimeSig; after Bar or TimeSig: the placeholder of an infill
      // target. The model attribute order puts Tension/PitchClassSet before TimeSig instead.
      if (state_ == TokenType::Bar) types.add(TokenType::TimeSig);
      if (state_ == TokenType::Bar || state_ == TokenType::TimeSig) {
        types.add(TokenType::FillInPlaceholder);
      }
      if (!settings_.modelAttributeOrder || state_ != TokenType::TimeSig) {
        types.add(TokenType::Tension);
        types.add(TokenType::BarLevelPitchClassSet);
      }
      types.add(TokenType::MaskBar);
      types.add(TokenType::TimeAbsolutePos);
      // Onset 0 has no TimeAbsolutePos, so notes may start right away.
      addNoteStart();
      if (endAllowed) types.add(TokenType::BarEnd);
      break;
    case TokenType::MaskBar:
    case TokenType::FillInPlaceholder:
      types.add(TokenType::BarEnd);
      break;
    case TokenType::BarEnd:
      // TokenType::None is PieceEnd, which no released vocabulary has.
      types.add(TokenType::FillInStart);
      if (settings_.exactBars < 0) {
        types.add(TokenType::TrackEnd);
        types.add(TokenType::None);
        types.add(TokenType::Bar);
      } else if (barsInTrack_ < settings_.exactBars) {
        types.add(TokenType::Bar);
      } else {
        types.add(TokenType::TrackEnd);
        types.add(TokenType::None);
      }
      break;
    case TokenType::TimeAbsolutePos:
      addNoteStart();
      if (endAllowed) addBlockEnd();
      break;
    case TokenType::VelocityLevel:
      types.add(TokenType::NoteOnset);
      types.add(TokenType::Delta);
      break;
    case TokenType::DeltaDirection:
      types.add(TokenType::Delta);
      break;
    case TokenType::Delta:
      types.add(TokenType::Delta);
      types.add(TokenType::DeltaDirection);
      types.add(TokenType::NoteOnset);
      // Only a fill block may end here; a bar may not (the reference's table).
      if (inFill_ && endAllowed) types.add(TokenType::FillInEnd);
      break;
    case TokenType::NoteOnset:
      if (!drum_) {
        types.add(TokenType::NoteDuration);
        break;
      }
      [[fallthrough]];  // drum notes have no duration: same as after a melodic duration
    case TokenType::NoteDuration:
      addNoteStart();
      types.add(TokenType::TimeAbsolutePos);
      addBlockEnd();
      break;
    case TokenType::TrackEnd:
      types.add(TokenType::None);
      if (settings_.maxTracks < 0 || trackCount_ < settings_.maxTracks) {
        types.add(TokenType::Track);
      }
      break;
    case TokenType::FillInStart:
      types.add(TokenType::TimeAbsolutePos);
      addNoteStart();
      break;
    case TokenType::FillInEnd:
      if (settings_.fillBlocksOnly) {
        types.add(TokenType::FillInStart);
        break;
      }
      types.add(TokenType::BarEnd);
      types.add(TokenType::FillInStart);
      types.add(TokenType::None);
      break;
    default:
      // Genre, UseVelocity, KeySignature, SilenceProportion, Nomml, BarLevel* ...: the
      // reference has no rule and allows every token.
      all = true;
      break;
  }
  return types;
}

void GrammarConstraint::restrict(std::span<uint8_t> allowed) const {
  checkMask(allowed);
  bool all = false;
  const TypeSet types = allowedTypes(all);
  if (!all) {
    for (const TokenDomain& domain : vocabulary().domains()) {
      if (types.has(domain.type)) continue;
      const auto begin = allowed.begin() + domain.offset;
      std::fill(begin, begin + domain.size, uint8_t{0});
    }
  }

  // Onsets strictly increase within a bar and stay inside it. Not applied in fill blocks
  // (in_bar is false there), as in the reference.
  const Vocabulary& vocab = vocabulary();
  if (inBar_ && vocab.has(TokenType::TimeAbsolutePos)) {
    const int32_t offset = vocab.id(TokenType::TimeAbsolutePos, 0);
    const int32_t size = vocab.domainSize(TokenType::TimeAbsolutePos);
    for (int32_t position = 0; position < size; ++position) {
      if (position <= timestep_ || position >= barTicks_) {
        allowed[static_cast<size_t>(offset + position)] = 0;
      }
    }
  }
  if (settings_.autoregressive) {
    forbidType(allowed, TokenType::FillInPlaceholder);
    forbidType(allowed, TokenType::FillInStart);
    forbidType(allowed, TokenType::FillInEnd);
  }
  if (settings_.maskTrackStart) forbidType(allowed, TokenType::Track);
  if (settings_.maskTrackEnd) forbidType(allowed, TokenType::TrackEnd);
}

}  // namespace midigpt
