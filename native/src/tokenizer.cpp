// Score <-> tokens (reference spec §1.2 resampling, §4 encoding and decoding).

#include "midigpt/tokenizer.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "midigpt/attribute_analyzer.hpp"
#include "midigpt/attribute_keys.hpp"
#include "midigpt/error.hpp"
#include "midigpt/rounding.hpp"

namespace midigpt {
namespace {

// The encoder's default NumBars when the score has no bars (the reference's model_dim).
constexpr int32_t kDefaultWindowBars = 4;
// The velocity the decoder gives notes before any VelocityLevel token of their track.
constexpr int32_t kDefaultVelocity = 100;
constexpr int32_t kMaxMidiValue = 127;

/// Offsets and sizes of every token type, resolved once per call so the per-note path indexes
/// arrays instead of searching the vocabulary's map. A type with an empty domain counts as
/// absent: there is no id to emit for it.
class Layout {
 public:
  explicit Layout(const Vocabulary& vocabulary) {
    offset_.fill(0);
    size_.fill(0);
    for (const TokenDomain& domain : vocabulary.domains()) {
      const auto slot = static_cast<size_t>(domain.type);
      offset_[slot] = domain.offset;
      size_[slot] = domain.size;
    }
  }
  bool has(TokenType type) const noexcept { return size(type) > 0; }
  int32_t size(TokenType type) const noexcept { return size_[static_cast<size_t>(type)]; }
  int32_t offset(TokenType type) const noexcept { return offset_[static_cast<size_t>(type)]; }
  /// Id of (type, value) with the value clamped into the domain; the type must be present.
  int32_t clampedId(TokenType type, int32_t value) const noexcept {
    const auto slot = static_cast<size_t>(type);
    return offset_[slot] + std::clamp(value, 0, size_[slot] - 1);
  }

 private:
  static constexpr size_t kSlots = static_cast<size_t>(TokenType::TrackLevelNomml) + 1;
  std::array<int32_t, kSlots> offset_{};
  std::array<int32_t, kSlots> size_{};
};

int32_t quantizeVelocityLevel(int32_t velocity, int32_t levels) noexcept {
  if (levels < 2 || velocity <= 0) return 0;
  if (velocity >= kMaxMidiValue) return levels - 1;
  return std::min(1 + velocity * (levels - 1) / 128, levels - 1);
}

/// Velocity of a level: the second MIDI velocity of its bin (the legacy table). A bin with a
/// single member decodes to 0 like the reference, or to that member when `identityForSingleton`.
int32_t dequantizeVelocityLevel(int32_t level, int32_t levels, bool identityForSingleton) {
  int32_t first = -1;
  for (int32_t velocity = 1; velocity <= kMaxMidiValue; ++velocity) {
    if (quantizeVelocityLevel(velocity, levels) != level) continue;
    if (first >= 0) return velocity;
    first = velocity;
  }
  return first >= 0 && identityForSingleton ? first : 0;
}

/// The reference's resample_delta (spec §1.2): truncating rescale of onsets and durations;
/// with `useDelta` the microtiming residual is folded into the onset and a new residual taken.
Score resampleDelta(const Score& score, int32_t target, bool useDelta) {
  if (score.resolution <= 0) {
    throw Error(ErrorCode::InvalidScore,
                "score resolution " + std::to_string(score.resolution) + " is not positive");
  }
  Score out = score;
  const int32_t source = score.resolution;
  bool hasDelta = false;
  for (const Track& track : score.tracks) {
    for (const Bar& bar : track.bars) {
      for (const Note& note : bar.notes) hasDelta = hasDelta || note.delta != 0;
    }
  }
  if (source == target && !hasDelta) return out;

  out.resolution = target;
  const double scale = static_cast<double>(target) / source;
  const auto rescale = [&](int32_t ticks) {
    return static_cast<double>(int64_t{target} * ticks) / source;
  };
  for (Track& track : out.tracks) {
    for (Bar& bar : track.bars) {
      for (Note& note : bar.notes) {
        if (useDelta) {
          const double position = (note.onset + note.delta / static_cast<double>(source)) * scale;
          note.onset = static_cast<int32_t>(std::max<int64_t>(0, truncate(position)));
          note.delta = static_cast<int32_t>(roundHalfEven((position - note.onset) * target));
        } else {
          note.onset = static_cast<int32_t>(std::max<int64_t>(0, truncate(rescale(note.onset))));
          note.delta = 0;
        }
        note.duration =
            static_cast<int32_t>(std::max<int64_t>(1, truncate(rescale(note.duration))));
      }
    }
  }
  return out;
}

std::string joined(const std::vector<int32_t>& values) {
  std::string text;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(values[i]);
  }
  return text;
}

/// One encode call: the token sequence of spec §4.2-4.6.
class SequenceEncoder {
 public:
  SequenceEncoder(const EncoderConfig& config, const EncodeOptions& options)
      : config_(config), options_(options), layout_(config.vocabulary) {
    useVelocity_ = options.useVelocity != 0;
    useMicrotiming_ = options.useMicrotiming != 0;
    velocityLevels_ = layout_.size(TokenType::VelocityLevel);
    // Multi-fill targets form a set in the reference: ascending, without repeats.
    targets_ = options.infillTargets;
    std::sort(targets_.begin(), targets_.end());
    targets_.erase(std::unique(targets_.begin(), targets_.end()), targets_.end());
  }

