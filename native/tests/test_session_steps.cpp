// Requests, step planning and step prompts: parity with the reference's session_steps.json
// fixtures, the spec's planner examples, one test per validation rule, and the §12 options.

#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "midigpt/attribute_keys.hpp"
#include "midigpt/encoder_config.hpp"
#include "midigpt/error.hpp"
#include "midigpt/generation_request.hpp"
#include "midigpt/prompt_builder.hpp"
#include "midigpt/score.hpp"
#include "midigpt/step_planner.hpp"
#include "midigpt/tokenizer.hpp"

#include "fixtures.hpp"

using midigpt::AttributeLevel;
using midigpt::Bar;
using midigpt::DecodeOptions;
using midigpt::EncoderConfig;
using midigpt::Error;
using midigpt::ErrorCode;
using midigpt::GenerationRequest;
using midigpt::GenerationStep;
using midigpt::MaskMode;
using midigpt::Note;
using midigpt::PromptOptions;
using midigpt::Score;
using midigpt::SelectionMask;
using midigpt::StepPrompt;
using midigpt::TokenRange;
using midigpt::TokenType;
using midigpt::Tokenizer;
using midigpt::Track;
using midigpt::TrackPrompt;
using midigpt::TrackType;
using Json = nlohmann::json;
using midigpt::testing::fixtureScore;
using midigpt::testing::encoderConfig;
using midigpt::testing::goldenDir;
using midigpt::testing::readJson;

namespace {

const Json& sessionFixtures() {
  static const Json fixtures = readJson(goldenDir() + "/session_steps.json");
  return fixtures;
}

const Tokenizer& tokenizerFor(const std::string& encoder) {
  static std::map<std::string, Tokenizer> tokenizers;
  auto found = tokenizers.find(encoder);
  if (found == tokenizers.end()) {
    found = tokenizers.emplace(encoder, Tokenizer(encoderConfig(encoder))).first;
  }
  return found->second;
}

/// The reference decoder's numerics (integer bar lengths, singleton velocity bins to 0).
DecodeOptions referenceDecodeOptions() {
  DecodeOptions options;
  options.exactBeatLength = false;
  options.identityVelocityForSingletonBins = false;
  return options;
}

// ---- Fixture scores -----------------------------------------------------------------------------

/// The fixture form of a track's attributes: track-level names, and `bar_<TokenType>_<i>` keys
/// for the bars [firstBar, endBar) numbered from 0.
Json attributesJson(const Track& track, size_t firstBar, size_t endBar) {
  Json json = Json::object();
  for (const auto& [type, value] : track.attributes) {
    const auto name = midigpt::attributeKeyName(AttributeLevel::Track, type);
    json[name ? std::string(*name) : "?" + std::string(midigpt::tokenTypeName(type))] = value;
  }
  for (size_t b = firstBar; b < endBar && b < track.bars.size(); ++b) {
    for (const auto& [type, value] : track.bars[b].attributes) {
      json["bar_" + std::string(midigpt::tokenTypeName(type)) + "_" +
           std::to_string(b - firstBar)] = value;
    }
  }
  return json;
}

/// The fixture form of a score, leaving out `resolution` (the reference writes 1920 over
/// decoded ticks at 12). `attributeBars(t)` selects the bars whose attributes are listed.
Json scoreJson(const Score& score,
               const std::function<std::pair<size_t, size_t>(size_t)>& attributeBars) {
  Json tracks = Json::array();
  for (size_t t = 0; t < score.tracks.size(); ++t) {
    const Track& track = score.tracks[t];
    Json bars = Json::array();
    for (const Bar& bar : track.bars) {
      Json notes = Json::array();
      for (const Note& n : bar.notes) {
        notes.push_back({n.onset, n.duration, n.pitch, n.velocity, n.delta});
      }
      Json barJson = {{"ts", {bar.tsNumerator, bar.tsDenominator}},
                      {"beat_length", bar.beatLength},
                      {"notes", notes}};
      if (bar.future) barJson["future"] = true;
      bars.push_back(barJson);
    }
    const auto [first, end] = attributeBars(t);
    tracks.push_back({{"instrument", track.instrument},
                      {"track_type", track.type == TrackType::Drum ? "drum" : "melodic"},
                      {"attributes", attributesJson(track, first, end)},
                      {"bars", bars}});
  }
  return {{"tempo", score.tempo}, {"tracks", tracks}};
}

Json fixtureScoreWithoutResolution(Json json) {
  json.erase("resolution");
  return json;
}

// ---- Steps as fixture JSON ----------------------------------------------------------------------

Json boolGridJson(const std::vector<std::vector<bool>>& grid) {
  Json rows = Json::array();
  for (const auto& row : grid) {
    Json values = Json::array();
    for (bool value : row) values.push_back(value ? 1 : 0);
    rows.push_back(values);
  }
  return rows;
}

Json boolListJson(const std::vector<bool>& list) {
  Json values = Json::array();
  for (bool value : list) values.push_back(value ? 1 : 0);
  return values;
}

Json stepJson(const GenerationStep& step) {
  Json targets = Json::array();
  for (const auto& [track, bar] : step.barsToGenerate) targets.push_back({track, bar});
  Json mapping = Json::array();
  for (const auto& m : step.barMapping) {
    mapping.push_back({m.localTrack, m.localBar, m.track, m.bar});
  }
  return {{"start_bar", step.startBar},       {"end_bar", step.endBar},
          {"is_autoregressive", step.autoregressive}, {"track_indices", step.trackIndices},
          {"bars_to_generate", targets},      {"bar_mapping", mapping},
          {"context", boolGridJson(step.context)}};
}

Json selectionJson(const SelectionMask& mask) {
  return {{"selected", boolGridJson(mask.selected)},
          {"autoregressive", boolListJson(mask.autoregressive)},
          {"ignore", boolListJson(mask.ignore)}};
}

Json rangesJson(const std::vector<TokenRange>& ranges) {
  Json list = Json::array();
  for (const TokenRange& range : ranges) list.push_back({range.begin, range.end});
  return list;
}

Json promptStateJson(const midigpt::PromptStateSnapshot& snapshot) {
  Json tracks = Json::array();
  for (const auto& track : snapshot.tracks) {
    Json states = Json::array();
    for (char state : track.states) states.push_back(std::string(1, state));
    tracks.push_back({{"id", track.id}, {"is_agent", track.agent}, {"states", states}});
  }
  return {{"start_bar", snapshot.startBar}, {"end_bar", snapshot.endBar}, {"tracks", tracks}};
}

// ---- Parity tally -------------------------------------------------------------------------------

struct Tally {
  std::map<std::string, std::pair<int, int>> counts;  // field -> (equal, compared)

