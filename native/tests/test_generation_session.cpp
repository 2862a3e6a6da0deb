// The generation session driven by fake models: teacher-forced parity with session_steps.json,
// random logits over real MIDI (grammar, untouched bars, polyphony limit), retries and their
// seeds, max_attempts, reproducibility and cancellation.

#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "midigpt/bridge.hpp"
#include "midigpt/error.hpp"
#include "midigpt/generation_session.hpp"
#include "midigpt/grammar.hpp"
#include "midigpt/midi_io.hpp"
#include "midigpt/sampler.hpp"
#include "midigpt/score_wire.hpp"
#include "midigpt/tokenizer.hpp"

#include "fixtures.hpp"

using midigpt::Bar;
using midigpt::EncoderConfig;
using midigpt::Error;
using midigpt::ErrorCode;
using midigpt::GenerationRequest;
using midigpt::GenerationSession;
using midigpt::Note;
using midigpt::Score;
using midigpt::SessionOptions;
using midigpt::SessionStatus;
using midigpt::StepInput;
using midigpt::TokenType;
using midigpt::Tokenizer;
using midigpt::Track;
using midigpt::TrackType;
using midigpt::Vocabulary;
using Json = nlohmann::json;
using midigpt::testing::fixtureScore;
using midigpt::testing::encoderConfig;
using midigpt::testing::goldenDir;
using midigpt::testing::midiBytes;
using midigpt::testing::modelPath;
using midigpt::testing::readJson;
using midigpt::testing::readText;

namespace {

Score midiScore(const std::string& name, int32_t bars) {
  const std::vector<uint8_t> bytes = midiBytes(name);
  const Score whole = midigpt::readMidi(std::span<const uint8_t>(bytes));
  return midigpt::windowOf(whole, 0, bars);
}

/// One melodic track of four 4/4 bars at 480 whose notes lie on the encoder grid, so they
/// survive a round trip through tokens exactly.
Score gridScore() {
  Score score;
  score.resolution = 480;
  Track& track = score.tracks.emplace_back();
  for (int32_t b = 0; b < 4; ++b) {
    Bar& bar = track.bars.emplace_back();
    bar.notes = {{0, 480, 60 + b, 100, 0}, {960, 480, 64, 100, 0}};
  }
  return score;
}

/// The (onset, duration, pitch) of every note: what a round trip through tokens keeps.
std::vector<std::vector<std::vector<int32_t>>> noteShapes(const Score& score) {
  std::vector<std::vector<std::vector<int32_t>>> shapes;
  for (const Track& track : score.tracks) {
    for (const Bar& bar : track.bars) {
      auto& notes = shapes.emplace_back();
      for (const Note& note : bar.notes) notes.push_back({note.onset, note.duration, note.pitch});
    }
  }
  return shapes;
}

/// Fills the logits of the current position.
using FakeModel = std::function<void(const GenerationSession&, std::vector<float>&)>;

/// Tokens the driver received, per (step, attempt).
using TokenLog = std::map<std::pair<int32_t, int32_t>, std::vector<int32_t>>;

/// Runs the session to its end as a model runtime would; next() errors propagate.
TokenLog drive(GenerationSession& session, const FakeModel& model, int32_t vocabularySize) {
  TokenLog log;
  std::vector<float> logits(static_cast<size_t>(vocabularySize));
  while (session.status() == SessionStatus::NeedsPrefill ||
         session.status() == SessionStatus::Generating) {
    const StepInput& step = session.currentStep();
    const std::pair<int32_t, int32_t> key(step.stepIndex, step.attempt);
    model(session, logits);
    const int32_t token = session.next(logits);
    if (token >= 0) log[key].push_back(token);
  }
  return log;
}

/// Puts all mass on one token (the sampler gives it probability 1 when it is legal).
void force(std::vector<float>& logits, int32_t token) {
  std::fill(logits.begin(), logits.end(), -1e9f);
  logits[static_cast<size_t>(token)] = 0.0f;
}

/// Deterministic pseudo-random logits: a function of (seed, step, position in the attempt),
/// never of the attempt, so retries differ only through the sampler's seed bump. Tokens that
/// end a bar, fill block or track get `endBias` to keep steps short.
FakeModel randomModel(const EncoderConfig& config, uint64_t seed, float endBias) {
  std::vector<int32_t> endTokens;
  for (TokenType type : {TokenType::BarEnd, TokenType::FillInEnd, TokenType::TrackEnd}) {
    if (config.vocabulary.has(type)) endTokens.push_back(config.vocabulary.id(type, 0));
  }
  return [seed, endBias, endTokens](const GenerationSession& session, std::vector<float>& logits) {
    const auto position = static_cast<uint64_t>(session.progress().stepTokens);
    const auto step = static_cast<uint64_t>(session.currentStep().stepIndex);
    midigpt::Rng rng(seed * 1000003u + step * 7919u + position);
    for (float& logit : logits) logit = static_cast<float>(rng.uniform() * 4.0 - 2.0);
    for (int32_t token : endTokens) logits[static_cast<size_t>(token)] += endBias;
  };
}

GenerationRequest requestOf(const Json& json) { return GenerationRequest::fromJson(json.dump()); }

/// Prompts for every track: `generated` gets `bars`, the others are context.
Json tracksJson(size_t trackCount, int32_t generated, const std::vector<int32_t>& bars,
                bool autoregressive) {
  Json tracks = Json::array();
  for (size_t t = 0; t < trackCount; ++t) {
    Json prompt = {{"id", t}, {"bars", Json::array()}};
    if (static_cast<int32_t>(t) == generated) {
      prompt["bars"] = bars;
      prompt["autoregressive"] = autoregressive;
    }
    tracks.push_back(prompt);
  }
  return tracks;
}

int32_t firstMelodicTrack(const Score& score) {
  for (size_t t = 0; t < score.tracks.size(); ++t) {
    if (score.tracks[t].type == TrackType::Melodic) return static_cast<int32_t>(t);
  }
  FAIL("no melodic track");
  return -1;
}

bool isTarget(const std::vector<std::pair<int32_t, int32_t>>& targets, size_t track, size_t bar) {
  return std::find(targets.begin(), targets.end(),
                   std::pair<int32_t, int32_t>(static_cast<int32_t>(track),
                                               static_cast<int32_t>(bar))) != targets.end();
}

/// The result keeps the input (at the decode resolution) except in the target bars.
void checkUntouched(const Score& result, const Score& input, const Tokenizer& tokenizer,
                    const std::vector<std::pair<int32_t, int32_t>>& targets) {
  const Score expected = tokenizer.normalizeOutput(input);
  CHECK(result.resolution == tokenizer.config().decodeResolution);
  CHECK(result.tempo == expected.tempo);
  REQUIRE(result.tracks.size() == expected.tracks.size());
  for (size_t t = 0; t < expected.tracks.size(); ++t) {
    CHECK(result.tracks[t].instrument == expected.tracks[t].instrument);
    CHECK(result.tracks[t].attributes == expected.tracks[t].attributes);
    REQUIRE(result.tracks[t].bars.size() == expected.tracks[t].bars.size());
    for (size_t b = 0; b < expected.tracks[t].bars.size(); ++b) {
      if (isTarget(targets, t, b)) continue;
      INFO("track " << t << " bar " << b);
      CHECK(result.tracks[t].bars[b] == expected.tracks[t].bars[b]);
    }
  }
}

/// Replays every accepted attempt through a fresh grammar: each generated token was legal.
void checkGrammar(const EncoderConfig& config, const std::vector<int32_t>& prompt,
                  const std::vector<int32_t>& generated, int32_t trackCount, int32_t exactBars) {
  midigpt::GrammarSettings settings;
  settings.maxTracks = trackCount;
  settings.requireNotes = true;
  settings.exactBars = exactBars;
  settings.autoregressive = exactBars > 0;
  midigpt::GrammarConstraint grammar(config, settings);
  for (int32_t token : prompt) grammar.advance(token);
  grammar.setFillDrum(false);
  std::vector<uint8_t> mask(static_cast<size_t>(config.vocabulary.size()));
  for (int32_t token : generated) {
    grammar.allowed(mask);
    REQUIRE(mask[static_cast<size_t>(token)] == 1);
    grammar.advance(token);
  }
}

/// Notes per onset in a bar, at most.
size_t maxPolyphony(const Bar& bar) {
  std::map<int32_t, size_t> perOnset;
  size_t most = 0;
  for (const Note& note : bar.notes) most = std::max(most, ++perOnset[note.onset]);
  return most;
}

}  // namespace