  std::vector<int32_t> encode(const Score& score) {
    const bool infill = !targets_.empty();
    if (infill && !config_.supportsInfill) {
      throw Error(ErrorCode::InvalidArgument,
                  "infill targets were given but the encoder does not support infill");
    }
    tokens_.reserve(estimateLength(score));

    if (layout_.has(TokenType::PieceStart)) {
      emit(TokenType::PieceStart, infill ? 1 : 0);
    }
    if (layout_.has(TokenType::UseVelocity)) emit(TokenType::UseVelocity, useVelocity_ ? 1 : 0);
    if (layout_.has(TokenType::UseMicrotiming)) {
      emit(TokenType::UseMicrotiming, useMicrotiming_ ? 1 : 0);
    }
    if (options_.genre >= 0 && layout_.has(TokenType::Genre)) {
      emit(TokenType::Genre, options_.genre);
    }
    if (layout_.has(TokenType::NumBars)) emit(TokenType::NumBars, numBarsValue(score));

    for (size_t trackIndex = 0; trackIndex < score.tracks.size(); ++trackIndex) {
      encodeTrack(score.tracks[trackIndex], static_cast<int32_t>(trackIndex));
    }

    for (const auto& [trackIndex, barIndex] : targets_) {
      if (trackIndex < 0 || static_cast<size_t>(trackIndex) >= score.tracks.size()) continue;
      const Track& track = score.tracks[static_cast<size_t>(trackIndex)];
      if (barIndex < 0 || static_cast<size_t>(barIndex) >= track.bars.size()) continue;
      if (layout_.has(TokenType::FillInStart)) emit(TokenType::FillInStart, 0);
      encodeNotes(track.bars[static_cast<size_t>(barIndex)], track.type == TrackType::Drum);
      if (layout_.has(TokenType::FillInEnd)) emit(TokenType::FillInEnd, 0);
    }

    if (layout_.has(TokenType::None)) emit(TokenType::None, 0);  // PieceEnd
    return std::move(tokens_);
  }

 private:
  void emit(TokenType type, int32_t value) { tokens_.push_back(layout_.clampedId(type, value)); }

  static size_t estimateLength(const Score& score) {
    size_t length = 8;
    for (const Track& track : score.tracks) {
      length += 16;
      for (const Bar& bar : track.bars) length += 8 + 4 * bar.notes.size();
    }
    return length;
  }

  int32_t numBarsValue(const Score& score) const {
    size_t longestTrack = 0;
    for (const Track& track : score.tracks) {
      longestTrack = std::max(longestTrack, track.bars.size());
    }
    int32_t bars = options_.windowBars;
    if (bars <= 0) {
      bars = longestTrack > 0 ? static_cast<int32_t>(longestTrack) : kDefaultWindowBars;
    }
    if (config_.numBarsMap.empty()) return bars;
    const auto found = std::find(config_.numBarsMap.begin(), config_.numBarsMap.end(), bars);
    if (found == config_.numBarsMap.end()) {
      throw Error(ErrorCode::InvalidArgument, "window_bars=" + std::to_string(bars) +
                                                  " not in num_bars_map [" +
                                                  joined(config_.numBarsMap) + "]");
    }
    return static_cast<int32_t>(found - config_.numBarsMap.begin());
  }

