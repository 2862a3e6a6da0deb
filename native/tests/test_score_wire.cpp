// The JNI wire format: lossless round trips and rejection of malformed words.
#include <doctest/doctest.h>

#include <limits>

#include "midigpt/error.hpp"
#include "midigpt/score_wire.hpp"

using namespace midigpt;

namespace {

Score sampleScore() {
  Score score;
  score.resolution = 12;
  score.tempo = 400000;
  Track piano;
  piano.instrument = 5;
  piano.attributes[TokenType::MinPolyphony] = 2;
  Bar bar;
  bar.tsNumerator = 7;
  bar.tsDenominator = 8;
  bar.beatLength = 3.5;
  bar.future = true;
  bar.attributes[TokenType::BarLevelOnsetDensity] = 4;
  bar.notes = {{0, 6, 60, 90, 0}, {3, 200, 64, 1, -2}};
  piano.bars = {bar, Bar{}};
  Track drums;
  drums.type = TrackType::Drum;
  drums.bars = {Bar{}, Bar{}};
  score.tracks = {piano, drums};
  return score;
}

void requireRejected(const std::vector<int32_t>& words, const char* fragment) {
  try {
    unpackScore(words);
    FAIL("malformed words were accepted");
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::InvalidScore);
    CHECK_MESSAGE(std::string(error.what()).find(fragment) != std::string::npos,
                  std::string(error.what()));
  }
}

}  // namespace

TEST_CASE("a score survives pack and unpack unchanged") {
  const Score score = sampleScore();
  CHECK(unpackScore(packScore(score)) == score);
}

TEST_CASE("an empty score packs to its header only") {
  const Score empty;
  CHECK(packScore(empty) == std::vector<int32_t>{480, 500000, 0});
  CHECK(unpackScore(packScore(empty)) == empty);
}

TEST_CASE("malformed words are rejected with the reason") {
  const std::vector<int32_t> good = packScore(sampleScore());

  std::vector<int32_t> truncated(good.begin(), good.end() - 1);
  requireRejected(truncated, "exceeds the data");
  requireRejected({480}, "data ends before tempo");

  std::vector<int32_t> trailing = good;
  trailing.push_back(7);
  requireRejected(trailing, "trailing data");

  requireRejected({480, 500000, -1}, "negative track count");
  requireRejected({480, 500000, std::numeric_limits<int32_t>::max()}, "exceeds the data");
  requireRejected({0, 500000, 0}, "resolution");
  requireRejected({480, 500000, 1, 0, 2, 0, 0}, "track type");
  requireRejected({480, 500000, 1, 0, 0, 1, 9999, 1, 0}, "unknown attribute token type");

  // A beat length whose bit pattern is NaN.
  requireRejected({480, 500000, 1, 0, 0, 0, 1, 4, 4, 0x7ff80000, 0, 0, 0, 0}, "beat length");
}
