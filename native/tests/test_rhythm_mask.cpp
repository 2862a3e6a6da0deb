// Rhythm masks on their own: grid units, request parsing and validation.

#include <doctest/doctest.h>

#include <string>
#include <utility>

#include "midigpt/error.hpp"
#include "midigpt/generation_request.hpp"
#include "midigpt/rhythm_mask.hpp"

#include "fixtures.hpp"

using midigpt::Error;
using midigpt::ErrorCode;
using midigpt::GenerationRequest;

namespace {

std::string requestWith(const std::string& rhythmMask, int tracksPerStep = 1) {
  return R"({"tracks": [{"id": 0, "bars": [0, 1], "controls": {"rhythm_mask": )" + rhythmMask +
         R"(}}], "config": {"mask_mode": "attention", "tracks_per_step": )" +
         std::to_string(tracksPerStep) + "}}";
}

midigpt::Score oneTrack() {
  midigpt::Score score;
  auto& track = score.tracks.emplace_back();
  track.bars.resize(4);
  track.bars[1].tsNumerator = 3;  // a 3/4 bar: 36 grid ticks at 12 per quarter
  for (auto& bar : track.bars) bar.beatLength = 4.0 * bar.tsNumerator / bar.tsDenominator;
  return score;
}

std::pair<ErrorCode, std::string> errorOf(const std::string& rhythmMask, int tracksPerStep = 1) {
  try {
    midigpt::validateRequest(GenerationRequest::fromJson(requestWith(rhythmMask, tracksPerStep)),
                             oneTrack(), midigpt::testing::encoderConfig("yellow"));
  } catch (const Error& error) {
    const std::string prefix = midigpt::errorCodeName(error.code());
    return {error.code(), std::string(error.what()).substr(prefix.size() + 2)};
  }
  return {ErrorCode::InvalidRequest, ""};
}

std::string invalid(const std::string& rhythmMask, int tracksPerStep = 1) {
  const auto [code, message] = errorOf(rhythmMask, tracksPerStep);
  CHECK(code == ErrorCode::InvalidRequest);
  return message;
}

}  // namespace

TEST_CASE("rhythm grid units in ticks") {
  CHECK(midigpt::rhythmGridUnits().size() == 8);
  CHECK(midigpt::rhythmGridTicks("whole", 12) == 48);
  CHECK(midigpt::rhythmGridTicks("quarter", 12) == 12);
  CHECK(midigpt::rhythmGridTicks("sixteenth", 12) == 3);
  CHECK(midigpt::rhythmGridTicks("quarter_triplet", 12) == 8);
  CHECK(midigpt::rhythmGridTicks("sixteenth_triplet", 12) == 2);
  CHECK(midigpt::rhythmGridTicks("sixteenth_triplet", 8) == 0);  // not a whole tick
  CHECK(midigpt::rhythmGridTicks("bar", 12) == 0);
}

TEST_CASE("rhythm masks in requests: parsed, written back and validated") {
  const GenerationRequest parsed = GenerationRequest::fromJson(
      requestWith(R"({"positions": [{"pos": 0, "polyphony": 2}, {"pos": 6}]})"));
  REQUIRE(parsed.tracks[0].controls.rhythmMask);
  CHECK(parsed.tracks[0].controls.rhythmMask->positions ==
        std::vector<midigpt::RhythmOnset>{{0, 2}, {6, 1}});
  CHECK(GenerationRequest::fromJson(parsed.toJson()) == parsed);

  CHECK(invalid(R"({"positions": [{"pos": 0}, {"pos": 35}]})") == "");
  CHECK(invalid(R"({"grid": {"unit": "eighth", "strength": 0.5}})") == "");
  CHECK(invalid(R"({"positions": [{"pos": 0}, {"pos": 36}]})") ==
        "tracks[0].controls.rhythm_mask.positions[1].pos: 36 is past the end of bar 1 (36 ticks "
        "at the encoder's resolution 12)");
  CHECK(invalid(R"({"positions": [{"pos": 3}]})") ==
        "tracks[0].controls.rhythm_mask.positions[0].pos: the first onset must be at pos 0");
  CHECK(invalid(R"({"positions": [{"pos": 0}, {"pos": 6}, {"pos": 6}]})") ==
        "tracks[0].controls.rhythm_mask.positions[2].pos: onsets must increase");
  CHECK(invalid(R"({"positions": [{"pos": 0, "polyphony": 0}]})") ==
        "tracks[0].controls.rhythm_mask.positions[0].polyphony: must be >= 1");
  CHECK(invalid(R"({"positions": [{"pos": 0}]})", 2) ==
        "tracks[0].controls.rhythm_mask.positions: needs config.tracks_per_step 1 (got 2)");
  CHECK(invalid(R"({"positions": [{"pos": 0}], "grid": {"unit": "half"}})") ==
        "tracks[0].controls.rhythm_mask: positions and grid are mutually exclusive");
  CHECK(invalid(R"({})") == "tracks[0].controls.rhythm_mask: empty: give positions or grid");
  CHECK(invalid(R"({"grid": {"unit": "bar"}})").starts_with(
      "tracks[0].controls.rhythm_mask.grid.unit: unknown unit 'bar' (known: "));
  CHECK(invalid(R"({"grid": {"unit": "half", "strength": 1.5}})") ==
        "tracks[0].controls.rhythm_mask.grid.strength: must be in [0, 1]");
  CHECK(invalid(R"({"positions": []})") ==
        "tracks[0].controls.rhythm_mask.positions: must not be empty");

  CHECK(errorOf(R"({"positions": [{"polyphony": 2}]})") ==
        std::pair{ErrorCode::InvalidArgument,
                  std::string("tracks[0].controls.rhythm_mask.positions[0].pos: required")});
  CHECK(errorOf(R"({"grid": {"unit": "half", "swing": 1}})") ==
        std::pair{ErrorCode::InvalidArgument,
                  std::string("tracks[0].controls.rhythm_mask.grid.swing: unknown field")});
  CHECK(errorOf(R"({"positions": 0})") ==
        std::pair{ErrorCode::InvalidArgument,
                  std::string("tracks[0].controls.rhythm_mask.positions: expected an array of "
                              "onsets, got number")});
}