  bool isTarget(int32_t trackIndex, int32_t barIndex) const {
    return !targets_.empty() &&
           std::binary_search(targets_.begin(), targets_.end(),
                              std::pair<int32_t, int32_t>(trackIndex, barIndex));
  }

  void encodeTrack(const Track& track, int32_t trackIndex) {
    const bool drum = track.type == TrackType::Drum;
    if (layout_.has(TokenType::Track)) emit(TokenType::Track, drum ? 1 : 0);
    if (layout_.has(TokenType::Instrument)) {
      emit(TokenType::Instrument, config_.instrumentGroup(track.instrument));
    }
    if (!track.attributes.empty()) {
      for (TokenType type : kTrackAttributeOrder) {
        if (!layout_.has(type)) continue;
        const auto found = track.attributes.find(type);
        if (found != track.attributes.end()) emit(type, found->second);
      }
    }
    for (size_t barIndex = 0; barIndex < track.bars.size(); ++barIndex) {
      encodeBar(track.bars[barIndex], drum, trackIndex, static_cast<int32_t>(barIndex));
    }
    if (layout_.has(TokenType::TrackEnd)) emit(TokenType::TrackEnd, 0);
  }

  void encodeBar(const Bar& bar, bool drum, int32_t trackIndex, int32_t barIndex) {
    if (bar.future && options_.removeFutureBars) return;
    if (layout_.has(TokenType::Bar)) emit(TokenType::Bar, 0);
    if (!bar.attributes.empty()) {
      for (TokenType type : kBarAttributeOrder) {
        if (type == TokenType::BarLevelPitchClassSet && !options_.emitPitchClassSet) continue;
        if (!layout_.has(type)) continue;
        const auto found = bar.attributes.find(type);
        if (found != bar.attributes.end()) emit(type, found->second);
      }
    }
    if (layout_.has(TokenType::TimeSig)) {
      emit(TokenType::TimeSig, timeSignatureValue(bar, trackIndex, barIndex));
    }

    const bool target = isTarget(trackIndex, barIndex);
    if (target) {
      if (layout_.has(TokenType::FillInPlaceholder)) emit(TokenType::FillInPlaceholder, 0);
    } else if (bar.future && options_.spanMaskFutureBars) {
      // An empty shell: the caller hides it from attention.
    } else if (bar.future && layout_.has(TokenType::MaskBar)) {
      emit(TokenType::MaskBar, 0);
    } else {
      encodeNotes(bar, drum);
    }
    if (layout_.has(TokenType::BarEnd)) emit(TokenType::BarEnd, 0);
  }

  int32_t timeSignatureValue(const Bar& bar, int32_t trackIndex, int32_t barIndex) {
    // Without a list the reference emits value 0 for every bar.
    if (config_.timeSignatures.empty()) return 0;
    if (bar.tsNumerator == cachedNumerator_ && bar.tsDenominator == cachedDenominator_) {
      return cachedTimeSignature_;
    }
    const std::optional<int32_t> index =
        config_.timeSignatureIndex(bar.tsNumerator, bar.tsDenominator);
    if (!index) {
      throw Error(ErrorCode::InvalidScore,
                  "time signature " + std::to_string(bar.tsNumerator) + "/" +
                      std::to_string(bar.tsDenominator) + " of bar " + std::to_string(barIndex) +
                      " is not in the encoder's list of " +
                      std::to_string(config_.timeSignatures.size()) + " time signatures (track " +
                      std::to_string(trackIndex) + ")");
    }
    cachedNumerator_ = bar.tsNumerator;
    cachedDenominator_ = bar.tsDenominator;
    cachedTimeSignature_ = *index;
    return *index;
  }

