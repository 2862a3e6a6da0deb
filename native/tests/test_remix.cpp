// Remix requests on their own: parsing, writing back and validation.

#include <doctest/doctest.h>

#include <string>

#include "midigpt/error.hpp"
#include "midigpt/generation_request.hpp"
#include "midigpt/remix.hpp"

#include "fixtures.hpp"

using midigpt::Error;
using midigpt::GenerationRequest;

namespace {

midigpt::Score oneTrack() {
  midigpt::Score score;
  score.tracks.emplace_back().bars.resize(4);
  for (auto& bar : score.tracks[0].bars) bar.beatLength = 4.0;
  return score;
}

}  // namespace

TEST_CASE("remix requests: parsed, written back and validated") {
  const auto remixRequest = [](const std::string& remix, const std::string& more = "") {
    return R"({"tracks": [{"id": 0, "bars": [0], "controls": {"remix": )" + remix + "}" + more +
           R"(}], "config": {"mask_mode": "attention"}})";
  };
  const GenerationRequest parsed =
      GenerationRequest::fromJson(remixRequest(R"({"amount": 0.25, "mode": "full"})"));
  REQUIRE(parsed.tracks[0].controls.remix);
  CHECK(parsed.tracks[0].controls.remix->mode == midigpt::RemixMode::Full);
  CHECK(GenerationRequest::fromJson(parsed.toJson()) == parsed);

  midigpt::Score score = oneTrack();
  score.tracks[0].bars[0].notes = {{0, 480, 60, 100, 0}};
  const auto invalid = [&](const std::string& json) -> std::string {
    try {
      midigpt::validateRequest(GenerationRequest::fromJson(json), score,
                               midigpt::testing::encoderConfig("yellow"));
    } catch (const Error& error) {
      const std::string prefix = midigpt::errorCodeName(error.code());
      return std::string(error.what()).substr(prefix.size() + 2);
    }
    return "";
  };
  CHECK(invalid(remixRequest(R"({"amount": 0.5})")) == "");
  CHECK(invalid(remixRequest(R"({"amount": 1.5})")) ==
        "tracks[0].controls.remix.amount: must be in [0, 1]");
  CHECK(invalid(remixRequest(R"({"amount": 0.5, "mode": "wild"})")) ==
        "tracks[0].controls.remix.mode: unknown mode 'wild' (expected pitch or full)");
  CHECK(invalid(remixRequest(R"({"amount": 0.5})",
                             R"(, "bar_controls": {"0": {"rhythm_mask": {"grid": {"unit": "half"}}}})")) ==
        "tracks[0]: remix and rhythm_mask exclude each other on a track");
  score.tracks[0].bars[0].notes.clear();
  CHECK(invalid(remixRequest(R"({"amount": 0.5})")) ==
        "tracks[0].controls.remix: bar 0 has no notes to remix");
}
