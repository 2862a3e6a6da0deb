// Tokenizer parity with the reference's golden fixtures, plus the spec's small examples and
// error cases.

#include <doctest/doctest.h>


#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "midigpt/encoder_config.hpp"
#include "midigpt/error.hpp"
#include "midigpt/midi_io.hpp"
#include "midigpt/score.hpp"
#include "midigpt/tokenizer.hpp"

#include "fixtures.hpp"

using midigpt::Bar;
using midigpt::DecodeOptions;
using midigpt::EncodeOptions;
using midigpt::EncoderConfig;
using midigpt::Error;
using midigpt::ErrorCode;
using midigpt::Note;
using midigpt::Score;
using midigpt::TokenType;
using midigpt::Tokenizer;
using midigpt::Track;
using midigpt::TrackType;
using Json = nlohmann::json;
using midigpt::testing::fixtureScore;
using midigpt::testing::encoderConfig;
using midigpt::testing::goldenDir;
using midigpt::testing::goldenPieces;
using midigpt::testing::midiBytes;
using midigpt::testing::readGzipJson;

namespace {

const Tokenizer& tokenizerFor(const std::string& encoder) {
  static std::map<std::string, Tokenizer> tokenizers;
  auto found = tokenizers.find(encoder);
  if (found == tokenizers.end()) {
    found = tokenizers.emplace(encoder, Tokenizer(encoderConfig(encoder))).first;
  }
  return found->second;
}

DecodeOptions referenceDecodeOptions() {
  DecodeOptions options;
  options.exactBeatLength = false;
  options.identityVelocityForSingletonBins = false;
  return options;
}

/// Track-level attribute names of the fixtures (the reference's keys) and their token types.
const std::map<std::string, TokenType>& trackAttributeTypes() {
  static const std::map<std::string, TokenType> types = {
      {"min_polyphony", TokenType::MinPolyphony},
      {"max_polyphony", TokenType::MaxPolyphony},
      {"min_note_duration", TokenType::MinNoteDuration},
      {"max_note_duration", TokenType::MaxNoteDuration},
      {"note_density", TokenType::NoteDensity},
      {"onset_polyphony", TokenType::BarLevelOnsetPolyphonyMax},
      {"pitch_range", TokenType::TrackLevelPitchRangeMax},
      {"key_signature", TokenType::KeySignature},
      {"silence_proportion", TokenType::TrackLevelSilenceProportionMax},
      {"nomml", TokenType::TrackLevelNomml},
      {"note_duration_dist", TokenType::NoteDuration},
  };
  return types;
}

/// Stores a fixture attribute map (track names and `bar_<TokenType>_<i>` keys) into the model.
void setAttributes(Track& track, const Json& attributes) {
  track.attributes.clear();
  for (Bar& bar : track.bars) bar.attributes.clear();
  for (const auto& [key, value] : attributes.items()) {
    if (key.rfind("bar_", 0) == 0) {
      const size_t separator = key.rfind('_');
      const std::string typeName = key.substr(4, separator - 4);
      const size_t barIndex = std::stoul(key.substr(separator + 1));
      const std::optional<TokenType> type = midigpt::parseTokenType(typeName);
      REQUIRE_MESSAGE(type.has_value(), "unknown attribute key " << key);
      REQUIRE_MESSAGE(barIndex < track.bars.size(), "attribute of a missing bar: " << key);
      track.bars[barIndex].attributes[*type] = value.get<int32_t>();
    } else {
      const auto found = trackAttributeTypes().find(key);
      REQUIRE_MESSAGE(found != trackAttributeTypes().end(), "unknown attribute key " << key);
      track.attributes[found->second] = value.get<int32_t>();
    }
  }
}

Score parseScore(const Json& json) {
  Score score = fixtureScore(json);
  for (size_t t = 0; t < score.tracks.size(); ++t) {
    const Json& trackJson = json["tracks"][t];
    if (trackJson.contains("attributes")) setAttributes(score.tracks[t], trackJson["attributes"]);
  }
  return score;
}

/// First difference between two scores, for failure messages.
std::string firstDifference(const Score& actual, const Score& expected) {
  std::ostringstream out;
  if (actual.resolution != expected.resolution || actual.tempo != expected.tempo) {
    out << "resolution/tempo " << actual.resolution << "/" << actual.tempo << " vs "
        << expected.resolution << "/" << expected.tempo;
    return out.str();
  }
  if (actual.tracks.size() != expected.tracks.size()) {
    out << "track count " << actual.tracks.size() << " vs " << expected.tracks.size();
    return out.str();
  }
  for (size_t t = 0; t < actual.tracks.size(); ++t) {
    const Track& a = actual.tracks[t];
    const Track& e = expected.tracks[t];
    if (a.instrument != e.instrument || a.type != e.type) out << "track " << t << " header";
    else if (a.attributes != e.attributes) out << "track " << t << " attributes";
    else if (a.bars.size() != e.bars.size()) out << "track " << t << " bar count";
    if (!out.str().empty()) return out.str();
    for (size_t b = 0; b < a.bars.size(); ++b) {
      if (a.bars[b] == e.bars[b]) continue;
      out << "track " << t << " bar " << b;
      return out.str();
    }
  }
  return out.str();
}

std::vector<int32_t> tokensOf(const Json& json) { return json.get<std::vector<int32_t>>(); }

/// Index of the first differing token, for failure messages.
size_t firstMismatch(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  return i;
}

struct Tally {
  int32_t equal = 0;
  int32_t total = 0;
  void add(bool ok) {
    ++total;
    if (ok) ++equal;
  }
};

const Json& goldenPiece(const std::filesystem::path& path) {
  static std::map<std::string, Json> cache;
  auto found = cache.find(path.string());
  if (found == cache.end()) {
    found = cache.emplace(path.string(), readGzipJson(path)).first;
  }
  return found->second;
}

/// The bars a fixture case encodes: the whole piece for "full", else the first N bars.
Score caseScore(const Score& piece, const std::string& caseName) {
  if (caseName == "full") return piece;
  const int32_t bars = std::stoi(caseName.substr(std::string("window").size()));
  return midigpt::windowOf(piece, 0, bars);
}

Score singleBarScore(const std::vector<Note>& notes, TrackType type = TrackType::Melodic) {
  Score score;
  score.resolution = 12;
  Track& track = score.tracks.emplace_back();
  track.type = type;
  Bar& bar = track.bars.emplace_back();
  bar.notes = notes;
  return score;
}

/// Ids of (type, value) pairs, to write expected sequences by name.
std::vector<int32_t> ids(const Tokenizer& tokenizer,
                         const std::vector<std::pair<TokenType, int32_t>>& tokens) {
  std::vector<int32_t> result;
  for (const auto& [type, value] : tokens) result.push_back(tokenizer.vocabulary().id(type, value));
  return result;
}

template <typename Function>
Error expectError(Function&& function) {
  try {
    function();
  } catch (const Error& error) {
    return error;
  }
  FAIL("no midigpt::Error was thrown");
  return Error(ErrorCode::InvalidArgument, "unreachable");
}

}  // namespace