  /// Fills order_ with the bar's note indices grouped by onset, groups in order of first
  /// appearance, each group sorted by pitch with std::sort over the notes in stored order (the
  /// reference's unstable sort, so equal pitches end up in the same order); groupEnds_ holds
  /// the end of every group in order_.
  void groupNotes(const std::vector<Note>& notes) {
    const size_t count = notes.size();
    order_.resize(count);
    groupEnds_.clear();
    const bool onsetsSorted =
        std::is_sorted(notes.begin(), notes.end(),
                       [](const Note& a, const Note& b) { return a.onset < b.onset; });
    if (onsetsSorted) {
      for (size_t i = 0; i < count; ++i) {
        order_[i] = static_cast<uint32_t>(i);
        if (i > 0 && notes[i].onset != notes[i - 1].onset) groupEnds_.push_back(i);
      }
    } else {
      // Rank each note's onset by first appearance, then bucket stably by rank.
      distinctOnsets_.clear();
      rankOfNote_.resize(count);
      for (size_t i = 0; i < count; ++i) {
        const auto found =
            std::find(distinctOnsets_.begin(), distinctOnsets_.end(), notes[i].onset);
        rankOfNote_[i] = static_cast<uint32_t>(found - distinctOnsets_.begin());
        if (found == distinctOnsets_.end()) distinctOnsets_.push_back(notes[i].onset);
      }
      bucketStart_.assign(distinctOnsets_.size() + 1, 0);
      for (size_t i = 0; i < count; ++i) ++bucketStart_[rankOfNote_[i] + 1];
      for (size_t rank = 1; rank < bucketStart_.size(); ++rank) {
        bucketStart_[rank] += bucketStart_[rank - 1];
        if (rank + 1 < bucketStart_.size()) groupEnds_.push_back(bucketStart_[rank]);
      }
      for (size_t i = 0; i < count; ++i) {
        order_[bucketStart_[rankOfNote_[i]]++] = static_cast<uint32_t>(i);
      }
    }
    groupEnds_.push_back(count);
    size_t begin = 0;
    for (size_t end : groupEnds_) {
      std::sort(order_.begin() + static_cast<std::ptrdiff_t>(begin),
                order_.begin() + static_cast<std::ptrdiff_t>(end),
                [&](uint32_t a, uint32_t b) { return notes[a].pitch < notes[b].pitch; });
      begin = end;
    }
  }

  void encodeNotes(const Bar& bar, bool drum) {
    if (bar.notes.empty()) return;
    groupNotes(bar.notes);
    const bool velocity = useVelocity_ && velocityLevels_ > 0;
    const bool microtiming = useMicrotiming_ && config_.emitDeltaTokens;
    const bool hasPosition = layout_.has(TokenType::TimeAbsolutePos);
    const bool hasDirection = layout_.has(TokenType::DeltaDirection);
    const bool hasDelta = layout_.has(TokenType::Delta);
    const bool hasDuration = !drum && layout_.has(TokenType::NoteDuration);
    const int32_t durationLimit = layout_.size(TokenType::NoteDuration);
    const int32_t deltaLimit = layout_.size(TokenType::Delta) - 1;
    int32_t lastVelocity = -1;  // sticky velocity restarts in every bar and fill block

    size_t begin = 0;
    for (size_t end : groupEnds_) {
      const int32_t onset = bar.notes[order_[begin]].onset;
      if (onset > 0 && hasPosition) emit(TokenType::TimeAbsolutePos, onset);
      for (size_t k = begin; k < end; ++k) {
        const Note& note = bar.notes[order_[k]];
        if (velocity) {
          const int32_t level = quantizeVelocityLevel(note.velocity, velocityLevels_);
          if (level > 0 && (!config_.velocitySticky || level != lastVelocity)) {
            emit(TokenType::VelocityLevel, level);
            lastVelocity = level;
          }
        }
        if (microtiming && note.delta != 0) {
          int32_t delta = note.delta;
          if (delta < 0 && hasDirection) {
            emit(TokenType::DeltaDirection, 0);
            delta = -delta;
          }
          if (delta > 0 && hasDelta) emit(TokenType::Delta, std::min(delta, deltaLimit));
        }
        emit(TokenType::NoteOnset, note.pitch);
        if (hasDuration) {
          emit(TokenType::NoteDuration, std::max(0, std::min(note.duration, durationLimit) - 1));
        }
      }
      begin = end;
    }
  }