TEST_CASE("teacher-forced continuations reproduce the reference's first step") {
  const Json fixtures = readJson(goldenDir() + "/session_steps.json");
  int compared = 0;
  for (const Json& fixture : fixtures["cases"]) {
    const EncoderConfig& config = encoderConfig(fixture["encoder"].get<std::string>());
    const Tokenizer tokenizer(config);
    const Score input = fixtureScore(fixture["input"]["score_480"]);
    for (const char* mode : {"attention", "remove"}) {
      const Json& record = fixture["modes"][mode];
      INFO(fixture["name"].get<std::string>() << "/" << fixture["encoder"].get<std::string>()
                                              << "/" << mode);
      GenerationRequest request = requestOf(record["request"]);
      // The forced continuation is the input's own notes, which the novelty check rejects.
      request.config.noveltyCheck = false;
      GenerationSession session(config, input, request, SessionOptions::reference());
      const StepInput& first = session.currentStep();
      CHECK(first.stepIndex == 0);
      CHECK(first.stepCount == static_cast<int32_t>(record["planned_steps"].size()));
      CHECK(first.promptIds == record["prompt_tokens"].get<std::vector<int32_t>>());
      CHECK(first.inputIds == first.promptIds);
      const auto hidden = std::count(first.keyMask.begin(), first.keyMask.end(), uint8_t{0});
      int32_t spanTokens = 0;
      for (const Json& span : record["hidden_spans"]) {
        spanTokens += span[1].get<int32_t>() - span[0].get<int32_t>();
      }
      CHECK(hidden == spanTokens);

      std::vector<float> logits(static_cast<size_t>(config.vocabulary.size()));
      for (int32_t token : record["continuation_tokens"].get<std::vector<int32_t>>()) {
        REQUIRE(session.progress().step == 0);
        force(logits, token);
        REQUIRE(session.next(logits) == token);
      }
      CHECK(session.progress().step == 1);
      CHECK(session.attempts().size() == 1);

      Score expected = fixtureScore(record["result_after_continuation"]);
      expected.resolution = config.resolution;  // the reference labels 12-tick values 1920
      expected = tokenizer.normalizeOutput(expected);
      const Score& result = session.result();
      CHECK(result.resolution == expected.resolution);
      CHECK(result.tempo == expected.tempo);
      REQUIRE(result.tracks.size() == expected.tracks.size());
      for (size_t t = 0; t < expected.tracks.size(); ++t) {
        CHECK(result.tracks[t].instrument == expected.tracks[t].instrument);
        CHECK(result.tracks[t].type == expected.tracks[t].type);
        REQUIRE(result.tracks[t].bars.size() == expected.tracks[t].bars.size());
        for (size_t b = 0; b < expected.tracks[t].bars.size(); ++b) {
          const Bar& got = result.tracks[t].bars[b];
          const Bar& want = expected.tracks[t].bars[b];
          CHECK(got.notes == want.notes);
          CHECK(got.tsNumerator == want.tsNumerator);
          CHECK(got.tsDenominator == want.tsDenominator);
          CHECK(got.beatLength == want.beatLength);
        }
      }
      ++compared;
    }
  }
  CHECK(compared == 18);  // 9 cases have attention and remove records
}