TEST_CASE("golden parity: encode and decode every piece, encoder and case") {
  const char* const encoders[] = {"yellow", "prism", "expressive"};
  const char* const cases[] = {"full", "window4", "window8"};
  std::map<std::string, Tally> encodeTally;
  std::map<std::string, Tally> decodeTally;
  std::map<std::string, Tally> outputTally;
  Tally readerTally;
  Tally defaultOptionsTally;
  const DecodeOptions reference = referenceDecodeOptions();

  const auto pieces = goldenPieces();
  REQUIRE(pieces.size() == 29);
  for (const auto& path : pieces) {
    const Json& fixture = goldenPiece(path);
    const std::string name = path.filename().string();
    for (const char* encoder : encoders) {
      const Tokenizer& tokenizer = tokenizerFor(encoder);
      const bool delta = std::string(encoder) == "expressive";
      const Score piece = parseScore(fixture[delta ? "score_model_delta" : "score_model_nodelta"]);
      const Json& encoderCases = fixture["encoders"][encoder];

      for (const char* caseName : cases) {
        if (!encoderCases.contains(caseName)) continue;
        const Json& fixtureCase = encoderCases[caseName];
        REQUIRE_FALSE(fixtureCase.contains("error"));
        CAPTURE(name);
        CAPTURE(encoder);
        CAPTURE(caseName);

        Score score = caseScore(piece, caseName);
        const Json& attributes = fixtureCase["attributes"];
        REQUIRE(attributes.size() == score.tracks.size());
        for (size_t t = 0; t < score.tracks.size(); ++t) {
          setAttributes(score.tracks[t], attributes[t]);
        }
        EncodeOptions options;
        options.windowBars = fixtureCase["window_bars_option"].get<int32_t>();

        const std::vector<int32_t> expected = tokensOf(fixtureCase["tokens"]);
        const std::vector<int32_t> tokens = tokenizer.encodeNormalized(score, options);
        const bool tokensEqual = tokens == expected;
        encodeTally[encoder].add(tokensEqual);
        CHECK_MESSAGE(tokensEqual, "first mismatch at " << firstMismatch(tokens, expected) << " of "
                                                        << expected.size());

        Score expectedDecoded = parseScore(fixtureCase["decoded"]);
        // The reference labels the decoded score with decode_resolution although its ticks are
        // at the encoder grid; ours says what the ticks are.
        expectedDecoded.resolution = tokenizer.config().resolution;
        const Score decoded = tokenizer.decode(expected, reference);
        const bool decodedEqual = decoded == expectedDecoded;
        decodeTally[encoder].add(decodedEqual);
        CHECK_MESSAGE(decodedEqual, firstDifference(decoded, expectedDecoded));

        if (fixtureCase.contains("decoded_output")) {
          const Score expectedOutput = parseScore(fixtureCase["decoded_output"]);
          const Score output = tokenizer.normalizeOutput(decoded);
          const bool outputEqual = output == expectedOutput;
          outputTally[encoder].add(outputEqual);
          CHECK_MESSAGE(outputEqual, firstDifference(output, expectedOutput));
        }
      }

      // Whole piece with default options: NumBars is the bar count, which must be allowed.
      const std::string outcome = encoderCases["full_default_opts"].get<std::string>();
      try {
        tokenizer.encodeNormalized(piece, EncodeOptions{});
        defaultOptionsTally.add(outcome == "ok");
        CHECK_MESSAGE(outcome == "ok", name << " " << encoder);
      } catch (const Error& error) {
        const bool matches = error.code() == ErrorCode::InvalidArgument &&
                             outcome == "ValueError: Encoder: " + error.detail();
        defaultOptionsTally.add(matches);
        CHECK_MESSAGE(matches, error.what() << " vs " << outcome);
      }
    }

    // The reference's own parity path: reader at 12, no attributes, yellow.
    const Score reader12 = parseScore(fixture["score_reader12"]);
    for (const char* caseName : cases) {
      if (!fixture["reader12_yellow_noattr"].contains(caseName)) continue;
      const Json& fixtureCase = fixture["reader12_yellow_noattr"][caseName];
      EncodeOptions options;
      options.windowBars = fixtureCase["window_bars_option"].get<int32_t>();
      const std::vector<int32_t> expected = tokensOf(fixtureCase["tokens"]);
      const std::vector<int32_t> tokens =
          tokenizerFor("yellow").encodeNormalized(caseScore(reader12, caseName), options);
      readerTally.add(tokens == expected);
      CHECK_MESSAGE(tokens == expected, name << " reader12 " << caseName << " first mismatch at "
                                             << firstMismatch(tokens, expected));
    }
  }

  std::ostringstream report;
  report << "golden parity (cases equal / total):\n";
  for (const char* encoder : encoders) {
    report << "  " << encoder << ": tokens " << encodeTally[encoder].equal << "/"
           << encodeTally[encoder].total << ", decoded " << decodeTally[encoder].equal << "/"
           << decodeTally[encoder].total << ", decoded_output " << outputTally[encoder].equal
           << "/" << outputTally[encoder].total << "\n";
  }
  report << "  reader12_yellow_noattr: tokens " << readerTally.equal << "/" << readerTally.total
         << "\n  full_default_opts outcome: " << defaultOptionsTally.equal << "/"
         << defaultOptionsTally.total << "\n";
  std::cout << report.str();
  for (const char* encoder : encoders) {
    CHECK(encodeTally[encoder].total == 84);
    CHECK(decodeTally[encoder].total == 84);
  }
  CHECK(readerTally.total == 84);
}

