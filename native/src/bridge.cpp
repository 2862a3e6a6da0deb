#include "midigpt/bridge.hpp"

#include <algorithm>
#include <new>
#include <nlohmann/json.hpp>
#include <span>
#include <stdexcept>
#include <string>

#include "midigpt/attribute_analyzer.hpp"
#include "midigpt/attribute_keys.hpp"
#include "midigpt/error.hpp"
#include "midigpt/pitch_mask.hpp"
#include "midigpt/rhythm_mask.hpp"
#include "midigpt/generation_session.hpp"
#include "midigpt/grammar.hpp"
#include "midigpt/midi_io.hpp"
#include "midigpt/score_wire.hpp"
#include "midigpt/tokenizer.hpp"

namespace midigpt::bridge {
namespace {

/// Runs `body`, letting midigpt::Error through and turning anything else into an error whose
/// message Java maps to an internal-error exception, so no C++ exception type can escape
/// unrecognised.
template <typename Body>
auto guarded(Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const Error&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw std::runtime_error("Internal: out of memory");
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("Internal: ") + e.what());
  } catch (...) {
    throw std::runtime_error("Internal: unknown native error");
  }
}

template <typename T>
std::span<const T> viewOf(const T* data, int64_t length, const char* what) {
  if (length < 0 || (length > 0 && data == nullptr)) {
    throw Error(ErrorCode::InvalidArgument, std::string("invalid ") + what + " buffer");
  }
  return {data, static_cast<size_t>(length)};
}

Score scoreOf(const int32_t* words, int64_t length) {
  return unpackScore(viewOf(words, length, "score"));
}

std::span<const uint8_t> bytesOf(const int8_t* bytes, int64_t length) {
  const auto view = viewOf(bytes, length, "MIDI");
  return {reinterpret_cast<const uint8_t*>(view.data()), view.size()};
}

EncodeOptions encodeOptionsOf(const int32_t* words, int64_t length) {
  const auto in = viewOf(words, length, "encode options");
  if (in.size() < static_cast<size_t>(kEncodeOptionFields)) {
    throw Error(ErrorCode::InvalidArgument, "encode options are truncated");
  }
  EncodeOptions options;
  options.windowBars = in[0];
  options.genre = in[1];
  options.useVelocity = in[2];
  options.useMicrotiming = in[3];
  options.spanMaskFutureBars = in[4] != 0;
  options.removeFutureBars = in[5] != 0;
  options.emitPitchClassSet = in[6] != 0;
  const int32_t targets = in[7];
  if (targets < 0 || in.size() != static_cast<size_t>(kEncodeOptionFields) + 2u * targets) {
    throw Error(ErrorCode::InvalidArgument, "encode options: infill target list is malformed");
  }
  for (int32_t i = 0; i < targets; ++i) {
    options.infillTargets.emplace_back(in[kEncodeOptionFields + 2 * i],
                                       in[kEncodeOptionFields + 2 * i + 1]);
  }
  return options;
}

const char* levelName(AttributeLevel level) { return level == AttributeLevel::Bar ? "bar" : "track"; }

const char* scopeName(TrackScope scope) {
  switch (scope) {
    case TrackScope::Melodic: return "melodic";
    case TrackScope::Drum: return "drum";
    case TrackScope::Both: return "both";
  }
  return "both";
}

}  // namespace

IntArray readMidi(const int8_t* bytes, int64_t length, int32_t resolution) {
  return guarded([&] {
    if (resolution <= 0) throw Error(ErrorCode::InvalidArgument, "resolution must be positive");
    return IntArray(packScore(midigpt::readMidi(bytesOf(bytes, length), resolution)));
  });
}

ByteArray writeMidi(const int32_t* score, int64_t length) {
  return guarded([&] { return ByteArray(midigpt::writeMidi(scoreOf(score, length))); });
}

std::string maskPresetsJson() {
  return guarded([] {
    const auto list = [](const std::vector<std::string_view>& names) {
      nlohmann::json array = nlohmann::json::array();
      for (std::string_view name : names) array.push_back(std::string(name));
      return array;
    };
    return nlohmann::json{{"pitch_mask_scales", list(pitchMaskScaleNames())},
                          {"rhythm_mask_grid_units", list(rhythmGridUnits())}}
        .dump();
  });
}

