// The surface Java binds through JavaCPP (java/core: io.midigpt.bridge). Everything crossing
// JNI is plain data: scores travel in the flat int32 form of score_wire.hpp, files as bytes,
// configs as JSON text. Every entry point validates its input; failures surface as C++
// exceptions whose message starts with an ErrorCode name ("InvalidMidi: ..."), which JavaCPP
// turns into a RuntimeException and the Java facade into the matching domain exception.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace midigpt {
class Tokenizer;
class GenerationSession;
}

namespace midigpt::bridge {

/// An owned int32 result: Java copies it out in one call, then frees it.
class IntArray {
 public:
  IntArray() = default;
  explicit IntArray(std::vector<int32_t> values) : values_(std::move(values)) {}
  int64_t size() const noexcept { return static_cast<int64_t>(values_.size()); }
  const int32_t* data() const noexcept { return values_.data(); }

 private:
  std::vector<int32_t> values_;
};

/// An owned byte result (a MIDI file).
class ByteArray {
 public:
  ByteArray() = default;
  explicit ByteArray(std::vector<uint8_t> values) : values_(std::move(values)) {}
  int64_t size() const noexcept { return static_cast<int64_t>(values_.size()); }
  const int8_t* data() const noexcept { return reinterpret_cast<const int8_t*>(values_.data()); }

 private:
  std::vector<uint8_t> values_;
};

/// MIDI bytes -> wire score at `resolution` ticks per quarter.
IntArray readMidi(const int8_t* bytes, int64_t length, int32_t resolution);
/// Wire score -> MIDI bytes.
ByteArray writeMidi(const int32_t* score, int64_t length);

/// The attribute names of each level and the token types they stand for, as JSON:
/// [{"level":"track"|"bar","type_enum":28,"name":"min_polyphony"}, ...].
std::string attributeKeysJson();

/// What mask controls may name, in the API's order, as JSON:
/// {"pitch_mask_scales": ["chromatic", ...], "rhythm_mask_grid_units": ["whole", ...]}.
std::string maskPresetsJson();

/// Encode options in the order of EncodeOptions, as one int array:
///   windowBars genre useVelocity useMicrotiming spanMaskFutureBars removeFutureBars
///   emitPitchClassSet targetCount (track bar)*
constexpr int32_t kEncodeOptionFields = 8;

/// A tokenizer for one encoder config.
class TokenizerHandle {
 public:
  /// Throws InvalidConfig when the JSON is not a valid encoder config.
  explicit TokenizerHandle(const std::string& configJson);
  ~TokenizerHandle();
  TokenizerHandle(const TokenizerHandle&) = delete;
  TokenizerHandle& operator=(const TokenizerHandle&) = delete;

  /// The config in the reference's to_json() form (what checkpoints embed).
  std::string configJson() const;
  /// The vocabulary and attribute set as JSON, for introspection from Java.
  std::string describeJson() const;

  /// Wire score (any resolution) -> tokens: normalise to the grid, optionally compute
  /// attributes on the normalised score, encode.
  IntArray encode(const int32_t* score, int64_t scoreLength, const int32_t* options,
                  int64_t optionsLength, bool computeAttributes) const;
  /// MIDI bytes -> tokens in one call (read at 480, keep the first `firstBars` bars of every
  /// track when > 0, then as encode with attributes): the tokenizing hot path. A piece shorter
  /// than `firstBars` is an InvalidArgument error, as the reference skips such windows.
  IntArray encodeMidi(const int8_t* bytes, int64_t length, int32_t firstBars,
                      const int32_t* options, int64_t optionsLength) const;
  /// Tokens -> wire score at the encoder grid. `referenceQuirks` reproduces the reference's
  /// integer beat lengths and silent 128-level velocities (spec §12.5, §12.7).
  IntArray decode(const int32_t* tokens, int64_t length, bool referenceQuirks) const;
  /// Wire score -> the same score resampled to the encoder grid (reference normalize_input).
  IntArray normalizeInput(const int32_t* score, int64_t length) const;
  /// Wire score at the grid -> decode resolution (reference normalize_output).
  IntArray normalizeOutput(const int32_t* score, int64_t length) const;
  /// Wire score -> the same score with every applicable attribute level written into it.
  IntArray annotate(const int32_t* score, int64_t length) const;
  /// For evaluation: which tokens the sampling grammar allows at each position 1..length-1
  /// given the tokens before it, as ceil(vocab/32) little-endian 32-bit words per position
  /// (bit b of word w: token 32w+b). Bars may be empty, as in real music, and headers follow the
  /// model's attribute set (spec §12.6).
  IntArray grammarMasks(const int32_t* tokens, int64_t length) const;

 private:
  std::unique_ptr<Tokenizer> tokenizer_;
};

/// SessionHandle::stepInfo(), in order:
///   stepIndex stepCount attempt modelDim maskMode nextPosition tokenBudget
/// maskMode: 0 token, 1 attention, 2 attention_approx, 3 attention_skip, 4 remove.
constexpr int32_t kStepInfoFields = 7;
/// SessionHandle::progress(), in order: step stepCount attempt stepTokens totalTokens
/// noteTokens.
constexpr int32_t kSessionProgressFields = 6;
/// SessionHandle::draftNotes(), per note: track bar onset duration pitch velocity delta.
constexpr int32_t kDraftNoteFields = 7;

/// One generation run (midigpt/generation_session.hpp): Java runs the model and calls next()
/// once per token with the logits of the last position. status() codes:
///   0 needs prefill (feed the step's inputIds/positionIds/keyMask to a fresh KV cache),
///   1 generating (feed the token next() returned), 2 done, 3 cancelled, 4 failed.
class SessionHandle {
 public:
  /// Validates and plans. `contextLength`: the model's n_positions (0: unknown). Throws
  /// InvalidConfig, InvalidScore, InvalidArgument (malformed request JSON, nothing fits the
  /// context) or InvalidRequest (a validation rule, spec §6.4).
  SessionHandle(const std::string& configJson, const int32_t* score, int64_t scoreLength,
                const std::string& requestJson, int32_t contextLength);
  ~SessionHandle();
  SessionHandle(const SessionHandle&) = delete;
  SessionHandle& operator=(const SessionHandle&) = delete;

  /// The current step attempt's prefill; InvalidArgument once the session is over.
  IntArray promptIds() const;
  IntArray inputIds() const;
  IntArray positionIds() const;
  /// One 0/1 entry per prompt position: 1 where attention may look.
  IntArray keyMask() const;
  IntArray stepInfo() const;
  float temperature() const;

  /// Samples from `logits` (one float per vocabulary id, overwritten in place: no copy) and
  /// returns the token, or -1 when none was drawn (a retry was scheduled, or cancelled).
  /// Throws InvalidArgument when a step used up its attempts.
  int32_t next(float* logits, int64_t length);
  int32_t status() const;
  /// The whole piece so far as a wire score at the decode resolution.
  IntArray result() const;
  IntArray progress() const;
  /// The current attempt's completed notes in its target bars (kDraftNoteFields each).
  IntArray draftNotes() const;
  /// Why the session failed, empty otherwise.
  std::string failure() const;
  /// Validation warnings and rejections let through by disabled checks, as a JSON array.
  std::string warningsJson() const;
  /// Thread-safe: the next next() call draws nothing and ends the session.
  void cancel();

 private:
  std::unique_ptr<GenerationSession> session_;
};

}  // namespace midigpt::bridge