  void record(const std::string& field, const std::string& where, const Json& actual,
              const Json& expected) {
    auto& [equal, compared] = counts[field];
    ++compared;
    if (actual == expected) {
      ++equal;
      return;
    }
    // The JSON patch from expected to actual names every differing path.
    FAIL_CHECK(where << " " << field << " differs; patch from the fixture: "
                     << Json::diff(expected, actual).dump().substr(0, 2000));
  }

  void print() const {
    std::cout << "session_steps.json parity (equal/compared):\n";
    for (const auto& [field, count] : counts) {
      std::cout << "  " << field << ": " << count.first << "/" << count.second << "\n";
    }
  }
};

Error requestError(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& error) {
    return error;
  }
  FAIL("expected a midigpt::Error");
  return Error(ErrorCode::InvalidArgument, "unreachable");
}

}  // namespace

TEST_CASE("session_steps.json: validation, planning, prompts and results match the reference") {
  const Json& fixtures = sessionFixtures();
  Tally tally;
  int tokenModeErrors = 0;
  for (const Json& fixture : fixtures["cases"]) {
    const std::string caseName =
        fixture["name"].get<std::string>() + "/" + fixture["encoder"].get<std::string>();
    const Tokenizer& tokenizer = tokenizerFor(fixture["encoder"].get<std::string>());
    const Score input = fixtureScore(fixture["input"]["score_480"]);

    for (const auto& [modeName, record] : fixture["modes"].items()) {
      const std::string where = caseName + "/" + modeName;
      INFO(where);
      const GenerationRequest request = GenerationRequest::fromJson(record["request"].dump());
      CHECK(Json::parse(request.toJson()) == record["request"]);

      if (record.contains("validation_error")) {
        const Error error = requestError(
            [&] { midigpt::validateRequest(request, input, tokenizer.config()); });
        CHECK(error.code() == ErrorCode::InvalidRequest);
        tally.record("validation_error", where, error.detail(), record["validation_error"]);
        ++tokenModeErrors;
        continue;
      }

      const midigpt::ValidatedRequest validated =
          midigpt::validateRequest(request, input, tokenizer.config());
      const GenerationRequest& valid = validated.request;
      CHECK(validated.warnings.empty());
      tally.record("validated_config", where, Json::parse(valid.toJson())["config"],
                   record["validated_config"]);
      const Json plannerArgs = {{"model_dim", valid.config.modelDim},
                                {"bars_per_step", valid.config.barsPerStep},
                                {"tracks_per_step", valid.config.tracksPerStep}};
      tally.record("planner_args", where, plannerArgs, record["planner_args"]);

      const SelectionMask mask = midigpt::selectionMask(valid, input);
      tally.record("selection_mask", where, selectionJson(mask), record["selection_mask"]);
      const std::vector<GenerationStep> steps = midigpt::planSteps(
          mask, valid.config.modelDim, valid.config.barsPerStep, valid.config.tracksPerStep);
      Json stepsJson = Json::array();
      for (const GenerationStep& step : steps) stepsJson.push_back(stepJson(step));
      tally.record("planned_steps", where, stepsJson, record["planned_steps"]);
      REQUIRE(!steps.empty());

      const GenerationStep patched = midigpt::withContextPatch(steps.front(), valid);
      tally.record("first_step_as_passed_to_session_state", where, stepJson(patched),
                   record["first_step_as_passed_to_session_state"]);
      tally.record("first_step_prompt_state", where,
                   promptStateJson(
                       midigpt::promptStateSnapshot(patched, valid, valid.config.maskMode)),
                   record["first_step_prompt_state"]);

      const Score stepInput = tokenizer.normalizeInput(
          midigpt::withStepAttributes(input, valid, tokenizer.config()));
      tally.record("session_state_input_score", where,
                   scoreJson(stepInput,
                             [&](size_t t) {
                               return std::pair<size_t, size_t>(0, stepInput.tracks[t].bars.size());
                             }),
                   fixtureScoreWithoutResolution(record["session_state_input_score"]));

      const StepPrompt prompt(tokenizer, stepInput, patched, valid.config.maskMode);
      tally.record("prompt_tokens", where, prompt.tokens(), record["prompt_tokens"]);
      tally.record("hidden_spans", where, rangesJson(prompt.hiddenSpans()),
                   record["hidden_spans"]);
      if (record.contains("attention_key_mask_ranges_true")) {
        tally.record("attention_key_mask_ranges_true", where, rangesJson(prompt.visibleRanges()),
                     record["attention_key_mask_ranges_true"]);
        tally.record("attention_skip_input_ids", where, prompt.skipInputIds(),
                     record["attention_skip_input_ids"]);
        tally.record("attention_skip_position_ids", where, prompt.skipPositionIds(),
                     record["attention_skip_position_ids"]);
      }
      // The attention modes share one prompt (§6.8); the fixtures store only "attention".
      if (modeName == "attention") {
        for (MaskMode other : {MaskMode::AttentionApprox, MaskMode::AttentionSkip}) {
          const StepPrompt same(tokenizer, stepInput, patched, other);
          CHECK(same.tokens() == prompt.tokens());
          CHECK(same.hiddenSpans() == prompt.hiddenSpans());
        }
      }
      // The builder that runs all of §6.7 steps 2-8 yields the same prompt.
      CHECK(midigpt::buildStepPrompt(tokenizer, input, valid, steps.front()).tokens() ==
            prompt.tokens());

      const std::vector<int32_t> continuation =
          record["continuation_tokens"].get<std::vector<int32_t>>();
      CHECK(!prompt.complete(std::vector<int32_t>(continuation.begin(), continuation.end() - 1)));
      tally.record("complete_after_continuation", where, prompt.complete(continuation),
                   record["complete_after_continuation"]);
      const Score result = prompt.result(continuation, referenceDecodeOptions());
      CHECK(result.resolution == tokenizer.config().resolution);
      // Decoded attributes exist for the window only: the bars before and after it are the
      // step input's, and the reference's fixture lists the decoded (window-local) keys.
      const GenerationStep& first = steps.front();
      tally.record("result_after_continuation", where,
                   scoreJson(result,
                             [&](size_t t) {
                               const size_t bars = result.tracks[t].bars.size();
                               const size_t inputBars = input.tracks[t].bars.size();
                               const size_t after =
                                   inputBars - std::min<size_t>(inputBars, first.endBar);
                               return std::pair<size_t, size_t>(first.startBar, bars - after);
                             }),
                   fixtureScoreWithoutResolution(record["result_after_continuation"]));
    }
  }
  CHECK(tokenModeErrors == 9);
  tally.print();
}