TEST_CASE("attention_skip steps feed the visible tokens at their prompt positions") {
  const Json fixtures = readJson(goldenDir() + "/session_steps.json");
  const Json& fixture = fixtures["cases"][0];
  const Json& record = fixture["modes"]["attention"];
  GenerationRequest request = requestOf(record["request"]);
  request.config.maskMode = midigpt::MaskMode::AttentionSkip;
  GenerationSession session(encoderConfig(fixture["encoder"].get<std::string>()),
                            fixtureScore(fixture["input"]["score_480"]), request);
  const StepInput& step = session.currentStep();
  CHECK(step.inputIds == record["attention_skip_input_ids"].get<std::vector<int32_t>>());
  CHECK(step.positionIds == record["attention_skip_position_ids"].get<std::vector<int32_t>>());
  CHECK(step.nextPosition == static_cast<int32_t>(step.promptIds.size()));
}

TEST_CASE("random logits over real MIDI: infill and autoregressive requests complete") {
  const EncoderConfig& config = encoderConfig("yellow");
  const Tokenizer tokenizer(config);
  const Score input = midiScore("POP909_022.mid", 8);
  const int32_t track = firstMelodicTrack(input);
  const auto trackCount = static_cast<int32_t>(input.tracks.size());

  struct Case {
    const char* name;
    std::vector<int32_t> bars;
    bool autoregressive;
    const char* mode;
  };
  const std::vector<Case> cases = {{"infill", {1, 2, 5}, false, "attention"},
                                   {"infill remove", {3}, false, "remove"},
                                   {"autoregressive", {5, 6, 7}, true, "attention_skip"}};
  for (const Case& c : cases) {
    INFO(c.name);
    const Json request = {
        {"tracks", tracksJson(input.tracks.size(), track, c.bars, c.autoregressive)},
        {"config", {{"mask_mode", c.mode}, {"seed", 11}, {"polyphony_hard_limit", 2}}}};
    GenerationSession session(config, input, requestOf(request));
    std::map<int32_t, std::vector<int32_t>> prompts;  // step -> prompt
    const FakeModel model = randomModel(config, 5, 3.0f);
    const TokenLog log = drive(
        session,
        [&](const GenerationSession& s, std::vector<float>& logits) {
          prompts[s.currentStep().stepIndex] = s.currentStep().promptIds;
          model(s, logits);
        },
        config.vocabulary.size());
    REQUIRE(session.status() == SessionStatus::Done);
    CHECK(session.progress().step == session.progress().stepCount);

    std::vector<std::pair<int32_t, int32_t>> targets;
    for (int32_t bar : c.bars) targets.emplace_back(track, bar);
    checkUntouched(session.result(), input, tokenizer, targets);
    for (const auto& [trackIndex, bar] : targets) {
      const Bar& generated = session.result().tracks[static_cast<size_t>(trackIndex)]
                                 .bars[static_cast<size_t>(bar)];
      CHECK(!generated.notes.empty());
      CHECK(maxPolyphony(generated) <= 2);
      // Infilled onsets stay inside their bar (fillOnsetsWithinBar), as generated bars' do.
      const double barTicks = generated.beatLength * session.result().resolution;
      for (const midigpt::Note& note : generated.notes) CHECK(note.onset < barTicks);
    }
    for (const midigpt::AttemptRecord& attempt : session.attempts()) {
      if (!attempt.rejections.empty()) continue;
      checkGrammar(config, prompts.at(attempt.step), log.at({attempt.step, attempt.attempt}),
                   trackCount, c.autoregressive ? 4 : -1);
    }
  }
}

