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

 private:
  std::unique_ptr<Tokenizer> tokenizer_;
};

}  // namespace midigpt::bridge