// ---- Step planner: the spec's examples ----------------------------------------------------------

namespace {

SelectionMask oneTrack(int32_t bars, const std::vector<int32_t>& selected, bool autoregressive) {
  SelectionMask mask;
  mask.selected.assign(1, std::vector<bool>(static_cast<size_t>(bars), false));
  for (int32_t bar : selected) mask.selected[0][static_cast<size_t>(bar)] = true;
  mask.autoregressive = {autoregressive};
  mask.ignore = {false};
  return mask;
}

/// Each step as "[start,end) targets" for compact comparison.
std::vector<std::string> describe(const std::vector<GenerationStep>& steps) {
  std::vector<std::string> lines;
  for (const GenerationStep& step : steps) {
    std::string line = "[" + std::to_string(step.startBar) + "," + std::to_string(step.endBar) +
                       ")";
    for (const auto& [track, bar] : step.barsToGenerate) line += " " + std::to_string(bar);
    lines.push_back(line);
  }
  return lines;
}

}  // namespace

TEST_CASE("planner: the spec's examples") {
  const std::vector<int32_t> all = {0, 1, 2, 3, 4, 5, 6, 7};
  CHECK(describe(midigpt::planSteps(oneTrack(8, all, true), 4, 1, 1)) ==
        std::vector<std::string>{"[0,4) 0 1 2 3", "[1,5) 4", "[2,6) 5", "[3,7) 6", "[4,8) 7"});
  CHECK(describe(midigpt::planSteps(oneTrack(8, all, false), 4, 1, 1)) ==
        std::vector<std::string>{"[0,4) 0", "[0,4) 1", "[1,5) 2", "[2,6) 3", "[3,7) 4",
                                 "[4,8) 5", "[4,8) 6", "[4,8) 7"});
  CHECK(describe(midigpt::planSteps(oneTrack(8, all, false), 4, 2, 1)) ==
        std::vector<std::string>{"[0,4) 0 1", "[1,5) 2 3", "[3,7) 4 5", "[4,8) 6 7"});
  CHECK(describe(midigpt::planSteps(oneTrack(8, {6, 7}, true), 4, 1, 1)) ==
        std::vector<std::string>{"[3,7) 6", "[4,8) 7"});
  CHECK(describe(midigpt::planSteps(oneTrack(8, {6, 7}, true), 4, 2, 1)) ==
        std::vector<std::string>{"[4,8) 6 7"});
  // The reference's own unit tests.
  CHECK(describe(midigpt::planSteps(oneTrack(4, {0, 1, 2, 3}, true), 2, 2, 1)) ==
        std::vector<std::string>{"[0,2) 0 1", "[2,4) 2 3"});
  CHECK(describe(midigpt::planSteps(oneTrack(4, {0, 1, 2, 3}, true), 2, 1, 1)) ==
        std::vector<std::string>{"[0,2) 0 1", "[1,3) 2", "[2,4) 3"});
  CHECK(describe(midigpt::planSteps(oneTrack(4, {0, 1, 2, 3}, true), 2, 0, 1)) ==
        describe(midigpt::planSteps(oneTrack(4, {0, 1, 2, 3}, true), 2, 2, 1)));
  CHECK(midigpt::planSteps(oneTrack(8, {0, 3}, false), 4, 1, 1).size() == 2);
  SelectionMask ignored = oneTrack(8, all, false);
  ignored.ignore = {true};
  CHECK(midigpt::planSteps(ignored, 4, 1, 1).empty());
}

TEST_CASE("planner: autoregressive steps come first and see what earlier steps generated") {
  SelectionMask mask;
  mask.selected = {std::vector<bool>(8, true), std::vector<bool>(8, false)};
  mask.selected[1][5] = true;
  mask.autoregressive = {true, false};
  mask.ignore = {false, false};
  const std::vector<GenerationStep> steps = midigpt::planSteps(mask, 4, 1, 1);
  REQUIRE(steps.size() == 6);
  CHECK(steps[0].autoregressive);
  CHECK(!steps[5].autoregressive);
  CHECK(steps[5].barsToGenerate == std::vector<std::pair<int32_t, int32_t>>{{1, 5}});
  // Step [1,5): the autoregressive track's context is exactly the bars generated so far.
  CHECK(steps[1].context[0] ==
        std::vector<bool>{false, true, true, true, false, false, false, false});
  CHECK(steps[1].trackIndices == std::vector<int32_t>{0, 1});
}

TEST_CASE("planner: inconsistent selection masks are rejected") {
  SelectionMask mask = oneTrack(4, {0}, false);
  mask.ignore.clear();
  CHECK_THROWS_AS(midigpt::planSteps(mask, 4, 1, 1), Error);
}

// ---- Requests: parsing --------------------------------------------------------------------------