  const EncoderConfig& config_;
  const EncodeOptions& options_;
  const Layout layout_;
  bool useVelocity_ = true;
  bool useMicrotiming_ = true;
  int32_t velocityLevels_ = 0;
  std::vector<std::pair<int32_t, int32_t>> targets_;
  std::vector<int32_t> tokens_;
  int32_t cachedNumerator_ = 0;
  int32_t cachedDenominator_ = 0;
  int32_t cachedTimeSignature_ = 0;
  // Scratch buffers reused across bars so grouping notes allocates once per call, not per bar.
  std::vector<uint32_t> order_;
  std::vector<size_t> groupEnds_;
  std::vector<int32_t> distinctOnsets_;
  std::vector<uint32_t> rankOfNote_;
  std::vector<size_t> bucketStart_;
};

/// The token stream with fill blocks moved into their placeholders (spec §4.7 step 1): the
/// k-th placeholder takes the k-th FillInStart..FillInEnd block; everything from the first
/// FillInStart on is dropped. Extra placeholders stay (and decode to nothing).
std::vector<int32_t> resolveInfill(std::span<const int32_t> tokens, int32_t placeholder,
                                   int32_t fillStart, int32_t fillEnd) {
  std::vector<std::pair<size_t, size_t>> blocks;  // [begin, end) of each block's content
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i] != fillStart) continue;
    size_t end = i + 1;
    while (end < tokens.size() && tokens[end] != fillEnd) ++end;
    blocks.emplace_back(i + 1, end);
  }
  std::vector<int32_t> resolved;
  resolved.reserve(tokens.size());
  size_t nextBlock = 0;
  for (int32_t token : tokens) {
    if (token == fillStart) break;
    if (token == placeholder && nextBlock < blocks.size()) {
      const auto [begin, end] = blocks[nextBlock++];
      resolved.insert(resolved.end(), tokens.begin() + static_cast<std::ptrdiff_t>(begin),
                      tokens.begin() + static_cast<std::ptrdiff_t>(end));
    } else {
      resolved.push_back(token);
    }
  }
  return resolved;
}

bool isTrackAttribute(TokenType type) {
  switch (type) {
    case TokenType::NoteDensity:
    case TokenType::MinPolyphony:
    case TokenType::MaxPolyphony:
    case TokenType::MinNoteDuration:
    case TokenType::MaxNoteDuration:
    case TokenType::TrackLevelSilenceProportionMax:
    case TokenType::KeySignature:
    case TokenType::TrackLevelPitchRangeMax:
    case TokenType::TrackLevelNomml:
      return true;
    default:
      return false;
  }
}

bool isBarAttribute(TokenType type) {
  switch (type) {
    case TokenType::BarLevelOnsetDensity:
    case TokenType::BarLevelOnsetPolyphonyMin:
    case TokenType::BarLevelPitchClassSet:
    case TokenType::Tension:
    case TokenType::TensionDrum:
      return true;
    default:
      return false;
  }
}

}  // namespace

Tokenizer::Tokenizer(EncoderConfig config) : config_(std::move(config)) {}

Score Tokenizer::normalizeInput(const Score& score) const {
  if (score.resolution == config_.resolution) return score;
  return resampleDelta(score, config_.resolution, config_.emitDeltaTokens);
}

Score Tokenizer::normalizeOutput(const Score& score) const {
  if (score.resolution == config_.decodeResolution) return score;
  return resampleDelta(score, config_.decodeResolution, config_.emitDeltaTokens);
}

std::vector<int32_t> Tokenizer::encode(const Score& score, const EncodeOptions& options,
                                       bool computeAttributes) const {
  Score normalized = normalizeInput(score);
  if (computeAttributes) AttributeAnalyzer(config_).annotate(normalized);
  return encodeNormalized(normalized, options);
}

std::vector<int32_t> Tokenizer::encodeNormalized(const Score& score,
                                                 const EncodeOptions& options) const {
  if (score.resolution != config_.resolution) {
    throw Error(ErrorCode::InvalidScore,
                "score resolution " + std::to_string(score.resolution) +
                    " differs from the encoder grid " + std::to_string(config_.resolution) +
                    "; normalise it first");
  }
  return SequenceEncoder(config_, options).encode(score);
}