TEST_CASE("draft notes: each attempt's notes as they complete, equal to the accepted bars") {
  const EncoderConfig& config = encoderConfig("yellow");
  const Score input = midiScore("POP909_022.mid", 8);
  const int32_t track = firstMelodicTrack(input);
  for (const bool autoregressive : {false, true}) {
    INFO("autoregressive: " << autoregressive);
    const std::vector<int32_t> bars = autoregressive ? std::vector<int32_t>{5, 6, 7}
                                                     : std::vector<int32_t>{1, 2, 5};
    const Json request = {{"tracks", tracksJson(input.tracks.size(), track, bars, autoregressive)},
                          {"config", {{"mask_mode", "attention"}, {"seed", 7}}}};
    GenerationSession session(config, input, requestOf(request));
    const FakeModel model = randomModel(config, 4, 3.0f);
    std::vector<float> logits(static_cast<size_t>(config.vocabulary.size()));
    std::map<int32_t, std::vector<midigpt::PlacedNote>> lastDraft;  // step -> its final draft
    int32_t noteTokens = 0;
    size_t drafted = 0;
    int32_t attempt = 0;
    while (session.status() == SessionStatus::NeedsPrefill ||
           session.status() == SessionStatus::Generating) {
      const int32_t step = session.currentStep().stepIndex;
      if (session.currentStep().attempt != attempt || session.progress().stepTokens == 0) {
        attempt = session.currentStep().attempt;
        drafted = 0;
        noteTokens = 0;
      }
      model(session, logits);
      if (session.next(logits) < 0 || session.progress().step != step) continue;
      if (session.progress().noteTokens == noteTokens) {
        CHECK(session.draftNotes().size() == drafted);  // no note token, no new note
        continue;
      }
      noteTokens = session.progress().noteTokens;
      std::vector<midigpt::PlacedNote> draft = session.draftNotes();
      CHECK(draft.size() >= drafted);
      CHECK(draft.size() <= drafted + 1);  // notes arrive one at a time
      for (const midigpt::PlacedNote& placed : draft) {
        CHECK(placed.track == track);
        CHECK(std::find(bars.begin(), bars.end(), placed.bar) != bars.end());
      }
      drafted = draft.size();
      lastDraft[step] = std::move(draft);
    }
    REQUIRE(session.status() == SessionStatus::Done);
    CHECK(session.draftNotes().empty());
    std::map<int32_t, std::vector<midigpt::Note>> streamed;  // bar -> notes of the final drafts
    for (const auto& [step, draft] : lastDraft) {
      for (const midigpt::PlacedNote& placed : draft) streamed[placed.bar].push_back(placed.note);
    }
    for (int32_t bar : bars) {
      INFO("bar " << bar);
      CHECK(streamed[bar] ==
            session.result().tracks[static_cast<size_t>(track)].bars[static_cast<size_t>(bar)].notes);
    }
  }
}

TEST_CASE("the same seed reproduces the run; cancel keeps the finished steps") {
  const EncoderConfig& config = encoderConfig("yellow");
  const Tokenizer tokenizer(config);
  const Score input = midiScore("POP909_022.mid", 8);
  const int32_t track = firstMelodicTrack(input);
  const Json request = {{"tracks", tracksJson(input.tracks.size(), track, {1, 2, 3, 4}, false)},
                        {"config", {{"mask_mode", "attention"}, {"seed", 3}}}};
  const FakeModel model = randomModel(config, 9, 3.0f);

  GenerationSession first(config, input, requestOf(request));
  GenerationSession second(config, input, requestOf(request));
  const TokenLog firstLog = drive(first, model, config.vocabulary.size());
  CHECK(drive(second, model, config.vocabulary.size()) == firstLog);
  CHECK(first.result() == second.result());
  CHECK(first.progress().totalTokens == second.progress().totalTokens);

  Json otherSeed = request;
  otherSeed["config"]["seed"] = 4;
  GenerationSession third(config, input, requestOf(otherSeed));
  CHECK(drive(third, model, config.vocabulary.size()) != firstLog);

  // Cancel once the first step is accepted: the result is that step, nothing more.
  GenerationSession cancelled(config, input, requestOf(request));
  std::vector<float> logits(static_cast<size_t>(config.vocabulary.size()));
  while (cancelled.progress().step < 1) {
    model(cancelled, logits);
    cancelled.next(logits);
  }
  const Score afterFirst = cancelled.result();
  model(cancelled, logits);
  cancelled.next(logits);  // the second step has started
  cancelled.cancel();
  model(cancelled, logits);
  CHECK(cancelled.next(logits) == -1);
  CHECK(cancelled.status() == SessionStatus::Cancelled);
  CHECK(cancelled.result() == afterFirst);
  checkUntouched(cancelled.result(), input, tokenizer, {{track, 1}});
  CHECK(cancelled.result().tracks[static_cast<size_t>(track)].bars[1] ==
        first.result().tracks[static_cast<size_t>(track)].bars[1]);
  CHECK_THROWS_AS(cancelled.next(logits), Error);
}

TEST_CASE("rejected attempts are retried with the next seed") {
  const EncoderConfig& config = encoderConfig("yellow");
  const Score input = midiScore("POP909_022.mid", 8);
  const int32_t track = firstMelodicTrack(input);
  const Json request = {{"tracks", tracksJson(input.tracks.size(), track, {1, 2, 3, 4}, false)},
                        {"config", {{"mask_mode", "attention"}, {"seed", 1}, {"max_attempts", 20}}}};
  SessionOptions options;
  options.maxStepTokens = 12;  // tight: some attempts run out before their FillInEnd
  GenerationSession session(config, input, requestOf(request), options);
  const TokenLog log = drive(session, randomModel(config, 2, 2.0f), config.vocabulary.size());
  REQUIRE(session.status() == SessionStatus::Done);

  int retried = 0;
  for (const midigpt::AttemptRecord& attempt : session.attempts()) {
    if (attempt.rejections.empty()) continue;
    ++retried;
    CHECK(attempt.rejections.front().find("token budget") == 0);
    // The logits of a position are the same in every attempt: only the seed differs.
    CHECK(log.at({attempt.step, attempt.attempt}) != log.at({attempt.step, attempt.attempt + 1}));
  }
  CHECK(retried > 0);
}

