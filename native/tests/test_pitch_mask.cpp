// Pitch masks on their own: the weights of each hard set and shape, request parsing and
// validation, and the constraint's effect inside and outside fill blocks.

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "midigpt/error.hpp"
#include "midigpt/generation_request.hpp"
#include "midigpt/pitch_mask.hpp"
#include "midigpt/pitch_mask_constraint.hpp"

#include "fixtures.hpp"

using midigpt::Error;
using midigpt::ErrorCode;
using midigpt::GenerationRequest;
using midigpt::PitchMask;
using midigpt::PitchMaskConstraint;
using midigpt::PitchShape;
using midigpt::TokenType;

namespace {

std::vector<int32_t> allowedPitches(const PitchMask& mask) {
  std::vector<int32_t> pitches;
  const auto weights = midigpt::pitchMaskWeights(mask);
  for (int32_t pitch = 0; pitch < 128; ++pitch) {
    if (weights[static_cast<size_t>(pitch)] > 0.0f) pitches.push_back(pitch);
  }
  return pitches;
}

std::string requestWith(const std::string& pitchMask) {
  return R"({"tracks": [{"id": 0, "bars": [0], "controls": {"pitch_mask": )" + pitchMask +
         R"(}}], "config": {"mask_mode": "attention"}})";
}

midigpt::Score oneTrack() {
  midigpt::Score score;
  auto& track = score.tracks.emplace_back();
  track.bars.resize(4);
  for (auto& bar : track.bars) bar.beatLength = 4.0;
  return score;
}

/// An error's message without its code-name prefix.
std::string messageOf(const Error& error) {
  const std::string prefix = midigpt::errorCodeName(error.code());
  return std::string(error.what()).substr(prefix.size() + 2);
}

/// The validation error of a parsed request, or "" when it passes.
std::string validationError(const std::string& pitchMask) {
  try {
    midigpt::validateRequest(GenerationRequest::fromJson(requestWith(pitchMask)), oneTrack(),
                             midigpt::testing::encoderConfig("yellow"));
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::InvalidRequest);
    return messageOf(error);
  }
  return "";
}

}  // namespace

TEST_CASE("pitch mask weights: hard sets, scales and shapes") {
  PitchMask cMajor;
  cMajor.scale = "major";
  const std::vector<int32_t> white = allowedPitches(cMajor);
  CHECK(white.size() == 75);  // 7 of 12 classes over 0-127 (0-119: 70, 120-127: 5)
  for (int32_t pitch : white) {
    const int32_t pitchClass = pitch % 12;
    CHECK((pitchClass != 1 && pitchClass != 3 && pitchClass != 6 && pitchClass != 8 &&
           pitchClass != 10));
  }
  PitchMask dDorian;
  dDorian.scale = "dorian";
  dDorian.root = 2;
  CHECK(allowedPitches(dDorian) == white);  // D dorian has C major's notes

  PitchMask listed;
  listed.pitches = {60, 64, 67};
  CHECK(allowedPitches(listed) == std::vector<int32_t>{60, 64, 67});

  PitchMask classes;
  classes.pitchClasses = {0};
  CHECK(allowedPitches(classes) ==
        std::vector<int32_t>{0, 12, 24, 36, 48, 60, 72, 84, 96, 108, 120});

  PitchMask uniform;
  uniform.scale = "chromatic";
  uniform.shape = PitchShape{PitchShape::Kind::Uniform, 58, 61};
  CHECK(allowedPitches(uniform) == std::vector<int32_t>{58, 59, 60, 61});

  PitchMask normal;
  normal.shape = PitchShape{PitchShape::Kind::Normal, 60, 2};
  const auto weights = midigpt::pitchMaskWeights(normal);
  CHECK(weights[60] == doctest::Approx(1.0));
  CHECK(weights[62] == doctest::Approx(std::exp(-0.5)));
  CHECK(weights[0] > 0.0f);  // a shape alone never forbids a pitch
  CHECK(weights[59] == weights[61]);

  for (std::string_view name : midigpt::pitchMaskScaleNames()) {
    INFO(name);
    CHECK_FALSE(midigpt::pitchMaskScale(name).empty());
  }
  CHECK(midigpt::pitchMaskScaleNames().size() == 14);
}