Score Tokenizer::decode(std::span<const int32_t> tokens, const DecodeOptions& options) const {
  const Vocabulary& vocabulary = config_.vocabulary;
  for (size_t position = 0; position < tokens.size(); ++position) {
    if (tokens[position] < 0 || tokens[position] >= vocabulary.size()) {
      throw Error(ErrorCode::InvalidTokens,
                  "token " + std::to_string(tokens[position]) + " at position " +
                      std::to_string(position) + " is outside the vocabulary (size " +
                      std::to_string(vocabulary.size()) + ")");
    }
  }
  const Layout layout(vocabulary);

  std::vector<int32_t> resolved;
  std::span<const int32_t> stream = tokens;
  if (layout.has(TokenType::FillInPlaceholder) && layout.has(TokenType::FillInStart) &&
      layout.has(TokenType::FillInEnd)) {
    const int32_t fillStart = layout.offset(TokenType::FillInStart);
    if (std::find(tokens.begin(), tokens.end(), fillStart) != tokens.end()) {
      resolved = resolveInfill(tokens, layout.offset(TokenType::FillInPlaceholder), fillStart,
                               layout.offset(TokenType::FillInEnd));
      stream = resolved;
    }
  }

  const int32_t velocityLevels = layout.size(TokenType::VelocityLevel);
  std::vector<int32_t> velocityOfLevel(static_cast<size_t>(velocityLevels), kDefaultVelocity);
  for (int32_t level = 1; level < velocityLevels; ++level) {
    velocityOfLevel[static_cast<size_t>(level)] =
        dequantizeVelocityLevel(level, velocityLevels, options.identityVelocityForSingletonBins);
  }

  Score score;
  score.resolution = config_.resolution;
  Track* track = nullptr;  // the track receiving tokens; null after TrackEnd
  Bar* bar = nullptr;      // the bar receiving notes; stays set after BarEnd like the reference
  size_t trackCount = 0;   // tracks closed by TrackEnd: the next Track token opens this one
  int32_t barIndex = -1;   // bars since the last Track token
  int32_t time = 0;
  int32_t velocityLevel = 0;
  int32_t deltaDirection = 1;
  int32_t deltaTotal = 0;
  double beatLength = 4.0;
  bool previousWasOnset = false;
  int32_t previousPitch = 0;

  const auto addNote = [&](int32_t pitch, int32_t duration) {
    Note note;
    note.onset = time;
    note.duration = duration;
    note.pitch = pitch;
    note.velocity = velocityLevel > 0 ? velocityOfLevel[static_cast<size_t>(velocityLevel)]
                                      : kDefaultVelocity;
    note.delta = deltaTotal;
    bar->notes.push_back(note);
    deltaTotal = 0;
    deltaDirection = 1;
  };

  for (const int32_t token : stream) {
    const auto [type, value] = vocabulary.decode(token);
    switch (type) {
      case TokenType::Track:
        time = 0;
        deltaDirection = 1;
        deltaTotal = 0;
        velocityLevel = 0;
        barIndex = -1;
        // A Track without a TrackEnd before it continues the open track, as in the reference.
        if (trackCount >= score.tracks.size()) {
          score.tracks.emplace_back();
          trackCount = score.tracks.size() - 1;
        }
        track = &score.tracks[trackCount];
        track->type = value == 1 ? TrackType::Drum : TrackType::Melodic;
        bar = nullptr;
        break;
      case TokenType::TrackEnd:
        ++trackCount;
        track = nullptr;
        bar = nullptr;
        break;
      case TokenType::Instrument:
        if (track != nullptr) track->instrument = config_.groupProgram(value);
        break;
      case TokenType::Bar:
        time = 0;
        deltaDirection = 1;
        deltaTotal = 0;
        beatLength = 4.0;
        ++barIndex;
        if (track != nullptr) {
          track->bars.emplace_back();
          bar = &track->bars.back();
        }
        break;
      case TokenType::TimeSig: {
        if (config_.timeSignatures.empty()) break;
        if (static_cast<size_t>(value) >= config_.timeSignatures.size()) {
          throw Error(ErrorCode::InvalidTokens, "TimeSig value " + std::to_string(value) +
                                                    " has no entry in the time signature list");
        }
        const TimeSignature& signature = config_.timeSignatures[static_cast<size_t>(value)];
        // The reference truncates the bar length to whole quarters (spec §12.7).
        beatLength = options.exactBeatLength
                         ? 4.0 * signature.numerator / signature.denominator
                         : static_cast<double>(4 * signature.numerator / signature.denominator);
        if (bar != nullptr) {
          bar->tsNumerator = signature.numerator;
          bar->tsDenominator = signature.denominator;
          bar->beatLength = beatLength;
        }
        break;
      }
      case TokenType::BarEnd:
        if (bar != nullptr) {
          bar->beatLength = beatLength;
          time = static_cast<int32_t>(truncate(beatLength * config_.resolution));
        }
        break;
      case TokenType::TimeAbsolutePos:
        time = value;
        deltaDirection = 1;
        deltaTotal = 0;
        break;
      case TokenType::VelocityLevel:
        velocityLevel = value;
        break;
      case TokenType::DeltaDirection:
        deltaDirection = -1;
        deltaTotal = 0;
        break;
      case TokenType::Delta:
        deltaTotal += deltaDirection * value;
        break;
      case TokenType::NoteOnset:
        // Drum notes are complete; melodic notes wait for their NoteDuration.
        if (bar != nullptr && track->type == TrackType::Drum) addNote(value, 1);
        break;
      case TokenType::NoteDuration:
        // Before a track's first Bar this is the note-duration-distribution attribute.
        if (track != nullptr && barIndex < 0) {
          track->attributes[TokenType::NoteDuration] = value;
        } else if (bar != nullptr && previousWasOnset) {
          addNote(previousPitch, value + 1);
        }
        break;
      case TokenType::BarLevelOnsetPolyphonyMax:
        // Token 42 is the track-level onset polyphony before the first Bar, a bar attribute after.
        if (track == nullptr) break;
        if (barIndex < 0) {
          track->attributes[type] = value;
        } else if (static_cast<size_t>(barIndex) < track->bars.size()) {
          track->bars[static_cast<size_t>(barIndex)].attributes[type] = value;
        }
        break;
      default:
        if (track == nullptr) break;
        if (isTrackAttribute(type)) {
          track->attributes[type] = value;
        } else if (isBarAttribute(type) && barIndex >= 0 &&
                   static_cast<size_t>(barIndex) < track->bars.size()) {
          track->bars[static_cast<size_t>(barIndex)].attributes[type] = value;
        }
        break;
    }
    previousWasOnset = type == TokenType::NoteOnset;
    previousPitch = value;
  }
  return score;
}