TEST_CASE("request JSON: defaults, round trip and malformed input") {
  const GenerationRequest minimal = GenerationRequest::fromJson(R"({"tracks":[{"id":0,"bars":[1]}]})");
  REQUIRE(minimal.tracks.size() == 1);
  CHECK(minimal.tracks[0].bars == std::vector<int32_t>{1});
  CHECK(minimal.config == midigpt::InferenceConfig{});
  CHECK(minimal.config.maskMode == MaskMode::Token);
  CHECK(minimal.config.modelDim == 4);
  CHECK(minimal.config.maxAttempts == 3);
  CHECK(minimal.config.noveltyCheck);
  CHECK(GenerationRequest::fromJson(minimal.toJson()) == minimal);

  const GenerationRequest full = GenerationRequest::fromJson(R"({
    "tracks": [{"id": 1, "bars": [2, 3], "autoregressive": true, "mask_bars": [0],
                "attributes": {"min_polyphony": 2}, "controls": {"time_signature": 8},
                "bar_attributes": {"3": {"bar_note_density": 4}},
                "bar_controls": {"2": {"time_signature": 8, "swing": {"amount": 1}}},
                "unknown_key": 1}],
    "config": {"temperature": 0.9, "seed": 12, "model_dim": null, "mask_mode": "attention_skip",
               "top_p": 0.95, "num_candidates": 4},
    "controls": {"genre": "rock", "velocity": true, "tempo": 120}})");
  const TrackPrompt& prompt = full.tracks[0];
  CHECK(prompt.autoregressive);
  CHECK(prompt.maskBars == std::vector<int32_t>{0});
  CHECK(prompt.attributes.at("min_polyphony") == 2);
  CHECK(prompt.controls.timeSignature == 8);
  CHECK(prompt.barAttributes.at(3).at("bar_note_density") == 4);
  CHECK(prompt.barControls.at(2).timeSignature == 8);
  CHECK(prompt.barControls.at(2).unknownKeys == std::vector<std::string>{"swing"});
  CHECK(full.config.temperature == 0.9);
  CHECK(full.config.seed == 12);
  CHECK(full.config.modelDim == 0);
  CHECK(full.config.maskMode == MaskMode::AttentionSkip);
  CHECK(full.controls.genre == "rock");
  CHECK(full.controls.velocity == true);
  CHECK(full.controls.unknownKeys == std::vector<std::string>{"tempo"});
  CHECK(GenerationRequest::fromJson(full.toJson()) == full);

  const auto malformed = [](const char* json, const std::string& message) {
    const Error error = requestError([&] { GenerationRequest::fromJson(json); });
    CHECK(error.code() == ErrorCode::InvalidArgument);
    CHECK(error.detail() == message);
  };
  malformed(R"({"config": {}})", "tracks: required");
  malformed(R"({"tracks": [{"bars": []}]})", "tracks[0].id: required");
  malformed(R"({"tracks": [{"id": 0}]})", "tracks[0].bars: required");
  malformed(R"({"tracks": [{"id": 0, "bars": [1.5]}]})",
            "tracks[0].bars[0]: expected an integer, got number");
  malformed(R"({"tracks": [{"id": 0, "bars": [], "ignore": 1}]})",
            "tracks[0].ignore: expected a boolean, got number");
  malformed(R"({"tracks": [{"id": 0, "bars": [], "bar_attributes": {"x": {}}}]})",
            "tracks[0].bar_attributes: key 'x' is not a bar index");
  malformed(R"({"tracks": [], "config": {"temperature": "hot"}})",
            "config.temperature: expected a number, got string");
  malformed(R"({"tracks": [], "controls": {"velocity": "yes"}})",
            "controls.velocity: expected a boolean, got string");
  malformed(R"([1, 2])", "request: expected an object, got array");
  CHECK(requestError([] { GenerationRequest::fromJson("{"); }).code() ==
        ErrorCode::InvalidArgument);

  // The reference lets any mask_mode string through and then hides nothing (§12.22).
  const Error unknownMode = requestError([] {
    GenerationRequest::fromJson(R"({"tracks": [], "config": {"mask_mode": "atention"}})");
  });
  CHECK(unknownMode.code() == ErrorCode::InvalidRequest);
  CHECK(unknownMode.detail() ==
        "config.mask_mode: unknown mode 'atention' (expected token, attention, "
        "attention_approx, attention_skip or remove)");
}

// ---- Requests: one test per validation rule -----------------------------------------------------

namespace {

/// Two tracks of 8 bars of 4/4: a melodic one (track 0) and a drum one (track 1).
Score smallScore() {
  Score score;
  score.resolution = 480;
  for (int t = 0; t < 2; ++t) {
    Track& track = score.tracks.emplace_back();
    track.type = t == 0 ? TrackType::Melodic : TrackType::Drum;
    for (int b = 0; b < 8; ++b) {
      Bar& bar = track.bars.emplace_back();
      bar.notes.push_back({0, 480, 60 - 24 * t, 100, 0});
      bar.notes.push_back({960, 240, 64 - 24 * t, 90, 0});
    }
  }
  return score;
}

/// Infill of melodic bars 2-3 in attention mode; the drum track is context.
GenerationRequest baseRequest() {
  GenerationRequest request;
  request.tracks.resize(2);
  request.tracks[0].id = 0;
  request.tracks[0].bars = {2, 3};
  request.tracks[1].id = 1;
  request.config.maskMode = MaskMode::Attention;
  return request;
}

const EncoderConfig& yellow() { return tokenizerFor("yellow").config(); }
const EncoderConfig& prism() { return tokenizerFor("prism").config(); }

void expectRejected(const GenerationRequest& request, const Score& score,
                    const EncoderConfig& config, const std::string& message) {
  const Error error = requestError([&] { midigpt::validateRequest(request, score, config); });
  CHECK(error.code() == ErrorCode::InvalidRequest);
  CHECK(error.detail() == message);
}

void expectRejected(const std::function<void(GenerationRequest&)>& change,
                    const std::string& message, const EncoderConfig& config = yellow()) {
  GenerationRequest request = baseRequest();
  change(request);
  expectRejected(request, smallScore(), config, message);
}

}  // namespace

TEST_CASE("validation errors carry the InvalidRequest code") {
  CHECK(std::string(midigpt::errorCodeName(ErrorCode::InvalidRequest)) == "InvalidRequest");
  const Error error = requestError([] {
    GenerationRequest request = baseRequest();
    request.tracks[0].bars = {9};
    midigpt::validateRequest(request, smallScore(), yellow());
  });
  CHECK(std::string(error.what()) ==
        "InvalidRequest: tracks[0].bars: bar 9 is outside the score's 8 bars");
}

TEST_CASE("validation: a valid request comes back completed") {
  GenerationRequest request = baseRequest();
  request.config.modelDim = 0;
  request.config.temperatureEscalation = 5.0;
  request.controls.velocity = true;
  const midigpt::ValidatedRequest validated =
      midigpt::validateRequest(request, smallScore(), prism());
  CHECK(validated.request.config.modelDim == 4);
  CHECK(validated.request.config.temperatureEscalation == 3.0);
  CHECK(validated.request.controls.empty());  // dropped like the reference (§12.8)
  CHECK(validated.warnings ==
        std::vector<std::string>{"config.temperature_escalation: 5 clamped to 3"});
  CHECK(validated.request.tracks == request.tracks);
}

TEST_CASE("validation rules 1-3: config") {
  expectRejected([](auto& r) { r.config.modelDim = 6; },
                 "config.model_dim: 6 is not a window size of the model [4, 8]");
  expectRejected([](auto& r) { r.config.barsPerStep = 0; },
                 "config.bars_per_step: must be > 0 (got 0)");
  expectRejected([](auto& r) { r.config.barsPerStep = 5; },
                 "config.bars_per_step: 5 exceeds config.model_dim 4");
  expectRejected([](auto& r) { r.config.tracksPerStep = 0; },
                 "config.tracks_per_step: must be > 0 (got 0)");
  expectRejected([](auto& r) { r.config.maxAttempts = 0; },
                 "config.max_attempts: must be >= 1 (got 0)");
  expectRejected([](auto& r) { r.config.temperature = 0; },
                 "config.temperature: must be > 0 (got 0)");
  expectRejected([](auto& r) { r.config.temperatureEscalation = 0.5; },
                 "config.temperature_escalation: must be >= 1 (got 0.5); 1 disables escalation");
  expectRejected([](auto& r) { r.config.topP = 0; },
                 "config.top_p: must be in (0, 1] (got 0); 1 disables it");
  expectRejected([](auto& r) { r.config.maskP = 1; },
                 "config.mask_p: must be in [0, 1) (got 1); 0 disables it");
  expectRejected([](auto& r) { r.config.topK = -1; },
                 "config.top_k: must be >= 0 (got -1); 0 disables it");
  expectRejected([](auto& r) { r.config.maskK = -2; },
                 "config.mask_k: must be >= 0 (got -2); 0 disables it");
  expectRejected(
      [](auto& r) {
        r.config.topP = 0.5;
        r.config.maskP = 0.5;
      },
      "config.mask_p: 0.5 must be below config.top_p 0.5: it removes the top of the nucleus, "
      "which would leave nothing");
  expectRejected(
      [](auto& r) {
        r.config.topK = 3;
        r.config.maskK = 3;
      },
      "config.mask_k: 3 must be below config.top_k 3: it removes the top ranks of the pool, "
      "which would leave nothing");
}