TEST_CASE("pitch masks in requests: parsed, written back and validated") {
  const GenerationRequest parsed = GenerationRequest::fromJson(requestWith(
      R"({"scale": "blues", "root": 9, "shape": {"type": "normal", "mean": 57, "std": 4}})"));
  REQUIRE(parsed.tracks[0].controls.pitchMask);
  CHECK(*parsed.tracks[0].controls.pitchMask->scale == "blues");
  CHECK(parsed.tracks[0].controls.pitchMask->root == 9);
  CHECK(GenerationRequest::fromJson(parsed.toJson()) == parsed);
  CHECK(validationError(R"({"scale": "blues", "root": 9})") == "");
  CHECK(validationError(R"({"pitches": [60, 62]})") == "");

  CHECK(validationError(R"({"scale": "klingon"})").starts_with(
      "tracks[0].controls.pitch_mask.scale: unknown scale 'klingon' (known: "));
  CHECK(validationError(R"({"scale": "major", "root": 12})") ==
        "tracks[0].controls.pitch_mask.root: 12 is outside [0, 11]");
  CHECK(validationError(R"({"pitches": [60, 128]})") ==
        "tracks[0].controls.pitch_mask.pitches[1]: 128 is outside [0, 127]");
  CHECK(validationError(R"({"pitch_classes": [12]})") ==
        "tracks[0].controls.pitch_mask.pitch_classes[0]: 12 is outside [0, 11]");
  CHECK(validationError(R"({"pitches": [60], "pitch_classes": [0]})") ==
        "tracks[0].controls.pitch_mask: give only one of pitches, scale and pitch_classes");
  CHECK(validationError(R"({})") ==
        "tracks[0].controls.pitch_mask: empty: give pitches, scale, pitch_classes or a shape");
  CHECK(validationError(
            R"({"pitches": [60], "shape": {"type": "uniform", "min": 70, "max": 80}})") ==
        "tracks[0].controls.pitch_mask: allows no pitch");
  CHECK(validationError(R"({"shape": {"type": "uniform", "min": 80, "max": 70}})") ==
        "tracks[0].controls.pitch_mask.shape: needs 0 <= min <= max <= 127");
  CHECK(validationError(R"({"shape": {"type": "normal", "mean": 60, "std": 0}})") ==
        "tracks[0].controls.pitch_mask.shape: needs mean in [0, 127] and std > 0");

  // Shape problems: a wrong type or key is malformed (400), an unknown kind invalid (422).
  const auto parseError = [](const std::string& mask) -> std::pair<ErrorCode, std::string> {
    try {
      GenerationRequest::fromJson(requestWith(mask));
    } catch (const Error& error) {
      return {error.code(), messageOf(error)};
    }
    FAIL("parsed: " << mask);
    return {};
  };
  CHECK(parseError(R"({"pitches": "C"})") ==
        std::pair{ErrorCode::InvalidArgument,
                  std::string("tracks[0].controls.pitch_mask.pitches: expected an array of "
                              "integers, got string")});
  CHECK(parseError(R"({"scales": "major"})") ==
        std::pair{ErrorCode::InvalidArgument,
                  std::string("tracks[0].controls.pitch_mask.scales: unknown field")});
  CHECK(parseError(R"({"shape": {"type": "triangle"}})") ==
        std::pair{ErrorCode::InvalidRequest,
                  std::string("tracks[0].controls.pitch_mask.shape.type: unknown shape "
                              "'triangle' (expected uniform or normal)")});
  CHECK(parseError(R"({"pitches": []})") ==
        std::pair{ErrorCode::InvalidRequest,
                  std::string("tracks[0].controls.pitch_mask.pitches: must not be empty")});
  CHECK(parseError(R"({"root": 2})") ==
        std::pair{ErrorCode::InvalidRequest,
                  std::string("tracks[0].controls.pitch_mask.root: only applies with scale")});
}

TEST_CASE("PitchMaskConstraint masks pitches inside its fill blocks only") {
  const midigpt::Vocabulary& vocabulary = midigpt::testing::encoderConfig("yellow").vocabulary;
  PitchMask onlyC;
  onlyC.pitches = {60};
  // Block 0 has no mask, block 1 allows only 60.
  PitchMaskConstraint constraint(vocabulary, false, 0,
                                 {std::nullopt, midigpt::pitchMaskWeights(onlyC)});
  std::vector<uint8_t> mask(static_cast<size_t>(vocabulary.size()));
  const auto allows = [&](int32_t pitch) {
    constraint.allowed(mask);
    return mask[static_cast<size_t>(vocabulary.id(TokenType::NoteOnset, pitch))] == 1;
  };
  constraint.reset();
  CHECK(allows(61));
  constraint.advance(vocabulary.id(TokenType::FillInStart, 0));
  CHECK(allows(61));
  constraint.advance(vocabulary.id(TokenType::FillInEnd, 0));
  constraint.advance(vocabulary.id(TokenType::FillInStart, 0));
  CHECK(allows(60));
  CHECK_FALSE(allows(61));
  std::vector<float> p(static_cast<size_t>(vocabulary.size()), 1.0f);
  CHECK_FALSE(constraint.weigh(p));  // a hard set alone has nothing soft to weigh
  constraint.advance(vocabulary.id(TokenType::FillInEnd, 0));
  CHECK(allows(61));
}