std::string attributeKeysJson() {
  return guarded([] {
    nlohmann::json keys = nlohmann::json::array();
    for (const AttributeKey& key : attributeKeys()) {
      keys.push_back({{"level", levelName(key.level)},
                      {"type_enum", static_cast<int32_t>(key.tokenType)},
                      {"name", std::string(key.name)}});
    }
    return keys.dump();
  });
}

TokenizerHandle::TokenizerHandle(const std::string& configJson) {
  guarded([&] { tokenizer_ = std::make_unique<Tokenizer>(EncoderConfig::fromJson(configJson)); });
}

TokenizerHandle::~TokenizerHandle() = default;

std::string TokenizerHandle::configJson() const {
  return guarded([&] { return tokenizer_->config().toJson(); });
}

std::string TokenizerHandle::describeJson() const {
  return guarded([&] {
    const EncoderConfig& config = tokenizer_->config();
    nlohmann::json domains = nlohmann::json::array();
    for (const TokenDomain& domain : config.vocabulary.domains()) {
      domains.push_back({{"type", std::string(tokenTypeName(domain.type))},
                         {"type_enum", static_cast<int32_t>(domain.type)},
                         {"offset", domain.offset},
                         {"size", domain.size}});
    }
    nlohmann::json attributes = nlohmann::json::array();
    for (const AttributeSpec& spec : config.attributes) {
      nlohmann::json labels = nlohmann::json::array();
      for (int32_t level = 0; level < spec.size; ++level) labels.push_back(spec.valueLabel(level));
      attributes.push_back({{"name", spec.name},
                            {"token_type", std::string(tokenTypeName(spec.tokenType))},
                            {"type_enum", static_cast<int32_t>(spec.tokenType)},
                            {"level", levelName(spec.level)},
                            {"track_type", scopeName(spec.scope)},
                            {"size", spec.size},
                            {"labels", labels}});
    }
    return nlohmann::json{{"vocab_size", config.vocabulary.size()},
                          {"resolution", config.resolution},
                          {"decode_resolution", config.decodeResolution},
                          {"domains", domains},
                          {"attributes", attributes}}
        .dump();
  });
}

IntArray TokenizerHandle::encode(const int32_t* score, int64_t scoreLength, const int32_t* options,
                                 int64_t optionsLength, bool computeAttributes) const {
  return guarded([&] {
    return IntArray(tokenizer_->encode(scoreOf(score, scoreLength),
                                       encodeOptionsOf(options, optionsLength), computeAttributes));
  });
}

IntArray TokenizerHandle::encodeMidi(const int8_t* bytes, int64_t length, int32_t firstBars,
                                     const int32_t* options, int64_t optionsLength) const {
  return guarded([&] {
    const EncodeOptions encodeOptions = encodeOptionsOf(options, optionsLength);
    Score score = midigpt::readMidi(bytesOf(bytes, length), 480);
    if (firstBars > 0) {
      size_t bars = 0;
      for (const Track& track : score.tracks) bars = std::max(bars, track.bars.size());
      if (bars < static_cast<size_t>(firstBars)) {
        throw Error(ErrorCode::InvalidArgument,
                    "the piece has " + std::to_string(bars) + " bars, fewer than the " +
                        std::to_string(firstBars) + "-bar window");
      }
      score = windowOf(score, 0, firstBars);
    }
    return IntArray(tokenizer_->encode(score, encodeOptions, true));
  });
}

IntArray TokenizerHandle::decode(const int32_t* tokens, int64_t length, bool referenceQuirks) const {
  return guarded([&] {
    DecodeOptions options;
    options.exactBeatLength = !referenceQuirks;
    options.identityVelocityForSingletonBins = !referenceQuirks;
    return IntArray(packScore(tokenizer_->decode(viewOf(tokens, length, "token"), options)));
  });
}

IntArray TokenizerHandle::normalizeInput(const int32_t* score, int64_t length) const {
  return guarded([&] { return IntArray(packScore(tokenizer_->normalizeInput(scoreOf(score, length)))); });
}

IntArray TokenizerHandle::normalizeOutput(const int32_t* score, int64_t length) const {
  return guarded([&] { return IntArray(packScore(tokenizer_->normalizeOutput(scoreOf(score, length)))); });
}

IntArray TokenizerHandle::annotate(const int32_t* score, int64_t length) const {
  return guarded([&] {
    Score annotated = scoreOf(score, length);
    AttributeAnalyzer(tokenizer_->config()).annotate(annotated);
    return IntArray(packScore(annotated));
  });
}