TEST_CASE("validation rules 4-8: score, mask mode, piece controls, time signatures, warnings") {
  const GenerationRequest request = baseRequest();
  expectRejected(request, Score{}, yellow(), "score: has 0 tracks");
  Score noBars = smallScore();
  noBars.tracks[1].bars.clear();
  expectRejected(request, noBars, yellow(), "score.tracks[1]: has 0 bars");
  Score uneven = smallScore();
  uneven.tracks[1].bars.pop_back();
  expectRejected(request, uneven, yellow(), "score: tracks have different bar counts [8, 7]");
  Score shortScore = smallScore();
  for (Track& track : shortScore.tracks) track.bars.resize(3);
  expectRejected(request, shortScore, yellow(),
                 "score: has 3 bars but config.model_dim is 4; the model conditions on whole "
                 "windows [4, 8], so pad the score or pick a smaller model_dim");

  expectRejected([](auto& r) { r.config.maskMode = MaskMode::Token; },
                 "config.mask_mode='token' requires the encoder vocab to include a MaskBar "
                 "token domain (set supports_mask_bar_token=true in the encoder config, or pick "
                 "mask_mode='attention'/'attention_approx'/'attention_skip'/'remove').");

  expectRejected([](auto& r) { r.controls.velocity = false; },
                 "controls.velocity: false needs a model trained with switchable velocity "
                 "(switchable_velocity)");
  expectRejected([](auto& r) { r.controls.microtiming = true; },
                 "controls.microtiming: true, but the encoder has no Delta tokens");
  expectRejected([](auto& r) { r.controls.microtiming = false; },
                 "controls.microtiming: false needs a model trained with switchable microtiming "
                 "(switchable_microtiming)");
  expectRejected([](auto& r) { r.controls.genre = "rock"; },
                 "controls.genre: the encoder has no genre_groups");
  GenerationRequest unknownGenre = baseRequest();
  unknownGenre.controls.genre = "polka-core";
  const Error genreError = requestError(
      [&] { midigpt::validateRequest(unknownGenre, smallScore(), prism()); });
  CHECK(genreError.detail().rfind(
            "controls.genre: 'polka-core' is not a known genre or alias (canonical genres: ", 0) ==
        0);
  CHECK(midigpt::validateRequest(
            [] {
              GenerationRequest r = baseRequest();
              r.controls.genre = "Rock";
              return r;
            }(),
            smallScore(), prism())
            .request.controls.empty());
  expectRejected([](auto& r) { r.controls.unknownKeys = {"tempo"}; },
                 "controls.tempo: unknown piece-level control (supported: velocity, "
                 "microtiming, genre)");

  Score oddMeter = smallScore();
  oddMeter.tracks[0].bars[5].tsNumerator = 13;
  oddMeter.tracks[0].bars[5].tsDenominator = 4;
  expectRejected(request, oddMeter, yellow(),
                 "score.tracks[0].bars[5]: time signature 13/4 is not in the encoder's "
                 "time_signatures");

  Score odd = smallScore();
  odd.tracks[0].instrument = 130;
  odd.tracks[0].bars[0].notes.push_back({1920, 0, 60, 100, 0});
  const midigpt::ValidatedRequest warned = midigpt::validateRequest(request, odd, yellow());
  CHECK(warned.warnings ==
        std::vector<std::string>{
            "score.tracks[0]: instrument 130 is outside 0..127 and encodes as program 0",
            "1 note(s) have durations <= 0; they will not survive a round trip",
            "1 note(s) start at or after the end of their bar"});
}

TEST_CASE("validation rules 9-10: prompts and their bars") {
  expectRejected([](auto& r) { r.tracks.clear(); },
                 "tracks: empty; every score track needs a prompt (ignore=true skips one)");
  expectRejected([](auto& r) { r.tracks.pop_back(); },
                 "tracks: no prompt for score track(s) [1]; every score track requires an "
                 "explicit prompt (ignore=true skips one)");
  expectRejected([](auto& r) { r.tracks.push_back(r.tracks[1]); },
                 "tracks[2].id: track 1 already has a prompt");
  expectRejected(
      [](auto& r) {
        r.tracks.push_back(r.tracks[1]);
        r.tracks[2].id = 2;
      },
      "tracks[2].id: 2 is outside the score's 2 tracks");
  expectRejected(
      [](auto& r) {
        r.tracks[0].autoregressive = true;
        r.tracks[0].ignore = true;
      },
      "tracks[0]: autoregressive and ignore are mutually exclusive");
  expectRejected([](auto& r) { r.tracks[0].ignore = true; },
                 "tracks[0].bars: an ignored track must not list bars");
  expectRejected([](auto& r) { r.tracks[0].bars = {2, 9}; },
                 "tracks[0].bars: bar 9 is outside the score's 8 bars");
  expectRejected(
      [](auto& r) {
        r.tracks[1].ignore = true;
        r.tracks[1].maskBars = {1};
      },
      "tracks[1].mask_bars: an ignored track must not list mask_bars");
  expectRejected([](auto& r) { r.tracks[1].maskBars = {-1}; },
                 "tracks[1].mask_bars: bar -1 is outside the score's 8 bars");
  expectRejected([](auto& r) { r.tracks[0].maskBars = {3, 2, 5}; },
                 "tracks[0].mask_bars: bars [2, 3] are also in bars; a bar is either generated "
                 "or hidden");
  expectRejected(
      [](auto& r) {
        r.tracks[0].autoregressive = true;
        r.tracks[0].bars = {5, 7};
      },
      "tracks[0].bars: an autoregressive track generates a contiguous run of bars ending at the "
      "last bar (k, k+1, ..., 7); got [5, 7]");
  expectRejected(
      [](auto& r) {
        r.tracks[0].autoregressive = true;
        r.tracks[0].bars = {7, 6, 7};
      },
      "tracks[0].bars: an autoregressive track generates a contiguous run of bars ending at the "
      "last bar (k, k+1, ..., 7); got [6, 7, 7]");

  Score futureScore = smallScore();
  futureScore.tracks[0].bars[3].future = true;
  expectRejected(baseRequest(), futureScore, yellow(),
                 "tracks[0].bars: bars [3] are marked future in the score and cannot also be "
                 "infilled");
  GenerationRequest autoregressive = baseRequest();
  autoregressive.tracks[0].autoregressive = true;
  autoregressive.tracks[0].bars = {};
  expectRejected(autoregressive, futureScore, yellow(),
                 "tracks[0].bars: bars [3] are marked future in the score; an autoregressive "
                 "track cannot have hidden bars");
}