TEST_CASE("normalizeInput reproduces the reference resampler") {
  const Tokenizer& yellow = tokenizerFor("yellow");
  const Tokenizer& expressive = tokenizerFor("expressive");
  Tally nodelta;
  Tally delta;
  for (const auto& path : goldenPieces()) {
    const Json& fixture = goldenPiece(path);
    CAPTURE(path.filename().string());
    const Score score480 = parseScore(fixture["score_480"]);
    const Score expectedNodelta = parseScore(fixture["score_model_nodelta"]);
    const Score expectedDelta = parseScore(fixture["score_model_delta"]);
    const Score actualNodelta = yellow.normalizeInput(score480);
    const Score actualDelta = expressive.normalizeInput(score480);
    nodelta.add(actualNodelta == expectedNodelta);
    delta.add(actualDelta == expectedDelta);
    CHECK_MESSAGE(actualNodelta == expectedNodelta,
                  firstDifference(actualNodelta, expectedNodelta));
    CHECK_MESSAGE(actualDelta == expectedDelta, firstDifference(actualDelta, expectedDelta));
  }
  std::cout << "normalizeInput parity: no delta " << nodelta.equal << "/" << nodelta.total
            << ", delta " << delta.equal << "/" << delta.total << "\n";

  // A score already at the grid comes back unchanged, deltas included.
  Score atGrid = singleBarScore({{5, 3, 60, 90, 4}});
  CHECK(expressive.normalizeInput(atGrid) == atGrid);
  // Downsampling floors onsets and durations (minimum duration 1) and clamps at 0.
  Score fine = singleBarScore({{79, 39, 60, 90, 0}, {-5, 10, 61, 90, 0}});
  fine.resolution = 480;
  const Score coarse = yellow.normalizeInput(fine);
  CHECK(coarse.resolution == 12);
  CHECK(coarse.tracks[0].bars[0].notes[0] == Note{1, 1, 60, 90, 0});
  CHECK(coarse.tracks[0].bars[0].notes[1] == Note{0, 1, 61, 90, 0});
  // Expressive: p = (onset + delta/480) * 12/480, delta = round-half-even((p - floor p) * 12).
  Score withDelta = singleBarScore({{20, 40, 60, 90, 0}, {50, 40, 60, 90, 0}});
  withDelta.resolution = 480;
  const Score folded = expressive.normalizeInput(withDelta);
  CHECK(folded.tracks[0].bars[0].notes[0].onset == 0);
  CHECK(folded.tracks[0].bars[0].notes[0].delta == 6);  // 0.5 * 12 = 6 exactly
  CHECK(folded.tracks[0].bars[0].notes[1].onset == 1);
  CHECK(folded.tracks[0].bars[0].notes[1].delta == 3);
  Score badResolution = singleBarScore({});
  badResolution.resolution = 0;
  CHECK(expectError([&] { yellow.normalizeInput(badResolution); }).code() ==
        ErrorCode::InvalidScore);
}

TEST_CASE("spec §4.3 example: notes inside a bar") {
  const Tokenizer& yellow = tokenizerFor("yellow");
  // (pitch, velocity, onset, duration) = (64,100,0,12), (60,100,0,24), (67,80,18,6).
  const Score score =
      singleBarScore({{0, 12, 64, 100, 0}, {0, 24, 60, 100, 0}, {18, 6, 67, 80, 0}});
  EncodeOptions options;
  options.windowBars = 4;
  const std::vector<int32_t> tokens = yellow.encodeNormalized(score, options);
  using T = TokenType;
  const std::vector<int32_t> expected = ids(
      yellow, {{T::PieceStart, 0}, {T::NumBars, 0}, {T::Track, 0}, {T::Instrument, 0},
               {T::Bar, 0}, {T::TimeSig, 13}, {T::VelocityLevel, 25}, {T::NoteOnset, 60},
               {T::NoteDuration, 23}, {T::NoteOnset, 64}, {T::NoteDuration, 11},
               {T::TimeAbsolutePos, 18}, {T::VelocityLevel, 20}, {T::NoteOnset, 67},
               {T::NoteDuration, 5}, {T::BarEnd, 0}, {T::TrackEnd, 0}});
  CHECK(tokens == expected);

  // Decoding gives the notes back in decode order with dequantised velocities.
  const Score decoded = yellow.decode(tokens);
  REQUIRE(decoded.tracks.size() == 1);
  REQUIRE(decoded.tracks[0].bars.size() == 1);
  const std::vector<Note> notes = {{0, 24, 60, 101, 0}, {0, 12, 64, 101, 0}, {18, 6, 67, 80, 0}};
  CHECK(decoded.tracks[0].bars[0].notes == notes);
  CHECK(decoded.resolution == 12);
  CHECK(decoded.tempo == 500000);
}

