// GrammarConstraint: parity with the reference's allowed-token sets (golden grammar_masks.json
// and the session prompts of session_steps.json), its settings, and the §12 options.

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "midigpt/constraints.hpp"
#include "midigpt/encoder_config.hpp"
#include "midigpt/error.hpp"
#include "midigpt/grammar.hpp"

#include "fixtures.hpp"

using midigpt::ConstraintSet;
using midigpt::EncoderConfig;
using midigpt::Error;
using midigpt::ErrorCode;
using midigpt::GrammarConstraint;
using midigpt::GrammarSettings;
using midigpt::TokenType;
using Json = nlohmann::json;
using midigpt::testing::encoderConfig;
using midigpt::testing::goldenDir;
using midigpt::testing::readJson;

namespace {

const Json& golden(const std::string& name) {
  static std::map<std::string, Json> documents;
  auto found = documents.find(name);
  if (found == documents.end()) {
    found = documents.emplace(name, readJson(goldenDir() + "/" + name)).first;
  }
  return found->second;
}

using Ranges = std::vector<std::pair<int32_t, int32_t>>;

/// The allowed ids as half-open ranges, the fixtures' notation.
Ranges toRanges(const std::vector<uint8_t>& mask) {
  Ranges ranges;
  for (int32_t id = 0; id < static_cast<int32_t>(mask.size()); ++id) {
    if (mask[static_cast<size_t>(id)] == 0) continue;
    if (!ranges.empty() && ranges.back().second == id) {
      ranges.back().second = id + 1;
    } else {
      ranges.emplace_back(id, id + 1);
    }
  }
  return ranges;
}

Ranges rangesOf(const Json& json) {
  Ranges ranges;
  for (const Json& range : json) {
    ranges.emplace_back(range[0].get<int32_t>(), range[1].get<int32_t>());
  }
  return ranges;
}

std::string describe(const Ranges& ranges) {
  std::string text;
  for (const auto& [begin, end] : ranges) {
    text += "[" + std::to_string(begin) + "," + std::to_string(end) + ")";
  }
  return text;
}

GrammarSettings settingsOf(const Json& json) {
  GrammarSettings settings;
  settings.maxTracks = json.at("max_tracks").get<int32_t>();
  settings.requireNotes = json.at("require_notes").get<bool>();
  settings.exactBars = json.at("exact_bars").get<int32_t>();
  settings.autoregressive = json.at("autoregressive_mode").get<bool>();
  return settings;
}

Ranges allowedRanges(const GrammarConstraint& grammar) {
  std::vector<uint8_t> mask(static_cast<size_t>(grammar.vocabulary().size()));
  grammar.allowed(mask);
  return toRanges(mask);
}

std::vector<uint8_t> allowedMask(const GrammarConstraint& grammar) {
  std::vector<uint8_t> mask(static_cast<size_t>(grammar.vocabulary().size()));
  grammar.allowed(mask);
  return mask;
}

int32_t id(const std::string& encoder, TokenType type, int32_t value = 0) {
  return encoderConfig(encoder).vocabulary.id(type, value);
}

bool allows(const GrammarConstraint& grammar, int32_t token) {
  return allowedMask(grammar)[static_cast<size_t>(token)] != 0;
}

/// True when any value of `type` is allowed.
bool allowsType(const GrammarConstraint& grammar, TokenType type) {
  const auto& vocab = grammar.vocabulary();
  if (!vocab.has(type)) return false;
  const std::vector<uint8_t> mask = allowedMask(grammar);
  for (int32_t value = 0; value < vocab.domainSize(type); ++value) {
    if (mask[static_cast<size_t>(vocab.id(type, value))] != 0) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("grammar parity with every case of grammar_masks.json") {
  const Json& cases = golden("grammar_masks.json").at("cases");
  size_t casesMatching = 0;
  size_t positions = 0;
  size_t positionsMatching = 0;
  for (const Json& record : cases) {
    const std::string encoder = record.at("encoder").get<std::string>();
    const auto tokens = record.at("tokens").get<std::vector<int32_t>>();
    const Json& expected = record.at("allowed_before_each");
    REQUIRE(expected.size() == tokens.size() + 1);
    GrammarConstraint grammar(encoderConfig(encoder), settingsOf(record.at("settings")));

    bool caseMatches = true;
    for (size_t i = 0; i <= tokens.size(); ++i) {
      const std::vector<uint8_t> mask = allowedMask(grammar);
      const Ranges actual = toRanges(mask);
      const Ranges wanted = rangesOf(expected[i]);
      ++positions;
      if (actual == wanted) {
        ++positionsMatching;
      } else {
        caseMatches = false;
        FAIL_CHECK(encoder << " " << record.at("piece").get<std::string>() << " "
                           << record.at("settings").dump() << " before token " << i
                           << ": expected " << describe(wanted) << ", got "
                           << describe(actual));
      }
      if (i == tokens.size()) break;
      CHECK((mask[static_cast<size_t>(tokens[i])] != 0) ==
            record.at("token_was_allowed")[i].get<bool>());
      grammar.advance(tokens[i]);
    }
    if (caseMatches) ++casesMatching;
  }
  MESSAGE("grammar_masks.json: " << casesMatching << "/" << cases.size() << " cases, "
                                 << positionsMatching << "/" << positions
                                 << " allowed sets equal");
  CHECK(casesMatching == cases.size());
}

TEST_CASE("grammar parity with the session prompts of session_steps.json") {
  size_t records = 0;
  size_t recordsMatching = 0;
  for (const Json& testCase : golden("session_steps.json").at("cases")) {
    const std::string encoder = testCase.at("encoder").get<std::string>();
    for (const auto& [mode, record] : testCase.at("modes").items()) {
      if (!record.contains("grammar_settings")) continue;  // "token": validation error only
      const std::string label = testCase.at("name").get<std::string>() + " " + encoder + " " + mode;
      // The requests set no attribute overrides or hard limits, so the grammar is the whole
      // constraint graph and must reproduce every mask.
      REQUIRE(record.at("grammar_settings").at("extra_constraints").get<std::string>().rfind(
                  "none", 0) == 0);
      ++records;
      GrammarConstraint grammar(encoderConfig(encoder), settingsOf(record.at("grammar_settings")));
      for (const Json& token : record.at("prompt_tokens")) grammar.advance(token.get<int32_t>());

      // Infill: the session gives the grammar the drum flag of each fill target in turn, the
      // first after the prompt (which ends with the first FillInStart).
      const Json& step = record.at("first_step_as_passed_to_session_state");
      const Json& tracks = record.at("session_state_input_score").at("tracks");
      std::vector<bool> targetDrums;
      auto targets = step.at("bars_to_generate").get<std::vector<std::pair<int32_t, int32_t>>>();
      std::sort(targets.begin(), targets.end());
      for (const auto& [track, bar] : targets) {
        targetDrums.push_back(tracks.at(static_cast<size_t>(track)).at("track_type") == "drum");
      }
      const bool infill = !step.at("is_autoregressive").get<bool>();
      size_t fillIndex = 0;
      if (infill) grammar.setFillDrum(targetDrums.at(fillIndex));

      bool matches = true;
      const Ranges afterPrompt = allowedRanges(grammar);
      if (afterPrompt != rangesOf(record.at("allowed_after_prompt"))) {
        matches = false;
        FAIL_CHECK(label << " after the prompt: expected "
                         << describe(rangesOf(record.at("allowed_after_prompt"))) << ", got "
                         << describe(afterPrompt));
      }
      const auto continuation = record.at("continuation_tokens").get<std::vector<int32_t>>();
      const Json& expected = record.at("continuation_allowed_before_each");
      REQUIRE(expected.size() == continuation.size());
      const int32_t fillStart = encoderConfig(encoder).vocabulary.has(TokenType::FillInStart)
                                    ? id(encoder, TokenType::FillInStart)
                                    : -1;
      for (size_t i = 0; i < continuation.size(); ++i) {
        const Ranges actual = allowedRanges(grammar);
        if (actual != rangesOf(expected[i])) {
          matches = false;
          FAIL_CHECK(label << " before continuation token " << i << ": expected "
                           << describe(rangesOf(expected[i])) << ", got " << describe(actual));
        }
        grammar.advance(continuation[i]);
        if (infill && continuation[i] == fillStart && ++fillIndex < targetDrums.size()) {
          grammar.setFillDrum(targetDrums[fillIndex]);
        }
      }
      if (matches) ++recordsMatching;
      MESSAGE(label << ": " << (matches ? "matches" : "DIFFERS") << " (prompt + "
                    << continuation.size() << " continuation masks)");
    }
  }
  MESSAGE("session_steps.json: " << recordsMatching << "/" << records
                                 << " prompts and continuations match");
  CHECK(records == 18);  // 9 (case, encoder) records x {remove, attention}
  CHECK(recordsMatching == records);
}

TEST_CASE("grammar quirks the reference has and the golden README lists") {
  const std::string encoder = "yellow";
  GrammarConstraint grammar(encoderConfig(encoder), {});
  // The initial state already is PieceStart, so PieceStart itself is not allowed first.
  CHECK_FALSE(allows(grammar, id(encoder, TokenType::PieceStart, 0)));
  CHECK(allows(grammar, id(encoder, TokenType::NumBars, 0)));
  for (int32_t token : {id(encoder, TokenType::PieceStart, 0), id(encoder, TokenType::NumBars, 0),
                        id(encoder, TokenType::Track, 0), id(encoder, TokenType::Instrument, 0),
                        id(encoder, TokenType::Bar), id(encoder, TokenType::TimeSig, 13)}) {
    grammar.advance(token);
  }
  // require_notes: an empty bar cannot be closed.
  CHECK_FALSE(allows(grammar, id(encoder, TokenType::BarEnd)));
  grammar.advance(id(encoder, TokenType::NoteOnset, 60));
  CHECK(allowsType(grammar, TokenType::NoteDuration));
  CHECK_FALSE(allowsType(grammar, TokenType::NoteOnset));
  grammar.advance(id(encoder, TokenType::NoteDuration, 11));
  CHECK(allows(grammar, id(encoder, TokenType::BarEnd)));

  // prism: KeySignature after Instrument is outside the allow-lists; after it anything goes.
  const std::string prism = "prism";
  GrammarConstraint prismGrammar(encoderConfig(prism), {});
  for (int32_t token : {id(prism, TokenType::PieceStart, 0), id(prism, TokenType::NumBars, 0),
                        id(prism, TokenType::Track, 0), id(prism, TokenType::Instrument, 0)}) {
    prismGrammar.advance(token);
  }
  CHECK_FALSE(allowsType(prismGrammar, TokenType::KeySignature));
  prismGrammar.advance(id(prism, TokenType::KeySignature, 3));
  CHECK(toRanges(allowedMask(prismGrammar)) ==
        Ranges{{0, encoderConfig(prism).vocabulary.size()}});
}

TEST_CASE("grammar settings: exact bars, max tracks, autoregressive mode, track masks") {
  const std::string encoder = "yellow";
  GrammarSettings settings;
  settings.exactBars = 2;
  settings.maxTracks = 1;
  settings.autoregressive = true;
  GrammarConstraint grammar(encoderConfig(encoder), settings);
  for (int32_t token : {id(encoder, TokenType::PieceStart, 0), id(encoder, TokenType::Track, 1),
                        id(encoder, TokenType::Instrument, 0)}) {
    grammar.advance(token);
  }
  CHECK(allows(grammar, id(encoder, TokenType::Bar)));
  CHECK_FALSE(allows(grammar, id(encoder, TokenType::TrackEnd)));
  for (int bar = 0; bar < 2; ++bar) {
    grammar.advance(id(encoder, TokenType::Bar));
    CHECK_FALSE(allowsType(grammar, TokenType::FillInPlaceholder));  // autoregressive mode
    grammar.advance(id(encoder, TokenType::TimeSig, 13));
    grammar.advance(id(encoder, TokenType::NoteOnset, 36));
    // Drum track: no duration, the bar may end at once.
    CHECK_FALSE(allowsType(grammar, TokenType::NoteDuration));
    grammar.advance(id(encoder, TokenType::BarEnd));
    CHECK_FALSE(allowsType(grammar, TokenType::FillInStart));
  }
  CHECK(grammar.barsInTrack() == 2);
  CHECK_FALSE(allows(grammar, id(encoder, TokenType::Bar)));
  CHECK(allows(grammar, id(encoder, TokenType::TrackEnd)));
  grammar.advance(id(encoder, TokenType::TrackEnd));
  // One track allowed and yellow has no PieceEnd: nothing may follow.
  CHECK(toRanges(allowedMask(grammar)).empty());

  grammar.reset();
  CHECK(grammar.trackCount() == 0);
  CHECK(toRanges(allowedMask(grammar)) ==
        Ranges{{id(encoder, TokenType::Track, 0), id(encoder, TokenType::Track, 1) + 1},
               {id(encoder, TokenType::NumBars, 0), id(encoder, TokenType::NumBars, 1) + 1}});

  GrammarSettings masked;
  masked.maskTrackStart = true;
  GrammarConstraint noTracks(encoderConfig(encoder), masked);
  CHECK_FALSE(allowsType(noTracks, TokenType::Track));
}

TEST_CASE("onsets increase within a bar and stay inside it") {
  const std::string encoder = "yellow";
  GrammarConstraint grammar(encoderConfig(encoder), {});
  for (int32_t token : {id(encoder, TokenType::PieceStart, 0), id(encoder, TokenType::Track, 0),
                        id(encoder, TokenType::Instrument, 0), id(encoder, TokenType::Bar),
                        id(encoder, TokenType::TimeSig, 13),
                        id(encoder, TokenType::TimeAbsolutePos, 10),
                        id(encoder, TokenType::NoteOnset, 60),
                        id(encoder, TokenType::NoteDuration, 3)}) {
    grammar.advance(token);
  }
  // 4/4 at 12 ticks per quarter: positions 11..47 remain.
  const std::vector<uint8_t> mask = allowedMask(grammar);
  for (int32_t position = 0; position < 192; ++position) {
    CAPTURE(position);
    CHECK((mask[static_cast<size_t>(id(encoder, TokenType::TimeAbsolutePos, position))] != 0) ==
          (position > 10 && position < 48));
  }
}

TEST_CASE("exact bar length option (spec 12.7)") {
  const std::string encoder = "yellow";
  const EncoderConfig& config = encoderConfig(encoder);
  // (time signature, reference last position, exact last position); -1: none allowed.
  const std::vector<std::tuple<std::pair<int, int>, int32_t, int32_t>> meters = {
      {{3, 8}, 11, 17}, {{1, 8}, -1, 5}, {{1, 16}, -1, 2}, {{17, 16}, 47, 50}, {{4, 4}, 47, 47}};
  for (const auto& [meter, referenceLast, exactLast] : meters) {
    CAPTURE(meter.first);
    CAPTURE(meter.second);
    const int32_t timeSig = config.timeSignatureIndex(meter.first, meter.second).value();
    for (bool exact : {false, true}) {
      GrammarSettings settings;
      settings.exactBarLength = exact;
      GrammarConstraint grammar(config, settings);
      for (int32_t token : {id(encoder, TokenType::PieceStart, 0),
                            id(encoder, TokenType::Track, 0),
                            id(encoder, TokenType::Instrument, 0), id(encoder, TokenType::Bar),
                            id(encoder, TokenType::TimeSig, timeSig)}) {
        grammar.advance(token);
      }
      const std::vector<uint8_t> mask = allowedMask(grammar);
      int32_t last = -1;
      for (int32_t position = 0; position < 192; ++position) {
        if (mask[static_cast<size_t>(id(encoder, TokenType::TimeAbsolutePos, position))] != 0) {
          last = position;
        }
      }
      CHECK(last == (exact ? exactLast : referenceLast));
    }
  }
}

TEST_CASE("model attribute order option (spec 12.6)") {
  GrammarSettings settings;
  settings.modelAttributeOrder = true;
  settings.exactBars = 4;
  settings.autoregressive = true;

  SUBCASE("prism: the track and bar headers the encoder writes") {
    const std::string prism = "prism";
    GrammarConstraint grammar(encoderConfig(prism), settings);
    CHECK(allowsType(grammar, TokenType::Genre));
    for (int32_t token : {id(prism, TokenType::PieceStart, 0), id(prism, TokenType::NumBars, 0),
                          id(prism, TokenType::Track, 0), id(prism, TokenType::Instrument, 0)}) {
      grammar.advance(token);
    }
    // Melodic track: prism's track-level attributes, in order, plus Bar.
    for (TokenType type : {TokenType::MinNoteDuration, TokenType::MaxNoteDuration,
                           TokenType::TrackLevelPitchRangeMax, TokenType::KeySignature,
                           TokenType::TrackLevelSilenceProportionMax, TokenType::Bar}) {
      CAPTURE(type);
      CHECK(allowsType(grammar, type));
    }
    CHECK_FALSE(allowsType(grammar, TokenType::BarLevelOnsetPolyphonyMax));  // a bar attribute
    CHECK_FALSE(allowsType(grammar, TokenType::TrackEnd));
    grammar.advance(id(prism, TokenType::KeySignature, 2));
    CHECK_FALSE(allowsType(grammar, TokenType::TrackLevelPitchRangeMax));  // earlier slot
    CHECK(allowsType(grammar, TokenType::TrackLevelSilenceProportionMax));
    grammar.advance(id(prism, TokenType::Bar));
    // Bar header: the melodic bar attributes, then TimeSig; no notes before TimeSig.
    CHECK(allowsType(grammar, TokenType::TimeSig));
    CHECK_FALSE(allowsType(grammar, TokenType::NoteOnset));
    CHECK_FALSE(allowsType(grammar, TokenType::BarLevelPitchClassSet));
    bool anyBarAttribute = false;
    for (TokenType type : {TokenType::BarLevelOnsetDensity, TokenType::BarLevelOnsetPolyphonyMin,
                           TokenType::BarLevelOnsetPolyphonyMax}) {
      anyBarAttribute = anyBarAttribute || allowsType(grammar, type);
    }
    CHECK(anyBarAttribute);
    grammar.advance(id(prism, TokenType::TimeSig, 13));
    CHECK(allowsType(grammar, TokenType::NoteOnset));
    CHECK_FALSE(allowsType(grammar, TokenType::BarLevelPitchClassSet));
  }

  SUBCASE("PitchClassSet as a bar attribute when the encoder emits it") {
    const std::string prism = "prism";
    GrammarSettings withPitchClassSet = settings;
    withPitchClassSet.pitchClassSetBarAttribute = true;
    GrammarConstraint grammar(encoderConfig(prism), withPitchClassSet);
    for (int32_t token : {id(prism, TokenType::PieceStart, 0), id(prism, TokenType::Track, 0),
                          id(prism, TokenType::Instrument, 0), id(prism, TokenType::Bar)}) {
      grammar.advance(token);
    }
    CHECK(allowsType(grammar, TokenType::BarLevelPitchClassSet));
    grammar.advance(id(prism, TokenType::BarLevelPitchClassSet, 5));
    CHECK(allowsType(grammar, TokenType::TimeSig));  // unreachable in the reference grammar
  }

  SUBCASE("every token of the golden encoder outputs is allowed but the known exceptions") {
    size_t checked = 0;
    for (const Json& record : golden("grammar_masks.json").at("cases")) {
      const std::string encoder = record.at("encoder").get<std::string>();
      GrammarSettings modelOrder = settingsOf(record.at("settings"));
      modelOrder.modelAttributeOrder = true;
      GrammarConstraint grammar(encoderConfig(encoder), modelOrder);
      const auto tokens = record.at("tokens").get<std::vector<int32_t>>();
      for (size_t i = 0; i < tokens.size(); ++i) {
        const auto [type, value] = encoderConfig(encoder).vocabulary.decode(tokens[i]);
        const auto previous =
            i == 0 ? TokenType::PieceStart
                   : encoderConfig(encoder).vocabulary.decode(tokens[i - 1]).first;
        // PieceStart at position 0, and BarEnd of an empty bar under require_notes.
        const bool knownException = (i == 0 && type == TokenType::PieceStart) ||
                                    (type == TokenType::BarEnd && previous == TokenType::TimeSig);
        if (!knownException) {
          CAPTURE(encoder);
          CAPTURE(i);
          CHECK(allows(grammar, tokens[i]));
          ++checked;
        }
        grammar.advance(tokens[i]);
      }
    }
    MESSAGE("model attribute order allows all " << checked << " golden encoder tokens");
  }
}

TEST_CASE("grammar input checks") {
  const std::string encoder = "yellow";
  GrammarConstraint grammar(encoderConfig(encoder), {});
  const int32_t size = encoderConfig(encoder).vocabulary.size();
  for (int32_t token : {-1, size, size + 100}) {
    try {
      grammar.advance(token);
      FAIL("accepted token " << token);
    } catch (const Error& error) {
      CHECK(error.code() == ErrorCode::InvalidTokens);
    }
  }
  std::vector<uint8_t> tooShort(static_cast<size_t>(size - 1));
  try {
    grammar.allowed(tooShort);
    FAIL("accepted a short mask");
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::InvalidArgument);
  }

  // A bad token leaves a set unchanged.
  ConstraintSet set(size);
  set.add(std::make_unique<GrammarConstraint>(encoderConfig(encoder), GrammarSettings{}));
  std::vector<uint8_t> before(static_cast<size_t>(size));
  std::vector<uint8_t> after(static_cast<size_t>(size));
  set.advance(id(encoder, TokenType::PieceStart, 0));
  set.allowed(before);
  CHECK_THROWS_AS(set.advance(size), Error);
  set.allowed(after);
  CHECK(before == after);
}

TEST_CASE("requireBarTimeSig: a bar's notes wait for its TimeSig") {
  const EncoderConfig& config = encoderConfig("prism");
  const midigpt::Vocabulary& vocabulary = config.vocabulary;
  const auto allows = [&](const GrammarConstraint& grammar, TokenType type) {
    std::vector<uint8_t> mask(static_cast<size_t>(vocabulary.size()));
    grammar.allowed(mask);
    return mask[static_cast<size_t>(vocabulary.id(type, 0))] == 1;
  };
  GrammarSettings settings;
  settings.autoregressive = true;
  GrammarSettings locked = settings;
  locked.requireBarTimeSig = true;
  GrammarConstraint reference(config, settings);
  GrammarConstraint fixed(config, locked);
  const std::vector<int32_t> header = {vocabulary.id(TokenType::PieceStart, 0),
                                       vocabulary.id(TokenType::Track, 0),
                                       vocabulary.id(TokenType::Instrument, 0),
                                       vocabulary.id(TokenType::Bar, 0)};
  for (int32_t token : header) {
    reference.advance(token);
    fixed.advance(token);
  }
  // The reference: notes or BarEnd straight after Bar.
  CHECK(allows(reference, TokenType::NoteOnset));
  CHECK(allows(reference, TokenType::TimeAbsolutePos));
  CHECK(allows(fixed, TokenType::TimeSig));
  CHECK_FALSE(allows(fixed, TokenType::NoteOnset));
  CHECK_FALSE(allows(fixed, TokenType::TimeAbsolutePos));
  CHECK_FALSE(allows(fixed, TokenType::VelocityLevel));
  CHECK_FALSE(allows(fixed, TokenType::BarEnd));

  // After PitchClassSet the reference can no longer reach TimeSig; the fix still must.
  const int32_t pitchClassSet = vocabulary.id(TokenType::BarLevelPitchClassSet, 0);
  reference.advance(pitchClassSet);
  fixed.advance(pitchClassSet);
  CHECK_FALSE(allows(reference, TokenType::TimeSig));
  CHECK(allows(fixed, TokenType::TimeSig));
  CHECK_FALSE(allows(fixed, TokenType::BarLevelPitchClassSet));
  CHECK_FALSE(allows(fixed, TokenType::NoteOnset));

  // Once the meter is stated the bar goes on as before.
  fixed.advance(vocabulary.id(TokenType::TimeSig, 10));
  CHECK(allows(fixed, TokenType::NoteOnset));
  CHECK(allows(fixed, TokenType::TimeAbsolutePos));
}