TEST_CASE("validation rules 11-12: attribute overrides") {
  expectRejected([](auto& r) { r.tracks[0].attributes["loudness"] = 1; },
                 "tracks[0].attributes.loudness: unknown attribute (known: max_note_duration, "
                 "max_polyphony, min_note_duration, min_polyphony, note_density)");
  expectRejected([](auto& r) { r.tracks[0].attributes["bar_min_polyphony"] = 1; },
                 "tracks[0].attributes.bar_min_polyphony: a bar-level attribute; set it per bar "
                 "in bar_attributes",
                 prism());
  expectRejected([](auto& r) { r.tracks[0].attributes["min_polyphony"] = 10; },
                 "tracks[0].attributes.min_polyphony: 10 is outside [0, 10)");
  expectRejected([](auto& r) { r.tracks[1].attributes["min_polyphony"] = 1; },
                 "tracks[1].attributes.min_polyphony: applies to melodic tracks only, but track 1 "
                 "is a drum track");
  expectRejected([](auto& r) { r.tracks[0].attributes["note_density"] = 1; },
                 "tracks[0].attributes.note_density: applies to drum tracks only, but track 0 is "
                 "a melodic track");

  expectRejected([](auto& r) { r.tracks[0].barAttributes[8]["bar_min_polyphony"] = 1; },
                 "tracks[0].bar_attributes.8: bar 8 is outside the score's 8 bars", prism());
  expectRejected([](auto& r) { r.tracks[0].barAttributes[1]["bar_min_polyphony"] = 1; },
                 "tracks[0].bar_attributes.1: bar 1 is not generated by this prompt (overrides "
                 "apply to bars listed in bars)",
                 prism());
  expectRejected([](auto& r) { r.tracks[0].barAttributes[2]["tension"] = 1; },
                 "tracks[0].bar_attributes.2.tension: unknown attribute (known: "
                 "bar_max_polyphony, bar_min_polyphony, bar_note_density, key_signature, "
                 "max_note_duration, min_note_duration, pitch_class_set, pitch_range, "
                 "silence_proportion)",
                 prism());
  expectRejected([](auto& r) { r.tracks[0].barAttributes[2]["pitch_range"] = 1; },
                 "tracks[0].bar_attributes.2.pitch_range: a track-level attribute; set it in "
                 "attributes",
                 prism());
  expectRejected([](auto& r) { r.tracks[0].barAttributes[2]["pitch_class_set"] = 13; },
                 "tracks[0].bar_attributes.2.pitch_class_set: 13 is outside [0, 13)", prism());
  expectRejected([](auto& r) { r.tracks[0].barAttributes[3]["bar_note_density"] = 1; },
                 "tracks[0].bar_attributes.3.bar_note_density: applies to drum tracks only, but "
                 "track 0 is a melodic track",
                 prism());
  // A whole-track autoregressive prompt may name any bar.
  GenerationRequest wholeTrack = baseRequest();
  wholeTrack.tracks[0].autoregressive = true;
  wholeTrack.tracks[0].bars = {};
  wholeTrack.tracks[0].barAttributes[1]["bar_min_polyphony"] = 2;
  CHECK_NOTHROW(midigpt::validateRequest(wholeTrack, smallScore(), prism()));
}

TEST_CASE("validation rules 13-15: controls and what is generated") {
  // Index 13 is 4/4 and index 10 is 3/4 in every shipped encoder.
  REQUIRE(yellow().timeSignatures[13] == midigpt::TimeSignature{4, 4});
  REQUIRE(yellow().timeSignatures[10] == midigpt::TimeSignature{3, 4});
  expectRejected([](auto& r) { r.tracks[0].barControls[4].timeSignature = 13; },
                 "tracks[0].bar_controls.4: bar 4 is not generated by this prompt (overrides "
                 "apply to bars listed in bars)");
  expectRejected([](auto& r) { r.tracks[0].barControls[2].unknownKeys = {"swing"}; },
                 "tracks[0].bar_controls.2.swing: unsupported control (known: "
                 "time_signature, pitch_mask, rhythm_mask, remix)");
  expectRejected([](auto& r) { r.tracks[0].barControls[2].timeSignature = 36; },
                 "tracks[0].bar_controls.2.time_signature: index 36 is outside the encoder's 36 "
                 "time signatures");
  expectRejected([](auto& r) { r.tracks[0].barControls[2].timeSignature = 10; },
                 "tracks[0].bar_controls.2.time_signature: 3/4 differs from the score's 4/4 at bar 2");
  expectRejected(
      [](auto& r) {
        r.tracks[1].bars = {2};
        r.tracks[1].barControls[2].timeSignature = 10;
        r.tracks[0].barControls[2].timeSignature = 13;
      },
      "tracks[1].bar_controls.2.time_signature: 10 disagrees with 13 set for bar 2 by track 0");
  CHECK_NOTHROW(midigpt::validateRequest(
      [] {
        GenerationRequest r = baseRequest();
        r.tracks[0].barControls[2].timeSignature = 13;
        r.tracks[0].controls.timeSignature = 13;
        return r;
      }(),
      smallScore(), yellow()));
  expectRejected([](auto& r) { r.tracks[1].controls.unknownKeys = {"mood"}; },
                 "tracks[1].controls.mood: unsupported control (known: time_signature, "
                 "pitch_mask, rhythm_mask, remix)");
  expectRejected([](auto& r) { r.tracks[1].controls.timeSignature = -1; },
                 "tracks[1].controls.time_signature: index -1 is outside the encoder's 36 time "
                 "signatures");

  expectRejected([](auto& r) { r.tracks[0].bars.clear(); },
                 "tracks: no prompt generates anything (every track is ignored or lists no "
                 "bars)");
  EncoderConfig noInfill = yellow();
  noInfill.supportsInfill = false;
  expectRejected([](auto&) {}, "tracks[0].bars: infill requested, but the encoder does not "
                               "support infill",
                 noInfill);
  // Autoregressive generation needs no infill support.
  GenerationRequest autoregressive = baseRequest();
  autoregressive.tracks[0].autoregressive = true;
  autoregressive.tracks[0].bars = {6, 7};
  CHECK_NOTHROW(midigpt::validateRequest(autoregressive, smallScore(), noInfill));
}