TEST_CASE("notes: grouping, stickiness, clamping and drums") {
  const Tokenizer& yellow = tokenizerFor("yellow");
  EncodeOptions options;
  options.windowBars = 4;
  using T = TokenType;
  const auto barTokens = [&](const Score& score) {
    const std::vector<int32_t> tokens = yellow.encodeNormalized(score, options);
    const int32_t bar = yellow.vocabulary().id(T::Bar, 0);
    const int32_t barEnd = yellow.vocabulary().id(T::BarEnd, 0);
    const auto begin = std::find(tokens.begin(), tokens.end(), bar);
    const auto end = std::find(begin, tokens.end(), barEnd);
    return std::vector<int32_t>(begin + 2, end);  // after Bar TimeSig
  };

  // Groups in order of first appearance, not sorted; onset 0 never emits a position.
  CHECK(barTokens(singleBarScore({{12, 1, 62, 100, 0}, {0, 1, 60, 100, 0}, {12, 1, 61, 100, 0}})) ==
        ids(yellow, {{T::TimeAbsolutePos, 12}, {T::VelocityLevel, 25}, {T::NoteOnset, 61},
                     {T::NoteDuration, 0}, {T::NoteOnset, 62}, {T::NoteDuration, 0},
                     {T::NoteOnset, 60}, {T::NoteDuration, 0}}));
  // Out-of-range values are clamped (pitch sorting puts 60 first in the shared onset group).
  CHECK(barTokens(singleBarScore({{300, 500, 200, 100, 0}, {300, 0, 60, 100, 0}})) ==
        ids(yellow, {{T::TimeAbsolutePos, 191}, {T::VelocityLevel, 25}, {T::NoteOnset, 60},
                     {T::NoteDuration, 0}, {T::NoteOnset, 127}, {T::NoteDuration, 95}}));
  // Velocity 0 emits nothing and leaves the sticky level alone.
  CHECK(barTokens(singleBarScore({{0, 1, 60, 100, 0}, {5, 1, 61, 0, 0}, {10, 1, 62, 100, 0}})) ==
        ids(yellow, {{T::VelocityLevel, 25}, {T::NoteOnset, 60}, {T::NoteDuration, 0},
                     {T::TimeAbsolutePos, 5}, {T::NoteOnset, 61}, {T::NoteDuration, 0},
                     {T::TimeAbsolutePos, 10}, {T::NoteOnset, 62}, {T::NoteDuration, 0}}));
  // Drum notes have no duration.
  CHECK(barTokens(singleBarScore({{0, 5, 36, 100, 0}, {6, 5, 42, 60, 0}}, TrackType::Drum)) ==
        ids(yellow, {{T::VelocityLevel, 25}, {T::NoteOnset, 36}, {T::TimeAbsolutePos, 6},
                     {T::VelocityLevel, 15}, {T::NoteOnset, 42}}));

  // Sticky velocity restarts in every bar.
  Score twoBars = singleBarScore({{0, 1, 60, 100, 0}});
  twoBars.tracks[0].bars.push_back(twoBars.tracks[0].bars[0]);
  const std::vector<int32_t> tokens = yellow.encodeNormalized(twoBars, options);
  const int32_t level25 = yellow.vocabulary().id(T::VelocityLevel, 25);
  CHECK(std::count(tokens.begin(), tokens.end(), level25) == 2);

  // The instrument token is the merge group; out-of-range programs use group 0.
  Score program = singleBarScore({});
  program.tracks[0].instrument = 96;
  CHECK(yellow.encodeNormalized(program, options)[3] == yellow.vocabulary().id(T::Instrument, 77));
  program.tracks[0].instrument = 300;
  CHECK(yellow.encodeNormalized(program, options)[3] == yellow.vocabulary().id(T::Instrument, 0));
}