IntArray TokenizerHandle::grammarMasks(const int32_t* tokens, int64_t length) const {
  return guarded([&] {
    std::span<const int32_t> sequence = viewOf(tokens, length, "token");
    const EncoderConfig& config = tokenizer_->config();
    // The header grammar follows the model's attribute set (spec §12.6): the reference's fixed
    // lists reject attribute tokens prism and expressive really emit.
    GrammarSettings settings;
    settings.requireNotes = false;
    settings.modelAttributeOrder = true;
    GrammarConstraint grammar(config, settings);
    const int32_t vocab = config.vocabulary.size();
    const int32_t words = (vocab + 31) / 32;
    std::vector<uint8_t> allowed(static_cast<size_t>(vocab));
    std::vector<int32_t> packed;
    packed.reserve(sequence.empty() ? 0 : (sequence.size() - 1) * words);
    for (size_t i = 0; i + 1 < sequence.size(); ++i) {
      grammar.advance(sequence[i]);
      grammar.allowed(allowed);
      for (int32_t w = 0; w < words; ++w) {
        uint32_t word = 0;
        for (int32_t b = 0; b < 32 && 32 * w + b < vocab; ++b) {
          if (allowed[32 * w + b]) word |= 1u << b;
        }
        packed.push_back(static_cast<int32_t>(word));
      }
    }
    return IntArray(std::move(packed));
  });
}

SessionHandle::SessionHandle(const std::string& configJson, const int32_t* score,
                             int64_t scoreLength, const std::string& requestJson,
                             int32_t contextLength) {
  guarded([&] {
    SessionOptions options;
    options.contextLength = contextLength;
    session_ = std::make_unique<GenerationSession>(EncoderConfig::fromJson(configJson),
                                                   scoreOf(score, scoreLength),
                                                   GenerationRequest::fromJson(requestJson),
                                                   options);
  });
}

SessionHandle::~SessionHandle() = default;

IntArray SessionHandle::promptIds() const {
  return guarded([&] { return IntArray(session_->currentStep().promptIds); });
}

IntArray SessionHandle::inputIds() const {
  return guarded([&] { return IntArray(session_->currentStep().inputIds); });
}

IntArray SessionHandle::positionIds() const {
  return guarded([&] { return IntArray(session_->currentStep().positionIds); });
}

IntArray SessionHandle::keyMask() const {
  return guarded([&] {
    const std::vector<uint8_t>& mask = session_->currentStep().keyMask;
    return IntArray(std::vector<int32_t>(mask.begin(), mask.end()));
  });
}

IntArray SessionHandle::stepInfo() const {
  return guarded([&] {
    const StepInput& step = session_->currentStep();
    return IntArray({step.stepIndex, step.stepCount, step.attempt, step.modelDim,
                     static_cast<int32_t>(step.maskMode), step.nextPosition, step.tokenBudget});
  });
}

float SessionHandle::temperature() const {
  return guarded([&] { return session_->currentStep().temperature; });
}

int32_t SessionHandle::next(float* logits, int64_t length) {
  return guarded([&] {
    if (length < 0 || (length > 0 && logits == nullptr)) {
      throw Error(ErrorCode::InvalidArgument, "invalid logits buffer");
    }
    return session_->next(std::span<float>(logits, static_cast<size_t>(length)));
  });
}

int32_t SessionHandle::status() const { return static_cast<int32_t>(session_->status()); }

IntArray SessionHandle::result() const {
  return guarded([&] { return IntArray(packScore(session_->result())); });
}

IntArray SessionHandle::progress() const {
  const SessionProgress progress = session_->progress();
  return IntArray({progress.step, progress.stepCount, progress.attempt, progress.stepTokens,
                   progress.totalTokens, progress.noteTokens});
}

IntArray SessionHandle::draftNotes() const {
  return guarded([&] {
    std::vector<int32_t> flat;
    for (const PlacedNote& placed : session_->draftNotes()) {
      const Note& note = placed.note;
      flat.insert(flat.end(), {placed.track, placed.bar, note.onset, note.duration, note.pitch,
                               note.velocity, note.delta});
    }
    return IntArray(std::move(flat));
  });
}

std::string SessionHandle::failure() const { return session_->failure(); }

std::string SessionHandle::warningsJson() const {
  return guarded([&] { return nlohmann::json(session_->warnings()).dump(); });
}

void SessionHandle::cancel() { session_->cancel(); }

}  // namespace midigpt::bridge