TEST_CASE("validation follows the reference's rule order") {
  // Broken config and broken prompts: the config rule is reported.
  GenerationRequest request = baseRequest();
  request.config.maxAttempts = 0;
  request.tracks[0].bars = {42};
  expectRejected(request, smallScore(), yellow(), "config.max_attempts: must be >= 1 (got 0)");
  // A track's bar rules come before its attribute rules.
  request.config.maxAttempts = 1;
  request.tracks[0].attributes["loudness"] = 1;
  expectRejected(request, smallScore(), yellow(),
                 "tracks[0].bars: bar 42 is outside the score's 8 bars");
}

// ---- Prompts: the §12 options -------------------------------------------------------------------

namespace {

/// The partial-AR fixture case: its request, input score and first step, ready to prompt.
struct PartialArCase {
  const Tokenizer& tokenizer = tokenizerFor("yellow");
  GenerationRequest request;
  Score input;
  GenerationStep step;
  Json record;
};

PartialArCase partialArCase(const std::string& name, const std::string& mode) {
  PartialArCase result;
  for (const Json& fixture : sessionFixtures()["cases"]) {
    if (fixture["name"] != name || fixture["encoder"] != "yellow") continue;
    result.record = fixture["modes"][mode];
    result.request = midigpt::validateRequest(
                         GenerationRequest::fromJson(result.record["request"].dump()),
                         fixtureScore(fixture["input"]["score_480"]),
                         result.tokenizer.config())
                         .request;
    result.input = fixtureScore(fixture["input"]["score_480"]);
    const SelectionMask mask = midigpt::selectionMask(result.request, result.input);
    result.step = midigpt::planSteps(mask, result.request.config.modelDim,
                                     result.request.config.barsPerStep,
                                     result.request.config.tracksPerStep)
                      .front();
  }
  REQUIRE(!result.record.is_null());
  return result;
}

}  // namespace

TEST_CASE("§12.4 option: an autoregressive prompt may end after its last context bar") {
  const PartialArCase c = partialArCase("partial_ar_bars_per_step_2_model_dim_8", "attention");
  PromptOptions options;
  options.closeLastContextBar = true;
  const StepPrompt closed = midigpt::buildStepPrompt(c.tokenizer, c.input, c.request, c.step,
                                                     options);
  const std::vector<int32_t> reference = c.record["prompt_tokens"].get<std::vector<int32_t>>();
  const midigpt::Vocabulary& vocabulary = c.tokenizer.vocabulary();
  // The reference leaves the last context bar open; the option closes it, nothing else.
  CHECK(vocabulary.decode(reference.back()).first != TokenType::BarEnd);
  REQUIRE(closed.tokens().size() == reference.size() + 1);
  CHECK(std::equal(reference.begin(), reference.end(), closed.tokens().begin()));
  CHECK(closed.tokens().back() == vocabulary.id(TokenType::BarEnd, 0));

  // The fixture's continuation without its leading BarEnd completes the closed prompt to the
  // same result.
  const std::vector<int32_t> continuation =
      c.record["continuation_tokens"].get<std::vector<int32_t>>();
  const std::vector<int32_t> afterBarEnd(continuation.begin() + 1, continuation.end());
  const StepPrompt open = midigpt::buildStepPrompt(c.tokenizer, c.input, c.request, c.step);
  CHECK(closed.result(afterBarEnd) == open.result(continuation));

  // A full autoregressive first step has no context bar: both trimmings agree.
  const PartialArCase newTrack = partialArCase("ar_new_track_8bars", "remove");
  CHECK(midigpt::buildStepPrompt(newTrack.tokenizer, newTrack.input, newTrack.request,
                                 newTrack.step, options)
            .tokens() == newTrack.record["prompt_tokens"].get<std::vector<int32_t>>());
}

TEST_CASE("§12.2 option: window bars are conditioned on their own bar attributes") {
  // Prism's bar-level attributes, on the second step of the new-track case: window [1, 5).
  const Tokenizer& tokenizer = tokenizerFor("prism");
  Score input;
  GenerationRequest request;
  for (const Json& fixture : sessionFixtures()["cases"]) {
    if (fixture["name"] == "ar_new_track_8bars" && fixture["encoder"] == "prism") {
      input = fixtureScore(fixture["input"]["score_480"]);
      request = GenerationRequest::fromJson(fixture["modes"]["remove"]["request"].dump());
    }
  }
  REQUIRE(!input.tracks.empty());
  // Make the drum track (1) differ bar by bar: bar b keeps b notes. Its masked bars 2 and 3
  // stay in the prompt as shells with their attributes in attention mode.
  for (size_t b = 0; b < input.tracks[1].bars.size(); ++b) {
    input.tracks[1].bars[b].notes.resize(std::min(b, input.tracks[1].bars[b].notes.size()));
  }
  const std::vector<GenerationStep> steps = midigpt::planSteps(
      midigpt::selectionMask(request, input), request.config.modelDim, 1, 1);
  REQUIRE(steps.size() == 5);
  const GenerationStep& second = steps[1];
  REQUIRE(second.startBar == 1);

  const Score attributed = tokenizer.normalizeInput(
      midigpt::withStepAttributes(input, request, tokenizer.config()));
  const auto densityTokens = [&](const StepPrompt& prompt) {
    // The drum track's BarLevelOnsetDensity tokens, in bar order.
    std::vector<int32_t> values;
    int32_t track = -1;
    for (int32_t token : prompt.tokens()) {
      const auto [type, value] = tokenizer.vocabulary().decode(token);
      if (type == TokenType::Track) ++track;
      if (track == 1 && type == TokenType::BarLevelOnsetDensity) values.push_back(value);
    }
    return values;
  };
  const auto densityOf = [&](size_t bar) {
    return attributed.tracks[1].bars[bar].attributes.at(TokenType::BarLevelOnsetDensity);
  };
  const GenerationStep patched = midigpt::withContextPatch(second, request);
  const StepPrompt reference(tokenizer, attributed, patched, MaskMode::Attention);
  PromptOptions options;
  options.windowLocalBarAttributes = true;
  const StepPrompt local(tokenizer, attributed, patched, MaskMode::Attention, options);
  CHECK(densityTokens(reference) ==
        std::vector<int32_t>{densityOf(0), densityOf(1), densityOf(2), densityOf(3)});
  CHECK(densityTokens(local) ==
        std::vector<int32_t>{densityOf(1), densityOf(2), densityOf(3), densityOf(4)});
  CHECK(densityTokens(reference) != densityTokens(local));
}