TEST_CASE("spec §4.6 example: infill encoding and fill-block resolution") {
  const Tokenizer& yellow = tokenizerFor("yellow");
  using T = TokenType;
  Score score;
  score.resolution = 12;
  score.tracks.resize(2);
  Track& melodic = score.tracks[0];
  melodic.attributes = {{T::MinPolyphony, 1}, {T::MaxPolyphony, 2}, {T::MinNoteDuration, 2},
                        {T::MaxNoteDuration, 3}};
  Track& drums = score.tracks[1];
  drums.type = TrackType::Drum;
  drums.attributes = {{T::NoteDensity, 4}};
  for (int32_t b = 0; b < 4; ++b) {
    melodic.bars.push_back(Bar{});
    melodic.bars.back().notes = {{0, 24, 60, 100, 0}};
    drums.bars.push_back(Bar{});
    drums.bars.back().notes = {{0, 1, 36, 100, 0}, {6, 1, 42, 60, 0}};
  }
  EncodeOptions options;
  options.infillTargets = {{1, 2}, {0, 1}, {0, 1}, {5, 0}, {0, 9}};  // unordered, repeats, missing
  const std::vector<int32_t> tokens = yellow.encodeNormalized(score, options);

  const std::vector<std::pair<T, int32_t>> melodicNotes = {
      {T::VelocityLevel, 25}, {T::NoteOnset, 60}, {T::NoteDuration, 23}};
  const std::vector<std::pair<T, int32_t>> drumNotes = {
      {T::VelocityLevel, 25}, {T::NoteOnset, 36}, {T::TimeAbsolutePos, 6},
      {T::VelocityLevel, 15}, {T::NoteOnset, 42}};
  std::vector<std::pair<T, int32_t>> expected = {
      {T::PieceStart, 1},      {T::NumBars, 0},         {T::Track, 0},
      {T::Instrument, 0},      {T::MinPolyphony, 1},    {T::MaxPolyphony, 2},
      {T::MinNoteDuration, 2}, {T::MaxNoteDuration, 3}};
  const auto addBar = [&](const std::vector<std::pair<T, int32_t>>& body) {
    expected.push_back({T::Bar, 0});
    expected.push_back({T::TimeSig, 13});
    expected.insert(expected.end(), body.begin(), body.end());
    expected.push_back({T::BarEnd, 0});
  };
  const std::vector<std::pair<T, int32_t>> placeholder = {{T::FillInPlaceholder, 0}};
  addBar(melodicNotes);
  addBar(placeholder);
  addBar(melodicNotes);
  addBar(melodicNotes);
  expected.insert(expected.end(),
                  {{T::TrackEnd, 0}, {T::Track, 1}, {T::Instrument, 0}, {T::NoteDensity, 4}});
  addBar(drumNotes);
  addBar(drumNotes);
  addBar(placeholder);
  addBar(drumNotes);
  expected.push_back({T::TrackEnd, 0});
  expected.push_back({T::FillInStart, 0});
  expected.insert(expected.end(), melodicNotes.begin(), melodicNotes.end());
  expected.push_back({T::FillInEnd, 0});
  expected.push_back({T::FillInStart, 0});
  expected.insert(expected.end(), drumNotes.begin(), drumNotes.end());
  expected.push_back({T::FillInEnd, 0});
  CHECK(tokens == ids(yellow, expected));

  // Decoding moves each block into its placeholder: every bar has its notes again.
  const Score decoded = yellow.decode(tokens);
  REQUIRE(decoded.tracks.size() == 2);
  for (int32_t b = 0; b < 4; ++b) {
    CAPTURE(b);
    CHECK(decoded.tracks[0].bars[static_cast<size_t>(b)].notes ==
          std::vector<Note>{{0, 24, 60, 101, 0}});
    CHECK(decoded.tracks[1].bars[static_cast<size_t>(b)].notes ==
          std::vector<Note>{{0, 1, 36, 101, 0}, {6, 1, 42, 59, 0}});
  }
  CHECK(decoded.tracks[0].attributes == melodic.attributes);
  CHECK(decoded.tracks[1].attributes == drums.attributes);
  CHECK(decoded.tracks[1].type == TrackType::Drum);

  // Bar attributes of target bars are still emitted (they condition the fill).
  const Tokenizer& prism = tokenizerFor("prism");
  Score prismScore = singleBarScore({{0, 12, 60, 100, 0}});
  prismScore.tracks[0].bars[0].attributes = {{T::BarLevelOnsetPolyphonyMin, 2}};
  EncodeOptions one;
  one.windowBars = 4;
  one.infillTargets = {{0, 0}};
  const std::vector<int32_t> prismTokens = prism.encodeNormalized(prismScore, one);
  CHECK(std::vector<int32_t>(prismTokens.begin() + 4, prismTokens.begin() + 8) ==
        ids(prism, {{T::Bar, 0}, {T::BarLevelOnsetPolyphonyMin, 2}, {T::TimeSig, 13},
                    {T::FillInPlaceholder, 0}}));

  // A fill block without FillInEnd runs to the end of the sequence; extra placeholders stay empty.
  std::vector<int32_t> truncated = tokens;
  truncated.pop_back();
  const Score partial = yellow.decode(truncated);
  CHECK(partial.tracks[1].bars[2].notes.size() == 2);
}

TEST_CASE("future bars: span masks, removal, MaskBar and plain notes") {
  const Tokenizer& yellow = tokenizerFor("yellow");
  using T = TokenType;
  Score score = singleBarScore({{0, 12, 60, 100, 0}});
  score.tracks[0].bars.push_back(score.tracks[0].bars[0]);
  score.tracks[0].bars[1].future = true;
  EncodeOptions options;
  options.windowBars = 4;
  const std::vector<std::pair<T, int32_t>> header = {
      {T::PieceStart, 0}, {T::NumBars, 0}, {T::Track, 0}, {T::Instrument, 0}};
  const std::vector<std::pair<T, int32_t>> noteBar = {
      {T::Bar, 0},         {T::TimeSig, 13},      {T::VelocityLevel, 25},
      {T::NoteOnset, 60},  {T::NoteDuration, 11}, {T::BarEnd, 0}};
  const auto sequence = [&](const std::vector<std::vector<std::pair<T, int32_t>>>& bars) {
    std::vector<std::pair<T, int32_t>> all = header;
    for (const auto& bar : bars) all.insert(all.end(), bar.begin(), bar.end());
    all.push_back({T::TrackEnd, 0});
    return ids(yellow, all);
  };

  // No MaskBar in the vocabulary and no span masks: the future bar's notes are encoded.
  CHECK(yellow.encodeNormalized(score, options) == sequence({noteBar, noteBar}));
  options.spanMaskFutureBars = true;
  CHECK(yellow.encodeNormalized(score, options) ==
        sequence({noteBar, {{T::Bar, 0}, {T::TimeSig, 13}, {T::BarEnd, 0}}}));
  options.spanMaskFutureBars = false;
  options.removeFutureBars = true;
  CHECK(yellow.encodeNormalized(score, options) == sequence({noteBar}));

  // A vocabulary with MaskBar replaces the future bar's notes with it.
  Json config = Json::parse(yellow.config().toJson());
  config.erase("token_domains");
  config["supports_mask_bar_token"] = true;
  const Tokenizer masked(EncoderConfig::fromJson(config.dump()));
  EncodeOptions maskOptions;
  maskOptions.windowBars = 4;
  const std::vector<int32_t> tokens = masked.encodeNormalized(score, maskOptions);
  CHECK(std::count(tokens.begin(), tokens.end(), masked.vocabulary().id(T::MaskBar, 0)) == 1);
  const Score decoded = masked.decode(tokens);
  CHECK(decoded.tracks[0].bars.size() == 2);
  CHECK(decoded.tracks[0].bars[1].notes.empty());
}