TEST_CASE("an unchanged candidate fails the novelty check until max_attempts") {
  const EncoderConfig& config = encoderConfig("yellow");
  const Tokenizer tokenizer(config);
  const Score input = gridScore();
  midigpt::EncodeOptions encode;
  encode.infillTargets = {{0, 1}};
  const std::vector<int32_t> tokens = tokenizer.encode(input, encode);
  const int32_t fillStart = config.vocabulary.id(TokenType::FillInStart, 0);
  const int32_t fillEnd = config.vocabulary.id(TokenType::FillInEnd, 0);
  const auto blockStart = std::find(tokens.begin(), tokens.end(), fillStart) + 1;
  const std::vector<int32_t> original(blockStart, std::find(blockStart, tokens.end(), fillEnd) + 1);
  const FakeModel copyModel = [&](const GenerationSession& session, std::vector<float>& logits) {
    force(logits, original.at(static_cast<size_t>(session.progress().stepTokens)));
  };

  const Json request = {{"tracks", {{{"id", 0}, {"bars", {1}}}}},
                        {"config", {{"mask_mode", "attention"}, {"max_attempts", 3}}}};
  GenerationSession session(config, input, requestOf(request));
  std::string message;
  try {
    drive(session, copyModel, config.vocabulary.size());
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::InvalidArgument);
    message = error.detail();
  }
  CHECK(session.status() == SessionStatus::Failed);
  CHECK(message == session.failure());
  CHECK(message.find("max attempts (3) reached at step 1 of 1") == 0);
  CHECK(message.find("attempt 3: novelty") != std::string::npos);
  CHECK(session.attempts().size() == 3);
  CHECK(session.result() == tokenizer.normalizeOutput(input));

  // With the check off the same candidate is accepted, with a warning.
  Json lenient = request;
  lenient["config"]["novelty_check"] = false;
  GenerationSession accepted(config, input, requestOf(lenient));
  drive(accepted, copyModel, config.vocabulary.size());
  CHECK(accepted.status() == SessionStatus::Done);
  CHECK(noteShapes(accepted.result()) == noteShapes(tokenizer.normalizeOutput(input)));
  REQUIRE(accepted.warnings().size() == 1);
  CHECK(accepted.warnings().front() == "step 1, attempt 1: novelty: the requested bars are unchanged");
}

TEST_CASE("candidate checks: silence and novelty") {
  const Score input = gridScore();
  const int32_t track = 0;
  const GenerationRequest request =
      requestOf({{"tracks", tracksJson(input.tracks.size(), track, {1, 2}, false)},
                 {"config", {{"mask_mode", "attention"}}}});
  midigpt::GenerationStep step;
  step.startBar = 0;
  step.endBar = 4;
  step.barsToGenerate = {{track, 1}};

  CHECK(midigpt::checkCandidate(input, input, request, step).unchanged);
  CHECK(!midigpt::checkCandidate(input, input, request, step).silent);
  Score silent = input;
  silent.tracks[static_cast<size_t>(track)].bars[1].notes.clear();
  const midigpt::CandidateCheck check = midigpt::checkCandidate(input, silent, request, step);
  CHECK(check.silent);
  CHECK(!check.unchanged);
  // Bar 2 is requested but not this step's target: its notes do not count against silence.
  Score otherBarOnly = silent;
  otherBarOnly.tracks[static_cast<size_t>(track)].bars[2].notes.push_back({0, 10, 50, 90, 0});
  CHECK(midigpt::checkCandidate(input, otherBarOnly, request, step).silent);
}

TEST_CASE("constraint dead ends are retried, then fail with the reference's constraints") {
  const EncoderConfig& config = encoderConfig("yellow");
  const Score input = midiScore("POP909_022.mid", 4);
  const int32_t track = firstMelodicTrack(input);
  const Json request = {{"tracks", tracksJson(input.tracks.size(), track, {1}, false)},
                        {"config",
                         {{"mask_mode", "attention"}, {"seed", 1}, {"polyphony_hard_limit", 1}}}};
  // A model that always wants another note at the same onset: at the limit the reference still
  // allows VelocityLevel, after which only NoteOnset (forbidden) or Delta (absent) may follow.
  const int32_t velocity = config.vocabulary.id(TokenType::VelocityLevel, 20);
  const FakeModel eager = [&](const GenerationSession&, std::vector<float>& logits) {
    std::fill(logits.begin(), logits.end(), 0.0f);
    logits[static_cast<size_t>(velocity)] = 50.0f;
  };
  GenerationSession reference(config, input, requestOf(request), SessionOptions::reference());
  std::string message;
  try {
    drive(reference, eager, config.vocabulary.size());
  } catch (const Error& error) {
    message = error.detail();
  }
  CHECK(message.find("attempt 1: dead end: no legal token after") != std::string::npos);
  CHECK(reference.status() == SessionStatus::Failed);

  // The default options forbid the lead-in at the limit, so the same model completes.
  GenerationSession fixed(config, input, requestOf(request));
  drive(fixed, eager, config.vocabulary.size());
  CHECK(fixed.status() == SessionStatus::Done);
  CHECK(maxPolyphony(fixed.result().tracks[static_cast<size_t>(track)].bars[1]) == 1);
}

TEST_CASE("a context too small for every window is rejected; misuse is an InvalidArgument") {
  const EncoderConfig& config = encoderConfig("yellow");
  const Score input = midiScore("POP909_022.mid", 4);
  const int32_t track = firstMelodicTrack(input);
  const GenerationRequest request =
      requestOf({{"tracks", tracksJson(input.tracks.size(), track, {1}, false)},
                 {"config", {{"mask_mode", "attention"}}}});
  SessionOptions options;
  options.contextLength = 16;
  try {
    GenerationSession session(config, input, request, options);
    FAIL("expected an error");
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::InvalidArgument);
    CHECK(error.detail().find("no model_dim in [4] fits the model's context of 16 tokens") == 0);
  }

  GenerationSession session(config, input, request);
  std::vector<float> wrongSize(3);
  CHECK_THROWS_AS(session.next(wrongSize), Error);
  GenerationRequest invalid = request;
  invalid.config.maxAttempts = 0;
  try {
    GenerationSession rejected(config, input, invalid);
    FAIL("expected an error");
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::InvalidRequest);
  }
}