namespace {

/// With keepUntouchedBars, the result is the step input with the target bars replaced by the
/// reference result's (whose targets are aligned whenever their track lost no bar).
void checkOnlyTargetsChange(const std::string& name, const std::string& mode) {
  INFO(name << "/" << mode);
  const PartialArCase c = partialArCase(name, mode);
  const std::vector<int32_t> continuation =
      c.record["continuation_tokens"].get<std::vector<int32_t>>();
  PromptOptions options;
  options.keepUntouchedBars = true;
  const Score result = midigpt::buildStepPrompt(c.tokenizer, c.input, c.request, c.step, options)
                           .result(continuation, referenceDecodeOptions());
  const Score reference = midigpt::buildStepPrompt(c.tokenizer, c.input, c.request, c.step)
                              .result(continuation, referenceDecodeOptions());
  const Score input = c.tokenizer.normalizeInput(
      midigpt::withStepAttributes(c.input, c.request, c.tokenizer.config()));
  REQUIRE(result.tracks.size() == input.tracks.size());
  CHECK(result.tempo == input.tempo);
  for (size_t t = 0; t < input.tracks.size(); ++t) {
    const Track& track = result.tracks[t];
    CHECK(track.instrument == input.tracks[t].instrument);
    CHECK(track.attributes == input.tracks[t].attributes);
    REQUIRE(track.bars.size() == input.tracks[t].bars.size());
    for (size_t b = 0; b < track.bars.size(); ++b) {
      const auto [tt, bb] = std::pair<int32_t, int32_t>(static_cast<int32_t>(t),
                                                         static_cast<int32_t>(b));
      if (c.step.isTarget(tt, bb)) {
        CHECK(track.bars[b] == reference.tracks[t].bars[b]);
      } else {
        CHECK(track.bars[b] == input.tracks[t].bars[b]);
      }
    }
  }
}

}  // namespace

TEST_CASE("keepUntouchedBars: the result changes the target bars only") {
  // Remove mode: track 1 loses bar 3, which the reference drops from the result (§12.21).
  checkOnlyTargetsChange("infill_t0_bars1-2_4bar_window", "remove");
  // An autoregressive agent moved last and back, with two bars of another track removed.
  checkOnlyTargetsChange("ar_new_track_8bars", "remove");
  checkOnlyTargetsChange("ar_new_track_8bars", "attention");
  // The reference prompt leaves the last context bar open (§12.4); the option keeps it as is.
  checkOnlyTargetsChange("partial_ar_bars_per_step_2_model_dim_8", "attention");
  checkOnlyTargetsChange("multi_track_infill_one_ignored", "remove");

  // A target after a removed bar of its own track: the decoded bars are one short before it.
  PartialArCase c = partialArCase("infill_t0_bars1-2_4bar_window", "remove");
  CHECK(c.record["result_after_continuation"]["tracks"][1]["bars"].size() == 3);
  c.request.tracks[0].maskBars = {0};
  const GenerationStep step = midigpt::planSteps(midigpt::selectionMask(c.request, c.input), 4,
                                                 1, 1)
                                  .front();
  REQUIRE(step.barsToGenerate == std::vector<std::pair<int32_t, int32_t>>{{0, 1}});
  PromptOptions options;
  options.keepUntouchedBars = true;
  const StepPrompt prompt = midigpt::buildStepPrompt(c.tokenizer, c.input, c.request, step,
                                                     options);
  const midigpt::Vocabulary& vocabulary = c.tokenizer.vocabulary();
  const std::vector<int32_t> fill = {vocabulary.id(TokenType::NoteOnset, 100),
                                     vocabulary.id(TokenType::NoteDuration, 5),
                                     vocabulary.id(TokenType::FillInEnd, 0)};
  REQUIRE(prompt.complete(fill));
  const Score result = prompt.result(fill);
  const Score input = c.tokenizer.normalizeInput(c.input);
  CHECK(result.tracks[0].bars[0].notes == input.tracks[0].bars[0].notes);
  CHECK(result.tracks[0].bars[1].notes == std::vector<Note>{{0, 6, 100, 100, 0}});
  CHECK(result.tracks[0].bars[2].notes == input.tracks[0].bars[2].notes);
}

TEST_CASE("step prompts: bars outside the window come back unchanged") {
  const PartialArCase c = partialArCase("multi_track_infill_one_ignored", "attention");
  REQUIRE(c.step.startBar == 1);
  const StepPrompt prompt = midigpt::buildStepPrompt(c.tokenizer, c.input, c.request, c.step);
  const Score grid = c.tokenizer.normalizeInput(
      midigpt::withStepAttributes(c.input, c.request, c.tokenizer.config()));
  const Score result = prompt.result(c.record["continuation_tokens"].get<std::vector<int32_t>>());
  REQUIRE(result.tracks.size() == grid.tracks.size());
  for (size_t t = 0; t < grid.tracks.size(); ++t) {
    CHECK(result.tracks[t].bars.front() == grid.tracks[t].bars.front());
    for (size_t b = 5; b < 8; ++b) CHECK(result.tracks[t].bars[b] == grid.tracks[t].bars[b]);
  }
  CHECK(prompt.fillDrumFlags() == std::vector<bool>{false});
  CHECK(prompt.targetCount() == 1);
  CHECK(!prompt.complete({}));
}

TEST_CASE("step prompts: steps that do not fit the score are rejected") {
  const Tokenizer& tokenizer = tokenizerFor("yellow");
  const Score score = tokenizer.normalizeInput(smallScore());
  GenerationStep step;
  step.startBar = 2;
  step.endBar = 2;
  CHECK(requestError([&] { StepPrompt(tokenizer, score, step, MaskMode::Attention); }).code() ==
        ErrorCode::InvalidArgument);
  step.endBar = 6;
  step.barsToGenerate = {{2, 3}};
  CHECK(requestError([&] { StepPrompt(tokenizer, score, step, MaskMode::Attention); }).detail() ==
        "step target (2, 3) is outside the score's 2 tracks or the window");
  step.barsToGenerate = {{0, 6}};
  CHECK(requestError([&] { StepPrompt(tokenizer, score, step, MaskMode::Attention); }).code() ==
        ErrorCode::InvalidArgument);
}
