// Encoder configuration (the *_encoder.json files and the config embedded in checkpoints) and
// the vocabulary layout it defines.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "midigpt/attribute_spec.hpp"
#include "midigpt/token_type.hpp"

namespace midigpt {

struct TimeSignature {
  int32_t numerator = 4;
  int32_t denominator = 4;
  bool operator==(const TimeSignature&) const = default;
};

struct TokenDomain {
  TokenType type;
  int32_t size = 0;
  int32_t offset = 0;  // id of value 0
};

/// Token id layout: domains in config order, ids assigned by accumulating sizes.
class Vocabulary {
 public:
  Vocabulary() = default;
  explicit Vocabulary(std::vector<TokenDomain> domains);  // offsets recomputed from sizes

  int32_t size() const noexcept { return size_; }
  const std::vector<TokenDomain>& domains() const noexcept { return domains_; }
  bool has(TokenType type) const noexcept;
  /// Domain size of `type`, 0 when absent.
  int32_t domainSize(TokenType type) const noexcept;
  /// Id of (type, value); throws InvalidArgument when the type is absent or value out of range.
  int32_t id(TokenType type, int32_t value) const;
  /// Id of (type, value) with value clamped into the domain (what the encoder emits).
  int32_t clampedId(TokenType type, int32_t value) const;
  /// (type, value) of an id; throws InvalidTokens when the id is outside the vocabulary.
  std::pair<TokenType, int32_t> decode(int32_t id) const;

 private:
  std::vector<TokenDomain> domains_;
  std::vector<int32_t> domainOfId_;  // id -> index into domains_
  std::map<TokenType, size_t> indexOfType_;
  int32_t size_ = 0;
};

struct EncoderConfig {
  int32_t resolution = 480;
  int32_t decodeResolution = 480;
  int32_t pitchMin = 0;
  int32_t pitchMax = 127;
  int32_t velocityLevels = 32;
  int32_t noteDurationMaxBeats = 8;
  bool emitDeltaTokens = false;
  bool supportsInfill = false;
  bool supportsMaskBarToken = false;
  bool velocitySticky = true;
  bool switchableVelocity = false;
  bool switchableMicrotiming = false;
  std::vector<TimeSignature> timeSignatures;       // index = TimeSig value
  std::vector<std::vector<int32_t>> instrumentMergeGroups;
  std::map<std::string, std::vector<std::string>> genreGroups;  // canonical -> aliases
  std::vector<int32_t> numBarsMap;                 // index = NumBars value
  std::vector<AttributeControl> attributeControls; // as written in the JSON
  Vocabulary vocabulary;
  std::vector<AttributeSpec> attributes;           // the analyzer's resolved attribute set

  /// Parses and validates a config JSON document; throws InvalidConfig naming the problem.
  static EncoderConfig fromJson(std::string_view json);
  /// Serialises in the reference's to_json() key set (what checkpoints embed).
  std::string toJson() const;

  /// Index of (num, den) in timeSignatures, empty when unknown.
  std::optional<int32_t> timeSignatureIndex(int32_t numerator, int32_t denominator) const;
  /// Dense instrument group of a GM program (programs outside 0..127 map to group of 0).
  int32_t instrumentGroup(int32_t program) const;
  /// Representative GM program (first of the group) of a dense group id.
  int32_t groupProgram(int32_t group) const;
  /// Dense genre id of a canonical name or alias (case-insensitive), empty when unknown.
  std::optional<int32_t> genreId(std::string_view name) const;

 private:
  std::vector<int32_t> programToGroup_;
  std::vector<int32_t> groupToProgram_;
  std::map<std::string, int32_t> genreLookup_;
  void buildTables();
  friend struct EncoderConfigParser;
};

}  // namespace midigpt