TEST_CASE("bridge: SessionHandle drives a session over wire scores and raw logits") {
  namespace bridge = midigpt::bridge;
  const std::string configJson = readText(modelPath("yellow"));
  const EncoderConfig& config = encoderConfig("yellow");
  const Score input = gridScore();
  const std::vector<int32_t> wire = midigpt::packScore(input);
  const std::string request =
      R"({"tracks": [{"id": 0, "bars": [1, 2]}],
          "config": {"mask_mode": "attention_skip", "seed": 5, "max_attempts": 5}})";
  bridge::SessionHandle handle(configJson, wire.data(), static_cast<int64_t>(wire.size()),
                               request, 1024);
  CHECK(handle.status() == 0);
  const bridge::IntArray info = handle.stepInfo();
  REQUIRE(info.size() == bridge::kStepInfoFields);
  CHECK(info.data()[1] == 2);  // two infill steps
  CHECK(info.data()[4] == 3);  // attention_skip
  CHECK(handle.inputIds().size() == handle.positionIds().size());
  CHECK(handle.keyMask().size() == handle.promptIds().size());
  CHECK(handle.temperature() == 1.0f);

  midigpt::Rng rng(1);
  std::vector<float> logits(static_cast<size_t>(config.vocabulary.size()));
  while (handle.status() <= 1) {
    for (float& logit : logits) logit = static_cast<float>(rng.uniform() * 4.0 - 2.0);
    logits[static_cast<size_t>(config.vocabulary.id(TokenType::FillInEnd, 0))] += 4.0f;
    handle.next(logits.data(), static_cast<int64_t>(logits.size()));
  }
  CHECK(handle.status() == 2);
  const bridge::IntArray progress = handle.progress();
  REQUIRE(progress.size() == bridge::kSessionProgressFields);
  CHECK(progress.data()[0] == 2);
  CHECK(handle.failure().empty());
  CHECK(nlohmann::json::parse(handle.warningsJson()).is_array());
  const bridge::IntArray packed = handle.result();
  const Score result = midigpt::unpackScore(std::span<const int32_t>(packed.data(),
                                                                     static_cast<size_t>(packed.size())));
  CHECK(result.resolution == config.decodeResolution);
  CHECK(result.tracks[0].bars[0] == Tokenizer(config).normalizeOutput(input).tracks[0].bars[0]);
  // Over: the step accessors and next() fail with a coded error.
  CHECK_THROWS_AS(handle.promptIds(), Error);
  CHECK_THROWS_AS(handle.next(logits.data(), static_cast<int64_t>(logits.size())), Error);

  bridge::SessionHandle cancelled(configJson, wire.data(), static_cast<int64_t>(wire.size()),
                                  request, 0);
  cancelled.cancel();
  CHECK(cancelled.next(logits.data(), static_cast<int64_t>(logits.size())) == -1);
  CHECK(cancelled.status() == 3);
  CHECK_THROWS_AS(cancelled.next(nullptr, 4), Error);

  try {
    bridge::SessionHandle invalid(configJson, wire.data(), static_cast<int64_t>(wire.size()),
                                  R"({"tracks": [{"id": 0, "bars": [9]}]})", 0);
    FAIL("expected an error");
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::InvalidRequest);
  }
}

TEST_CASE("a locked time signature holds in every bar of new tracks") {
  const EncoderConfig& config = encoderConfig("yellow");
  const auto& signatures = config.timeSignatures;
  const auto threeFour = std::find_if(signatures.begin(), signatures.end(), [](const auto& ts) {
    return ts.numerator == 3 && ts.denominator == 4;
  });
  REQUIRE(threeFour != signatures.end());
  const auto index = static_cast<int32_t>(threeFour - signatures.begin());

  // A new piece as `midigpt generate --instrument 0 --drums --time-signature 3/4` builds it:
  // two empty tracks, every bar 3/4 and locked to it; the first track is generated first, so
  // its prompt encodes it after the drums (§6.8), where the reference's ordinal misses it.
  Score input;
  for (TrackType type : {TrackType::Melodic, TrackType::Drum}) {
    Track& track = input.tracks.emplace_back();
    track.type = type;
    for (int32_t b = 0; b < 4; ++b) {
      Bar& bar = track.bars.emplace_back();
      bar.tsNumerator = 3;
      bar.beatLength = 3.0;
    }
  }
  Json tracks = Json::array();
  for (int32_t t = 0; t < 2; ++t) {
    Json controls = Json::object();
    for (int32_t b = 0; b < 4; ++b) controls[std::to_string(b)] = {{"time_signature", index}};
    tracks.push_back({{"id", t}, {"bars", {0, 1, 2, 3}}, {"autoregressive", true},
                      {"bar_controls", controls}});
  }
  const auto run = [&](uint64_t seed, const SessionOptions& options) {
    const Json request = {{"tracks", tracks},
                          {"config", {{"mask_mode", "attention"}, {"seed", seed}, {"density_hard_limit", 4}}}};
    GenerationSession session(config, input, requestOf(request), options);
    drive(session, randomModel(config, seed, 3.0f), config.vocabulary.size());
    REQUIRE(session.status() == SessionStatus::Done);
    int32_t otherMeters = 0;
    for (const Track& track : session.result().tracks) {
      REQUIRE(track.bars.size() == 4);
      for (const Bar& bar : track.bars) {
        if (bar.tsNumerator != 3 || bar.tsDenominator != 4) ++otherMeters;
      }
    }
    return otherMeters;
  };
  SessionOptions withoutTimeSigRule;
  withoutTimeSigRule.requireBarTimeSig = false;
  SessionOptions withReferenceOrdinal;
  withReferenceOrdinal.barConstraintsOnPromptTrack = false;
  int32_t referenceMisses = 0;
  int32_t skippedTimeSigMisses = 0;
  int32_t wrongTrackMisses = 0;
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    INFO("seed " << seed);
    CHECK(run(seed, SessionOptions{}) == 0);
    referenceMisses += run(seed, SessionOptions::reference());
    skippedTimeSigMisses += run(seed, withoutTimeSigRule);
    wrongTrackMisses += run(seed, withReferenceOrdinal);
  }
  // Each fix is needed: the reference lets bars skip TimeSig (read as 4/4), and its ordinal
  // pins the drums' bars while the first track is generated.
  CHECK(referenceMisses > 0);
  CHECK(skippedTimeSigMisses > 0);
  CHECK(wrongTrackMisses > 0);
}