TEST_CASE("piece-level tokens, attributes and PitchClassSet") {
  using T = TokenType;
  const Tokenizer& expressive = tokenizerFor("expressive");
  Score score = singleBarScore({{0, 12, 60, 100, -3}, {6, 12, 62, 100, 9}});
  Track& track = score.tracks[0];
  track.attributes = {{T::TrackLevelNomml, 4},         {T::KeySignature, 3},
                      {T::MinNoteDuration, 1},         {T::TrackLevelPitchRangeMax, 300},
                      {T::TrackLevelSilenceProportionMax, 2}, {T::MaxNoteDuration, 5},
                      {T::MinPolyphony, 1}};  // not in the expressive vocabulary: skipped
  track.bars[0].attributes = {{T::BarLevelPitchClassSet, 7},
                              {T::BarLevelOnsetPolyphonyMax, 3},
                              {T::BarLevelOnsetPolyphonyMin, 1}};
  EncodeOptions options;
  options.windowBars = 8;
  options.genre = 13;
  const std::vector<int32_t> tokens = expressive.encodeNormalized(score, options);
  const std::vector<int32_t> expected = ids(
      expressive,
      {{T::PieceStart, 0}, {T::UseVelocity, 1}, {T::UseMicrotiming, 1}, {T::Genre, 13},
       {T::NumBars, 1}, {T::Track, 0}, {T::Instrument, 0}, {T::MinNoteDuration, 1},
       {T::MaxNoteDuration, 5}, {T::TrackLevelPitchRangeMax, 127}, {T::KeySignature, 3},
       {T::TrackLevelSilenceProportionMax, 2}, {T::TrackLevelNomml, 4}, {T::Bar, 0},
       {T::BarLevelOnsetPolyphonyMin, 1}, {T::BarLevelOnsetPolyphonyMax, 3}, {T::TimeSig, 13},
       {T::VelocityLevel, 100}, {T::DeltaDirection, 0}, {T::Delta, 3}, {T::NoteOnset, 60},
       {T::NoteDuration, 11}, {T::TimeAbsolutePos, 6}, {T::Delta, 5}, {T::NoteOnset, 62},
       {T::NoteDuration, 11}, {T::BarEnd, 0}, {T::TrackEnd, 0}});
  CHECK(tokens == expected);

  // The decoder restores attributes, deltas and (by default) identity velocities.
  const Score decoded = expressive.decode(tokens);
  const Track& decodedTrack = decoded.tracks[0];
  CHECK(decodedTrack.attributes.at(T::TrackLevelPitchRangeMax) == 127);
  CHECK(decodedTrack.attributes.at(T::TrackLevelNomml) == 4);
  CHECK(decodedTrack.bars[0].attributes.at(T::BarLevelOnsetPolyphonyMax) == 3);
  CHECK(decodedTrack.bars[0].notes ==
        std::vector<Note>{{0, 12, 60, 100, -3}, {6, 12, 62, 100, 5}});
  CHECK(expressive.decode(tokens, referenceDecodeOptions()).tracks[0].bars[0].notes[0].velocity ==
        0);

  // PitchClassSet on request, right after Bar on melodic tracks (spec §12.1).
  options.emitPitchClassSet = true;
  const std::vector<int32_t> withClasses = expressive.encodeNormalized(score, options);
  CHECK(std::vector<int32_t>(withClasses.begin() + 13, withClasses.begin() + 18) ==
        ids(expressive, {{T::Bar, 0}, {T::BarLevelPitchClassSet, 7},
                         {T::BarLevelOnsetPolyphonyMin, 1}, {T::BarLevelOnsetPolyphonyMax, 3},
                         {T::TimeSig, 13}}));
  CHECK(expressive.decode(withClasses).tracks[0].bars[0].attributes.at(
            T::BarLevelPitchClassSet) == 7);

  // Switches off: no velocity or microtiming tokens.
  options.emitPitchClassSet = false;
  options.useVelocity = 0;
  options.useMicrotiming = 0;
  const std::vector<int32_t> plain = expressive.encodeNormalized(score, options);
  CHECK(plain[1] == expressive.vocabulary().id(T::UseVelocity, 0));
  CHECK(plain[2] == expressive.vocabulary().id(T::UseMicrotiming, 0));
  for (int32_t id : plain) {
    const TokenType type = expressive.vocabulary().decode(id).first;
    CHECK(type != T::VelocityLevel);
    CHECK(type != T::Delta);
    CHECK(type != T::DeltaDirection);
  }

  // Yellow has neither Genre nor Use* tokens.
  EncodeOptions yellowOptions;
  yellowOptions.windowBars = 4;
  yellowOptions.genre = 3;
  CHECK(tokenizerFor("yellow").encodeNormalized(singleBarScore({}), yellowOptions)[1] ==
        tokenizerFor("yellow").vocabulary().id(T::NumBars, 0));
}