int32_t Tokenizer::quantizeVelocity(int32_t velocity) const noexcept {
  return quantizeVelocityLevel(velocity, config_.vocabulary.domainSize(TokenType::VelocityLevel));
}

int32_t Tokenizer::dequantizeVelocity(int32_t level, const DecodeOptions& options) const noexcept {
  const int32_t levels = config_.vocabulary.domainSize(TokenType::VelocityLevel);
  if (level <= 0 || level >= levels) return 0;
  return dequantizeVelocityLevel(level, levels, options.identityVelocityForSingletonBins);
}

Score windowOf(const Score& score, int32_t start, int32_t count) {
  if (start < 0 || count < 0) {
    throw Error(ErrorCode::InvalidArgument, "window start " + std::to_string(start) +
                                                " and count " + std::to_string(count) +
                                                " must not be negative");
  }
  Score window;
  window.resolution = score.resolution;
  window.tempo = score.tempo;
  window.tracks.reserve(score.tracks.size());
  for (const Track& track : score.tracks) {
    Track& copy = window.tracks.emplace_back();
    copy.instrument = track.instrument;
    copy.type = track.type;
    const size_t begin = std::min(static_cast<size_t>(start), track.bars.size());
    const size_t end = std::min(begin + static_cast<size_t>(count), track.bars.size());
    copy.bars.assign(track.bars.begin() + static_cast<std::ptrdiff_t>(begin),
                     track.bars.begin() + static_cast<std::ptrdiff_t>(end));
    for (Bar& bar : copy.bars) bar.attributes.clear();
  }
  return window;
}

}  // namespace midigpt