TEST_CASE("infill steps of several tracks stay in their fill blocks") {
  const EncoderConfig& config = encoderConfig("yellow");
  const Score input = midiScore("d6caebd1964d9e4a3c5ea59525230e2a.mid", 8);
  Json tracks = Json::array();
  for (size_t t = 0; t < input.tracks.size(); ++t) tracks.push_back({{"id", t}, {"bars", {4}}});
  // Every track's bar in one step: after each FillInEnd the reference also allows BarEnd, and
  // a model that takes it writes bars and tracks past the fill blocks into a dead end. This
  // model likes ending things: near-uniform logits, ends of blocks, bars and tracks favoured.
  const Vocabulary& vocabulary = config.vocabulary;
  const auto model = [&](uint64_t seed) -> FakeModel {
    return [seed, &vocabulary](const GenerationSession& session, std::vector<float>& logits) {
      midigpt::Rng rng(seed * 7919u + static_cast<uint64_t>(session.progress().stepTokens));
      for (float& logit : logits) logit = static_cast<float>(rng.uniform() * 0.2 - 0.1);
      for (TokenType type : {TokenType::FillInEnd, TokenType::BarEnd, TokenType::TrackEnd}) {
        logits[static_cast<size_t>(vocabulary.id(type, 0))] += 2.0f;
      }
    };
  };
  const auto deadEnds = [&](const SessionOptions& options) {
    int32_t count = 0;
    for (uint64_t seed = 1; seed <= 10; ++seed) {
      const Json request = {
          {"tracks", tracks},
          {"config", {{"mask_mode", "attention"}, {"seed", seed}, {"density_hard_limit", 8},
                      {"tracks_per_step", input.tracks.size()}, {"max_attempts", 1}}}};
      GenerationSession session(config, input, requestOf(request), options);
      try {
        drive(session, model(seed), config.vocabulary.size());
      } catch (const Error& error) {
        // The step failed: with one attempt, its rejection is the reason.
        if (std::string(error.what()).find("dead end") != std::string::npos) ++count;
      }
      if (session.status() == SessionStatus::Done) CHECK(session.attempts().size() == 1);
    }
    return count;
  };
  CHECK(deadEnds(SessionOptions{}) == 0);
  CHECK(deadEnds(SessionOptions::reference()) > 0);
}

TEST_CASE("pitch masks: a C-major mask never yields a black key; a narrow shape stays near") {
  const EncoderConfig& config = encoderConfig("yellow");
  const Score input = midiScore("POP909_022.mid", 8);
  const int32_t track = firstMelodicTrack(input);
  const auto isBlackKey = [](int32_t pitch) {
    const int32_t pitchClass = pitch % 12;
    return pitchClass == 1 || pitchClass == 3 || pitchClass == 6 || pitchClass == 8 ||
           pitchClass == 10;
  };
  struct Case {
    const char* name;
    std::vector<int32_t> bars;
    bool autoregressive;
  };
  for (const Case& c :
       {Case{"infill", {1, 2, 5}, false}, Case{"autoregressive", {5, 6, 7}, true}}) {
    INFO(c.name);
    Json request = {{"tracks", tracksJson(input.tracks.size(), track, c.bars, c.autoregressive)},
                    {"config", {{"mask_mode", "attention"}, {"seed", 3}}}};
    request["tracks"][static_cast<size_t>(track)]["controls"] = {
        {"pitch_mask", {{"scale", "major"}, {"root", 0}}}};
    // The last bar asks for a narrow gaussian around middle C instead.
    request["tracks"][static_cast<size_t>(track)]["bar_controls"] = {
        {std::to_string(c.bars.back()),
         {{"pitch_mask", {{"pitch_classes", Json::array({0, 2, 4, 5, 7, 9, 11})},
                          {"shape", {{"type", "normal"}, {"mean", 60}, {"std", 1.0}}}}}}}};
    GenerationSession session(config, input, requestOf(request));
    drive(session, randomModel(config, 9, 3.0f), config.vocabulary.size());
    REQUIRE(session.status() == SessionStatus::Done);
    size_t notes = 0;
    for (int32_t bar : c.bars) {
      for (const Note& note : session.result().tracks[static_cast<size_t>(track)]
                                  .bars[static_cast<size_t>(bar)].notes) {
        ++notes;
        CHECK_FALSE(isBlackKey(note.pitch));
        if (bar == c.bars.back()) CHECK(std::abs(note.pitch - 60) <= 5);
      }
    }
    CHECK(notes > 0);
  }
}