TEST_CASE("decoder state rules") {
  const Tokenizer& yellow = tokenizerFor("yellow");
  using T = TokenType;
  // Velocity persists across bars until the next Track; notes before any level get 100;
  // NoteDuration before the first Bar is an attribute; a duration needs a preceding onset;
  // 42 before the first Bar is the track-level onset polyphony.
  const Tokenizer& prism = tokenizerFor("prism");
  const std::vector<int32_t> tokens = ids(
      prism, {{T::Track, 0},           {T::Instrument, 14},       {T::NoteDuration, 3},
              {T::BarLevelOnsetPolyphonyMax, 4}, {T::Bar, 0},    {T::TimeSig, 21},
              {T::BarLevelOnsetPolyphonyMax, 2}, {T::NoteOnset, 60}, {T::NoteDuration, 5},
              {T::NoteDuration, 7},    {T::VelocityLevel, 20},    {T::TimeAbsolutePos, 4},
              {T::NoteOnset, 62},      {T::NoteDuration, 0},      {T::BarEnd, 0},
              {T::Bar, 0},             {T::NoteOnset, 64},        {T::NoteDuration, 1},
              {T::BarEnd, 0},          {T::TrackEnd, 0},          {T::Track, 1},
              {T::Bar, 0},             {T::NoteOnset, 36},        {T::BarEnd, 0}});
  const Score decoded = prism.decode(tokens);
  REQUIRE(decoded.tracks.size() == 2);
  const Track& first = decoded.tracks[0];
  CHECK(first.instrument == 19);
  CHECK(first.attributes.at(T::NoteDuration) == 3);
  CHECK(first.attributes.at(T::BarLevelOnsetPolyphonyMax) == 4);
  REQUIRE(first.bars.size() == 2);
  CHECK(first.bars[0].attributes.at(T::BarLevelOnsetPolyphonyMax) == 2);
  CHECK(first.bars[0].tsNumerator == 7);
  CHECK(first.bars[0].tsDenominator == 8);
  CHECK(first.bars[0].beatLength == 3.5);  // exact by default (§12.7)
  CHECK(first.bars[0].notes == std::vector<Note>{{0, 6, 60, 100, 0}, {4, 1, 62, 80, 0}});
  CHECK(first.bars[1].beatLength == 4.0);
  CHECK(first.bars[1].notes == std::vector<Note>{{0, 2, 64, 80, 0}});
  CHECK(decoded.tracks[1].type == TrackType::Drum);
  CHECK(decoded.tracks[1].bars[0].notes == std::vector<Note>{{0, 1, 36, 100, 0}});
  CHECK(prism.decode(tokens, referenceDecodeOptions()).tracks[0].bars[0].beatLength == 3.0);

  // A Track without TrackEnd before it continues the open track, as in the reference.
  const Score merged = yellow.decode(ids(yellow, {{T::Track, 0}, {T::Bar, 0}, {T::BarEnd, 0},
                                                  {T::Track, 1}, {T::Bar, 0}, {T::BarEnd, 0}}));
  REQUIRE(merged.tracks.size() == 1);
  CHECK(merged.tracks[0].bars.size() == 2);
  CHECK(merged.tracks[0].type == TrackType::Drum);

  // Negative microtiming.
  const Tokenizer& expressive = tokenizerFor("expressive");
  const Score timed = expressive.decode(
      ids(expressive, {{T::Track, 0}, {T::Bar, 0}, {T::DeltaDirection, 0}, {T::Delta, 2},
                       {T::Delta, 1}, {T::NoteOnset, 60}, {T::NoteDuration, 0}, {T::Delta, 4},
                       {T::NoteOnset, 61}, {T::NoteDuration, 0}, {T::BarEnd, 0}}));
  CHECK(timed.tracks[0].bars[0].notes[0].delta == -3);
  CHECK(timed.tracks[0].bars[0].notes[1].delta == 4);

  // Tokens outside any track are ignored; empty input decodes to an empty score.
  CHECK(yellow.decode(ids(yellow, {{T::Bar, 0}, {T::NoteOnset, 60}, {T::NoteDuration, 3}}))
            .tracks.empty());
  CHECK(yellow.decode({}).tracks.empty());
}