TEST_CASE("rhythm masks: a hard schedule is reproduced exactly; a full-strength grid holds") {
  const EncoderConfig& config = encoderConfig("yellow");
  const Score input = midiScore("I_Gotta_Feeling.mid", 8);
  const int32_t track = firstMelodicTrack(input);
  // Grid ticks at the encoder resolution (12 per quarter): 0, an eighth, a half.
  const std::map<int32_t, int32_t> schedule = {{0, 2}, {6, 1}, {24, 3}};
  struct Case {
    const char* name;
    std::vector<int32_t> bars;
    bool autoregressive;
  };
  for (const Case& c :
       {Case{"infill", {1, 2, 5}, false}, Case{"autoregressive", {5, 6, 7}, true}}) {
    INFO(c.name);
    Json request = {{"tracks", tracksJson(input.tracks.size(), track, c.bars, c.autoregressive)},
                    {"config", {{"mask_mode", "attention"}, {"seed", 4}}}};
    Json positions = Json::array();
    for (const auto& [pos, polyphony] : schedule) {
      positions.push_back({{"pos", pos}, {"polyphony", polyphony}});
    }
    request["tracks"][static_cast<size_t>(track)]["controls"] = {
        {"rhythm_mask", {{"positions", positions}}}};
    // The last bar asks for quarter notes only instead.
    request["tracks"][static_cast<size_t>(track)]["bar_controls"] = {
        {std::to_string(c.bars.back()),
         {{"rhythm_mask", {{"grid", {{"unit", "quarter"}, {"strength", 1.0}}}}}}}};
    GenerationSession session(config, input, requestOf(request));
    drive(session, randomModel(config, 9, 3.0f), config.vocabulary.size());
    REQUIRE(session.status() == SessionStatus::Done);
    const int32_t ticksPerGridTick = session.result().resolution / config.resolution;
    for (int32_t bar : c.bars) {
      INFO("bar " << bar);
      std::map<int32_t, int32_t> onsets;
      for (const Note& note : session.result().tracks[static_cast<size_t>(track)]
                                  .bars[static_cast<size_t>(bar)].notes) {
        ++onsets[note.onset / ticksPerGridTick];
      }
      if (bar == c.bars.back()) {
        CHECK_FALSE(onsets.empty());
        for (const auto& [onset, count] : onsets) CHECK(onset % 12 == 0);
      } else {
        CHECK(onsets == schedule);
      }
    }
  }
}

TEST_CASE("remix: amount 0 reproduces the original notes; amount 1 keeps rhythm and durations") {
  const EncoderConfig& config = encoderConfig("yellow");
  const Tokenizer tokenizer(config);
  const Score input = midiScore("I_Gotta_Feeling.mid", 8);
  // The melodic track with the most notes, and three of its bars with notes to vary.
  int32_t track = -1;
  size_t most = 0;
  for (size_t t = 0; t < input.tracks.size(); ++t) {
    size_t notes = 0;
    for (const Bar& bar : input.tracks[t].bars) notes += bar.notes.size();
    if (input.tracks[t].type == TrackType::Melodic && notes > most) {
      most = notes;
      track = static_cast<int32_t>(t);
    }
  }
  REQUIRE(track >= 0);
  std::vector<int32_t> bars;
  for (int32_t bar = 0; bar < 8 && bars.size() < 3; ++bar) {
    if (!input.tracks[static_cast<size_t>(track)].bars[static_cast<size_t>(bar)].notes.empty()) {
      bars.push_back(bar);
    }
  }
  REQUIRE(bars.size() == 3);
  const Score original = tokenizer.normalizeOutput(tokenizer.normalizeInput(input));
  const int32_t longest =
      config.vocabulary.domainSize(TokenType::NoteDuration) *
      (original.resolution / config.resolution);
  // (onset, pitch, duration as the encoder keeps it) of every note, sorted; velocity is free.
  const auto shapes = [&](const Score& score, int32_t bar, bool withPitch) {
    std::vector<std::vector<int32_t>> notes;
    for (const Note& note :
         score.tracks[static_cast<size_t>(track)].bars[static_cast<size_t>(bar)].notes) {
      notes.push_back({note.onset, withPitch ? note.pitch : 0, std::min(note.duration, longest)});
    }
    std::sort(notes.begin(), notes.end());
    return notes;
  };
  for (double amount : {0.0, 1.0}) {
    INFO("amount " << amount);
    Json request = {{"tracks", tracksJson(input.tracks.size(), track, bars, false)},
                    {"config", {{"mask_mode", "attention"}, {"seed", 6}}}};
    request["tracks"][static_cast<size_t>(track)]["controls"] = {
        {"remix", {{"amount", amount}, {"mode", "pitch"}}}};
    GenerationSession session(config, input, requestOf(request));
    drive(session, randomModel(config, 9, 3.0f), config.vocabulary.size());
    REQUIRE(session.status() == SessionStatus::Done);
    for (int32_t bar : bars) {
      INFO("bar " << bar);
      REQUIRE_FALSE(shapes(original, bar, true).empty());
      // Rhythm and durations always stay; pitches only at amount 0.
      CHECK(shapes(session.result(), bar, amount == 0.0) == shapes(original, bar, amount == 0.0));
    }
  }
}