TEST_CASE("errors") {
  const Tokenizer& yellow = tokenizerFor("yellow");

  // Unknown time signature.
  Score score = singleBarScore({});
  for (int32_t b = 0; b < 5; ++b) score.tracks[0].bars.push_back(Bar{});
  score.tracks[0].bars[5].tsNumerator = 7;
  score.tracks[0].bars[5].tsDenominator = 3;
  EncodeOptions options;
  options.windowBars = 8;
  Error error = expectError([&] { yellow.encodeNormalized(score, options); });
  CHECK(error.code() == ErrorCode::InvalidScore);
  CHECK(error.detail().rfind("time signature 7/3 of bar 5 is not in the encoder's list", 0) == 0);

  // Tokens outside the vocabulary.
  std::vector<int32_t> tokens(13, 5);
  tokens[12] = 9999;
  error = expectError([&] { yellow.decode(tokens); });
  CHECK(error.code() == ErrorCode::InvalidTokens);
  CHECK(error.detail() == "token 9999 at position 12 is outside the vocabulary (size 647)");
  tokens[12] = -1;
  CHECK(expectError([&] { yellow.decode(tokens); }).code() == ErrorCode::InvalidTokens);

  // NumBars must be in num_bars_map.
  Score sixBars = singleBarScore({});
  sixBars.tracks[0].bars.resize(6);
  error = expectError([&] { yellow.encodeNormalized(sixBars, EncodeOptions{}); });
  CHECK(error.code() == ErrorCode::InvalidArgument);
  CHECK(error.detail() == "window_bars=6 not in num_bars_map [4, 8]");
  options.windowBars = 16;
  CHECK(expectError([&] { yellow.encodeNormalized(sixBars, options); }).detail() ==
        "window_bars=16 not in num_bars_map [4, 8]");
  // No bars at all: the default window of 4.
  Score empty;
  empty.resolution = 12;
  CHECK(yellow.encodeNormalized(empty, EncodeOptions{}) ==
        std::vector<int32_t>{yellow.vocabulary().id(TokenType::PieceStart, 0),
                             yellow.vocabulary().id(TokenType::NumBars, 0)});

  // Infill needs an infill vocabulary.
  Json config = Json::parse(yellow.config().toJson());
  config.erase("token_domains");
  config["supports_infill"] = false;
  const Tokenizer noInfill(EncoderConfig::fromJson(config.dump()));
  EncodeOptions infill;
  infill.windowBars = 4;
  infill.infillTargets = {{0, 0}};
  CHECK(expectError([&] { noInfill.encodeNormalized(singleBarScore({}), infill); }).code() ==
        ErrorCode::InvalidArgument);

  // encodeNormalized needs the encoder grid.
  Score fine = singleBarScore({});
  fine.resolution = 480;
  CHECK(expectError([&] { yellow.encodeNormalized(fine, infill); }).code() ==
        ErrorCode::InvalidScore);

  CHECK(expectError([] { midigpt::windowOf(Score{}, -1, 4); }).code() ==
        ErrorCode::InvalidArgument);
}

TEST_CASE("windowOf keeps bars and drops attributes") {
  Score score = singleBarScore({{0, 1, 60, 100, 0}});
  score.tempo = 400000;
  score.tracks[0].instrument = 33;
  score.tracks[0].attributes[TokenType::MinPolyphony] = 3;
  for (int32_t b = 1; b < 6; ++b) {
    score.tracks[0].bars.push_back(Bar{});
    score.tracks[0].bars.back().notes = {{0, 1, 60 + b, 100, 0}};
    score.tracks[0].bars.back().attributes[TokenType::BarLevelOnsetDensity] = b;
  }
  Track& shortTrack = score.tracks.emplace_back();
  shortTrack.bars.resize(3);
  const Score window = midigpt::windowOf(score, 2, 3);
  CHECK(window.tempo == 400000);
  REQUIRE(window.tracks.size() == 2);
  CHECK(window.tracks[0].instrument == 33);
  CHECK(window.tracks[0].attributes.empty());
  REQUIRE(window.tracks[0].bars.size() == 3);
  CHECK(window.tracks[0].bars[0].notes[0].pitch == 62);
  CHECK(window.tracks[0].bars[0].attributes.empty());
  CHECK(window.tracks[1].bars.size() == 1);
  CHECK(midigpt::windowOf(score, 10, 4).tracks[0].bars.empty());
}

TEST_CASE("speed: read and encode 8 bars of a pop song") {
  const Tokenizer& yellow = tokenizerFor("yellow");
  const std::vector<uint8_t> midi = midiBytes("POP909_008.mid");
  const std::span<const uint8_t> bytes(midi);
  const Json& fixture = goldenPiece(goldenDir() + "/pieces/POP909_008.json.gz");
  const std::vector<int32_t> expected =
      tokensOf(fixture["encoders"]["yellow"]["window8"]["tokens"]);
  const EncodeOptions options;
  constexpr int kRounds = 20;
  const auto start = std::chrono::steady_clock::now();
  for (int round = 0; round < kRounds; ++round) {
    const Score window = midigpt::windowOf(midigpt::readMidi(bytes), 0, 8);
    CHECK(yellow.encode(window, options) == expected);
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  std::cout << "readMidi + windowOf + encode, 8 bars of POP909_008 (" << expected.size()
            << " tokens): "
            << std::chrono::duration<double, std::micro>(elapsed).count() / kRounds
            << " us per call\n";
}

// Tokenizer::encode on the 480-tick scores: resampling, the analyzer and the encoder together.
TEST_CASE("production path: normalise, analyse, encode") {
  const char* const encoders[] = {"yellow", "prism", "expressive"};
  const char* const cases[] = {"full", "window4", "window8"};
  std::map<std::string, Tally> tally;
  for (const auto& path : goldenPieces()) {
    const Json& fixture = goldenPiece(path);
    const Score score480 = parseScore(fixture["score_480"]);
    for (const char* encoder : encoders) {
      for (const char* caseName : cases) {
        const Json& encoderCases = fixture["encoders"][encoder];
        if (!encoderCases.contains(caseName)) continue;
        const Json& fixtureCase = encoderCases[caseName];
        EncodeOptions options;
        options.windowBars = fixtureCase["window_bars_option"].get<int32_t>();
        const std::vector<int32_t> tokens =
            tokenizerFor(encoder).encode(caseScore(score480, caseName), options);
        const bool equal = tokens == tokensOf(fixtureCase["tokens"]);
        tally[encoder].add(equal);
        CHECK_MESSAGE(equal, path.filename().string()
                                 << " " << encoder << " " << caseName << " first mismatch at "
                                 << firstMismatch(tokens, tokensOf(fixtureCase["tokens"])));
      }
    }
  }
  for (const char* encoder : encoders) {
    std::cout << "encode (analyzer) parity " << encoder << ": " << tally[encoder].equal << "/"
              << tally[encoder].total << "\n";
  }
}
