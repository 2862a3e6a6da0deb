// Attribute specs and analyzer: hand-built cases from the reference spec (§5) and exact parity
// with the reference analyzer's output stored in the golden piece fixtures.

#include <doctest/doctest.h>

#include <map>
#include <set>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "midigpt/attribute_analyzer.hpp"
#include "midigpt/attribute_spec.hpp"
#include "midigpt/encoder_config.hpp"
#include "midigpt/error.hpp"

#include "fixtures.hpp"

using namespace midigpt;
using json = nlohmann::json;

namespace {

const std::string kGolden = testing::goldenDir() + "/";
const std::vector<std::string> kEncoders = {"yellow", "prism", "expressive"};
const std::vector<std::string> kCases = {"full", "window4", "window8"};

json readGzipJsonFile(const std::string& path) {
  const std::string text = testing::readGzip(path);
  // Piece fixtures are large; keeping only what these tests read makes them several times faster
  // in sanitizer builds.
  static const std::set<std::string> kUnused = {"score_480", "score_reader12",
                                                "reader12_yellow_noattr", "tokens", "decoded",
                                                "decoded_output"};
  const json::parser_callback_t skipUnused = [](int, json::parse_event_t event, json& parsed) {
    return event != json::parse_event_t::key || kUnused.count(parsed.get<std::string>()) == 0;
  };
  return json::parse(text, skipUnused);
}

/// What the tests need from a golden vocab file.
struct GoldenVocab {
  std::vector<TokenType> domainTypes;         // in id order
  std::map<TokenType, std::string> typeNames;  // canonical names, as in fixture keys
  json attributeControls;                     // the reference analyzer's attribute list
};

const GoldenVocab& goldenVocab(const std::string& encoder) {
  static std::map<std::string, GoldenVocab> cache;
  auto found = cache.find(encoder);
  if (found != cache.end()) return found->second;
  const json vocab = testing::readJson(kGolden + "vocab_" + encoder + ".json");
  GoldenVocab result;
  for (const json& domain : vocab.at("domains")) {
    const auto type = static_cast<TokenType>(domain.at("type_enum").get<int32_t>());
    result.domainTypes.push_back(type);
    result.typeNames[type] = domain.at("type").get<std::string>();
  }
  result.attributeControls = vocab.at("attribute_controls");
  return cache.emplace(encoder, std::move(result)).first->second;
}

/// The attribute_controls lists of the reference's models/<encoder>_encoder.json.
std::vector<AttributeControl> referenceControls(const std::string& encoder) {
  using P = std::map<std::string, std::string>;
  if (encoder == "yellow") {
    return {{"note_density_quantile", {}},
            {"polyphony_quantile", P{{"mode", "min"}}},
            {"polyphony_quantile", P{{"mode", "max"}}},
            {"note_duration_quantile", P{{"mode", "min"}}},
            {"note_duration_quantile", P{{"mode", "max"}}}};
  }
  std::vector<AttributeControl> controls = {
      {"key_signature", {}},
      {"pitch_range", {}},
      {"silence_proportion", {}},
      {"note_duration_quantile", P{{"mode", "min"}}},
      {"note_duration_quantile", P{{"mode", "max"}}},
      {"note_density_quantile", P{{"level", "bar"}}},
      {"polyphony_quantile", P{{"mode", "min"}, {"level", "bar"}}},
      {"polyphony_quantile", P{{"mode", "max"}, {"level", "bar"}}},
      {"pitch_class_set", {}}};
  if (encoder == "expressive") controls.push_back({"nomml", {}});
  return controls;
}

/// The attribute_controls list of this project's models/<encoder>_encoder.json (explicit params).
std::vector<AttributeControl> projectControls(const std::string& encoder) {
  const json config = testing::readJson(testing::modelPath(encoder));
  std::vector<AttributeControl> controls;
  for (const json& entry : config.at("attribute_controls")) {
    AttributeControl control{entry.at("name").get<std::string>(), {}};
    const json params = entry.value("params", json::object());
    for (const auto& [param, value] : params.items()) {
      control.params[param] = value.is_string() ? value.get<std::string>() : value.dump();
    }
    controls.push_back(std::move(control));
  }
  return controls;
}

std::string levelName(AttributeLevel level) {
  return level == AttributeLevel::Track ? "track" : "bar";
}

std::string scopeName(TrackScope scope) {
  switch (scope) {
    case TrackScope::Melodic: return "melodic";
    case TrackScope::Drum: return "drum";
    case TrackScope::Both: return "both";
  }
  return "?";
}

/// The spec list in the golden vocab's `attribute_controls` format.
json describe(const std::vector<AttributeSpec>& specs, const GoldenVocab& vocab) {
  json list = json::array();
  for (const AttributeSpec& spec : specs) {
    list.push_back({{"name", spec.name},
                    {"token_type", vocab.typeNames.at(spec.tokenType)},
                    {"level", levelName(spec.level)},
                    {"track_type", scopeName(spec.scope)},
                    {"size", spec.size}});
  }
  return list;
}

/// The first `bars` bars of every track (the fixtures' windowN case).
Score firstBars(const Score& score, size_t bars) {
  Score window = score;
  for (Track& track : window.tracks) {
    if (track.bars.size() > bars) track.bars.resize(bars);
  }
  return window;
}

using KeyedAttributes = std::map<std::string, int32_t>;

/// A track's annotated attributes under the fixture's keys: the spec name for track-level
/// values, bar_<TokenTypeName>_<bar> for bar-level ones.
KeyedAttributes fixtureKeyed(const Track& track, const std::vector<AttributeSpec>& specs,
                             const GoldenVocab& vocab) {
  KeyedAttributes keyed;
  for (const auto& [type, value] : track.attributes) {
    for (const AttributeSpec& spec : specs) {
      if (spec.level == AttributeLevel::Track && spec.tokenType == type) keyed[spec.name] = value;
    }
  }
  for (size_t b = 0; b < track.bars.size(); ++b) {
    for (const auto& [type, value] : track.bars[b].attributes) {
      keyed["bar_" + vocab.typeNames.at(type) + "_" + std::to_string(b)] = value;
    }
  }
  return keyed;
}

/// Names the attribute of a fixture key ("bar_BarLevelOnsetDensity_3" -> "bar_BarLevelOnsetDensity").
std::string attributeOfKey(const std::string& key) {
  if (key.rfind("bar_", 0) != 0) return key;
  return key.substr(0, key.rfind('_'));
}

EncoderConfig configFor(const std::string& encoder) {
  EncoderConfig config;
  config.attributes = resolveAttributes(goldenVocab(encoder).domainTypes, {});
  return config;
}

Note note(int32_t onset, int32_t duration, int32_t pitch = 60, int32_t velocity = 100) {
  return Note{onset, duration, pitch, velocity, 0};
}

Bar bar(std::vector<Note> notes, int32_t numerator = 4, int32_t denominator = 4) {
  Bar result;
  result.tsNumerator = numerator;
  result.tsDenominator = denominator;
  result.beatLength = 4.0 * numerator / denominator;
  result.notes = std::move(notes);
  return result;
}

Score singleTrack(std::vector<Bar> bars, TrackType type = TrackType::Melodic,
                  int32_t resolution = 12, int32_t program = 0) {
  Score score;
  score.resolution = resolution;
  Track track;
  track.type = type;
  track.instrument = program;
  track.bars = std::move(bars);
  score.tracks.push_back(std::move(track));
  return score;
}

AttributeSpec specOf(AttributeKind kind, QuantileMode mode = QuantileMode::Max,
                     AttributeLevel level = AttributeLevel::Track) {
  AttributeSpec spec;
  spec.tokenType = TokenType::MaxPolyphony;  // unused by compute()
  spec.kind = kind;
  spec.mode = mode;
  spec.level = level;
  spec.scope = TrackScope::Both;
  spec.size = 128;
  return spec;
}

int32_t computeOn(const Score& score, const AttributeSpec& spec, size_t bar = 0) {
  const EncoderConfig config;
  return AttributeAnalyzer(config).compute(spec, score, 0, bar).value();
}

/// Duration (ticks at resolution 12) whose level is `level` (0 = 32nd ... 5 = whole).
int32_t durationOfLevel(int32_t level) {
  constexpr int32_t kTicks[] = {1, 3, 6, 12, 24, 48};
  return kTicks[level];
}

}  // namespace

TEST_CASE("resolveAttributes reproduces the reference analyzer's attribute lists") {
  for (const std::string& encoder : kEncoders) {
    CAPTURE(encoder);
    const GoldenVocab& vocab = goldenVocab(encoder);
    CHECK(describe(resolveAttributes(vocab.domainTypes, {}), vocab) == vocab.attributeControls);
    const std::vector<AttributeControl> controls = referenceControls(encoder);
    CHECK(describe(resolveAttributes(vocab.domainTypes, controls), vocab) ==
          vocab.attributeControls);
    std::vector<AttributeControl> twice = controls;
    twice.insert(twice.end(), controls.begin(), controls.end());
    CHECK(describe(resolveAttributes(vocab.domainTypes, twice), vocab) ==
          vocab.attributeControls);
    CHECK(describe(resolveAttributes(vocab.domainTypes, projectControls(encoder)), vocab) ==
          vocab.attributeControls);
  }
}

TEST_CASE("EncoderConfig::fromJson resolves the project's model configs to the reference sets") {
  for (const std::string& encoder : kEncoders) {
    CAPTURE(encoder);
    const EncoderConfig config =
        EncoderConfig::fromJson(testing::readText(testing::modelPath(encoder)));
    CHECK(describe(config.attributes, goldenVocab(encoder)) ==
          goldenVocab(encoder).attributeControls);
  }
}

TEST_CASE("resolveAttributes overlays controls in place or appends them") {
  const std::vector<TokenType> yellowDomains = goldenVocab("yellow").domainTypes;
  SUBCASE("same token type replaces in place") {
    const auto specs = resolveAttributes(
        yellowDomains, {{"note_density_quantile", {{"track_type", "both"}}}});
    REQUIRE(specs.size() == 5);
    CHECK(specs[0].tokenType == TokenType::NoteDensity);
    CHECK(specs[0].scope == TrackScope::Both);
  }
  SUBCASE("new token type is appended") {
    const auto specs = resolveAttributes(yellowDomains, {{"nomml", {}}});
    REQUIRE(specs.size() == 6);
    CHECK(specs[5].name == "nomml");
    CHECK(specs[5].tokenType == TokenType::TrackLevelNomml);
    CHECK(specs[5].scope == TrackScope::Both);
    CHECK(specs[5].size == 13);
  }
  SUBCASE("no domains, controls only") {
    const auto specs = resolveAttributes({TokenType::Bar, TokenType::NoteDuration},
                                         {{"note_duration_dist", {}},
                                          {"polyphony_quantile", {{"mode", "min"}, {"level", "bar"}}}});
    REQUIRE(specs.size() == 2);
    CHECK(specs[0].kind == AttributeKind::NoteDurationDistribution);
    CHECK(specs[1].name == "bar_min_polyphony");
    CHECK(specs[1].tokenType == TokenType::BarLevelOnsetPolyphonyMin);
    CHECK(specs[1].level == AttributeLevel::Bar);
  }
}

TEST_CASE("resolveAttributes rejects unknown controls and parameter values") {
  const auto rejects = [](std::vector<AttributeControl> controls) {
    try {
      resolveAttributes({}, controls);
    } catch (const Error& error) {
      return error.code() == ErrorCode::InvalidConfig;
    }
    return false;
  };
  CHECK(rejects({{"tempo", {}}}));
  CHECK(rejects({{"tension", {}}}));
  CHECK(rejects({{"polyphony_quantile", {{"mode", "median"}}}}));
  CHECK(rejects({{"polyphony_quantile", {}}}));  // mode is required
  CHECK(rejects({{"polyphony_quantile", {{"mode", "min"}, {"level", "piece"}}}}));
  CHECK(rejects({{"note_density_quantile", {{"track_type", "bass"}}}}));
  CHECK(rejects({{"pitch_range", {{"colour", "red"}}}}));
  CHECK(rejects({{"pitch_range", {{"mode", "min"}}}}));
  CHECK(rejects({{"note_duration_quantile", {{"mode", "min"}, {"level", "bar"}}}}));
  CHECK(rejects({{"pitch_class_set", {{"level", "track"}}}}));
  CHECK_FALSE(rejects({{"pitch_class_set", {{"level", "bar"}, {"track_type", "both"}}}}));
}

TEST_CASE("AttributeSpec::valueLabel") {
  const auto specs = resolveAttributes(goldenVocab("yellow").domainTypes, {});
  const AttributeSpec& density = specs[0];
  const AttributeSpec& minPolyphony = specs[1];
  const AttributeSpec& minDuration = specs[3];
  CHECK(density.valueLabel(0) == "sparsest (Q0)");
  CHECK(density.valueLabel(4) == "Q4");
  CHECK(density.valueLabel(9) == "densest (Q9)");
  CHECK(minPolyphony.valueLabel(0) == "1 voice");
  CHECK(minPolyphony.valueLabel(1) == "2 voices");
  CHECK(minPolyphony.valueLabel(8) == "9 voices");
  CHECK(minPolyphony.valueLabel(9) == "10+ voices");
  CHECK(minDuration.valueLabel(0) == "32nd");
  CHECK(minDuration.valueLabel(3) == "quarter");
  CHECK(minDuration.valueLabel(5) == "whole");
  const auto prism = resolveAttributes(goldenVocab("prism").domainTypes, {});
  const AttributeSpec& key = prism[0];
  const AttributeSpec& range = prism[1];
  REQUIRE(key.kind == AttributeKind::KeySignature);
  CHECK(key.valueLabel(0) == "C major");
  CHECK(key.valueLabel(11) == "B major");
  CHECK(key.valueLabel(12) == "C minor");
  CHECK(key.valueLabel(21) == "A minor");
  CHECK(key.valueLabel(23) == "B minor");
  CHECK(key.valueLabel(24) == "no key");
  CHECK(range.valueLabel(17) == "17");
}

TEST_CASE("SilenceProportion reproduces the reference's bar offset bug") {
  const auto wholeNoteBars = [](size_t count) {
    std::vector<Bar> bars;
    for (size_t i = 0; i < count; ++i) bars.push_back(bar({note(0, 48)}));
    return singleTrack(bars);
  };
  const AttributeSpec silence = specOf(AttributeKind::SilenceProportion);
  CHECK(computeOn(wholeNoteBars(4), silence) == 7);  // 0.75
  CHECK(computeOn(wholeNoteBars(8), silence) == 8);  // 0.875
  CHECK(computeOn(wholeNoteBars(1), silence) == 0);
  CHECK(computeOn(singleTrack({}), silence) == 0);
  CHECK(computeOn(singleTrack({bar({})}), silence) == 9);  // empty bar: 1.0, clamped to 9
  // Bar 1 (3/4, 36 ticks): its note [40, 76) is shifted back by bar 0's 48 ticks to [-8, 28), so
  // it covers [0, 28): bar 0 is half silent, bar 1 8/36 silent -> mean 0.36 -> 3.
  CHECK(computeOn(singleTrack({bar({note(0, 24)}), bar({note(40, 36)}, 3, 4)}), silence) == 3);
}

TEST_CASE("quantiles use banker's rounding of n*q") {
  const auto durations = [](std::vector<int32_t> levels) {
    std::vector<Note> notes;
    for (int32_t level : levels) notes.push_back(note(0, durationOfLevel(level)));
    return singleTrack({bar(notes)});
  };
  const AttributeSpec minDuration = specOf(AttributeKind::NoteDurationQuantile, QuantileMode::Min);
  const AttributeSpec maxDuration = specOf(AttributeKind::NoteDurationQuantile, QuantileMode::Max);
  // n = 10: indices round(1.5) = 2 and round(8.5) = 8 (half away from zero would give 9).
  const Score ten = durations({0, 0, 1, 1, 2, 2, 3, 3, 4, 5});
  CHECK(computeOn(ten, minDuration) == 1);
  CHECK(computeOn(ten, maxDuration) == 4);
  // n = 30: index round(4.5) = 4 (not 5) and round(25.5) = 26.
  std::vector<int32_t> levels(5, 0);
  levels.resize(26, 1);
  levels.resize(30, 2);
  const Score thirty = durations(levels);
  CHECK(computeOn(thirty, minDuration) == 0);
  CHECK(computeOn(thirty, maxDuration) == 2);
  CHECK(computeOn(singleTrack({bar({})}), maxDuration) == 0);
  // Drum notes count as quarter notes whatever their length.
  CHECK(computeOn(singleTrack({bar({note(0, 1)})}, TrackType::Drum), minDuration) == 3);
}

TEST_CASE("polyphony rolls") {
  const AttributeSpec maxTrack = specOf(AttributeKind::PolyphonyQuantile, QuantileMode::Max);
  const AttributeSpec maxBar =
      specOf(AttributeKind::PolyphonyQuantile, QuantileMode::Max, AttributeLevel::Bar);
  // The track's last tick is never counted: [1, 2) would overlap [0, 2) only at tick 1 = max-1.
  CHECK(computeOn(singleTrack({bar({note(0, 2), note(1, 1)})}), maxTrack) == 0);
  CHECK(computeOn(singleTrack({bar({note(0, 3), note(1, 2, 64)})}), maxTrack) == 1);
  // Bars are laid end to end: a note sustained from bar 0 overlaps bar 1's notes.
  const Score sustained = singleTrack({bar({note(0, 96)}), bar({note(0, 48), note(0, 48, 64)})});
  CHECK(computeOn(sustained, maxTrack) == 2);
  CHECK(computeOn(sustained, maxBar, 0) == 0);  // the bar roll only sees the bar's own notes
  CHECK(computeOn(sustained, maxBar, 1) == 1);
  CHECK(computeOn(sustained, maxBar, 5) == 0);  // missing bar reads as empty
  CHECK(computeOn(singleTrack({}), maxTrack) == 0);
}

TEST_CASE("note density quantile") {
  const AttributeSpec density = specOf(AttributeKind::NoteDensityQuantile);
  const AttributeSpec barDensity =
      specOf(AttributeKind::NoteDensityQuantile, QuantileMode::Max, AttributeLevel::Bar);
  const auto notes = [](size_t count) { return std::vector<Note>(count, note(0, 12)); };
  // Piano thresholds 2,3,4,...: 5 notes over 2 non-empty bars = 2.5 -> round half even = 2 -> Q0.
  const Score piano = singleTrack({bar(notes(2)), bar(notes(3)), bar({})});
  CHECK(computeOn(piano, density) == 0);
  CHECK(computeOn(piano, barDensity, 1) == 1);
  // The same counts on drums (thresholds 2,3,5,8,...) and on program 119 (1,1,1,1,1,1,2,2,4).
  CHECK(computeOn(singleTrack({bar(notes(4))}, TrackType::Drum), density) == 2);
  CHECK(computeOn(singleTrack({bar(notes(4))}, TrackType::Melodic, 12, 119), density) == 8);
  CHECK(computeOn(singleTrack({bar(notes(400))}), density) == 9);
  CHECK(computeOn(singleTrack({bar(notes(400))}, TrackType::Melodic, 12, 300), density) == 9);
}

TEST_CASE("key signature, pitch range, pitch class set, onset polyphony, nomml") {
  const AttributeSpec key = specOf(AttributeKind::KeySignature);
  const Score cMajor = singleTrack({bar({note(0, 12, 60), note(12, 12, 64), note(24, 24, 67)})});
  CHECK(computeOn(cMajor, key) == 0);
  const Score aMinor = singleTrack({bar({note(0, 24, 57), note(12, 12, 60), note(24, 24, 64)})});
  CHECK(computeOn(aMinor, key) == 21);
  CHECK(computeOn(singleTrack({bar({note(0, 12, 60, 0)})}), key) == 24);  // silent notes only
  // Every track of the score counts, drums included.
  Score twoTracks = singleTrack({bar({})});
  twoTracks.tracks.push_back(cMajor.tracks[0]);
  twoTracks.tracks[1].type = TrackType::Drum;
  CHECK(computeOn(twoTracks, key) == 0);

  CHECK(computeOn(cMajor, specOf(AttributeKind::PitchRange)) == 7);
  CHECK(computeOn(singleTrack({bar({})}), specOf(AttributeKind::PitchRange)) == 0);

  const AttributeSpec pcs =
      specOf(AttributeKind::PitchClassSet, QuantileMode::Max, AttributeLevel::Bar);
  CHECK(computeOn(singleTrack({bar({note(0, 1, 60), note(1, 1, 72), note(2, 1, 61)})}), pcs) == 2);
  CHECK(computeOn(singleTrack({bar({})}), pcs, 3) == 0);

  const Score chords = singleTrack({bar({note(0, 6, 60), note(0, 6, 64), note(6, 6, 67)}),
                                    bar({note(3, 6, 60), note(3, 6, 64), note(3, 6, 67)})});
  CHECK(computeOn(chords, specOf(AttributeKind::OnsetPolyphony)) == 3);

  const AttributeSpec nomml = specOf(AttributeKind::Nomml);
  CHECK(computeOn(singleTrack({bar({note(0, 1), note(12, 1), note(24, 1)})}), nomml) == 0);
  // Even counts average the middle pair, then truncate: onset 4 lies on the triplet-eighth grid
  // (depth 3), onset 2 on the triplet-sixteenth grid (depth 5).
  CHECK(computeOn(singleTrack({bar({note(0, 1), note(4, 1)})}), nomml) == 1);  // (0+3)/2
  CHECK(computeOn(singleTrack({bar({note(0, 1), note(2, 1)})}), nomml) == 2);  // (0+5)/2
  CHECK(computeOn(singleTrack({bar({note(1, 1)})}), nomml) == 7);
  CHECK(computeOn(singleTrack({bar({note(6, 1)})}), nomml) == 2);
  CHECK(computeOn(singleTrack({bar({})}), nomml) == 12);
  // At resolution 480 a 1-tick offset is off every grid.
  CHECK(computeOn(singleTrack({bar({note(1, 1)})}, TrackType::Melodic, 480), nomml) == 12);
}

TEST_CASE("unused attributes: note density and note duration distribution") {
  const AttributeSpec density = specOf(AttributeKind::NoteDensity);
  CHECK(computeOn(singleTrack({bar({note(0, 1), note(1, 1), note(2, 1)}), bar({})}), density) == 1);
  CHECK(computeOn(singleTrack({}), density) == 0);
  const AttributeSpec mode = specOf(AttributeKind::NoteDurationDistribution);
  CHECK(computeOn(singleTrack({bar({})}), mode) == 3);
  // d / (res / 8): 12 ticks = 8 eighth-of-quarter units -> 3; 3 ticks -> 1; ties: first seen.
  CHECK(computeOn(singleTrack({bar({note(0, 3), note(3, 12), note(15, 12)})}), mode) == 3);
  CHECK(computeOn(singleTrack({bar({note(0, 3), note(3, 12), note(15, 3), note(18, 12)})}), mode) ==
        1);
}

TEST_CASE("compute gates by track type and validates its arguments") {
  const EncoderConfig config = configFor("yellow");
  const AttributeAnalyzer analyzer(config);
  const Score drums = singleTrack({bar({note(0, 1)})}, TrackType::Drum);
  const AttributeSpec& density = config.attributes[0];
  const AttributeSpec& minPolyphony = config.attributes[1];
  CHECK(analyzer.compute(density, drums, 0).has_value());
  CHECK_FALSE(analyzer.compute(minPolyphony, drums, 0).has_value());
  CHECK_THROWS_AS(analyzer.compute(density, drums, 1), Error);
  Score noResolution = drums;
  noResolution.resolution = 0;
  CHECK_THROWS_AS(analyzer.compute(density, noResolution, 0), Error);
}

TEST_CASE("annotate writes track- and bar-level attributes by token type") {
  const EncoderConfig config = configFor("prism");
  Score score = singleTrack({bar({note(0, 12, 60), note(0, 12, 64)}), bar({})});
  Track drums;
  drums.type = TrackType::Drum;
  drums.bars = {bar({note(0, 1, 36), note(6, 1, 38)}), bar({})};
  score.tracks.push_back(drums);
  score.tracks[0].attributes[TokenType::KeySignature] = 99;  // overwritten
  score.tracks[0].attributes[TokenType::Genre] = 5;          // left alone
  AttributeAnalyzer(config).annotate(score);

  const Track& melodic = score.tracks[0];
  CHECK(melodic.attributes.at(TokenType::KeySignature) == 0);
  CHECK(melodic.attributes.at(TokenType::Genre) == 5);
  CHECK(melodic.attributes.at(TokenType::TrackLevelPitchRangeMax) == 4);
  CHECK(melodic.attributes.count(TokenType::TrackLevelSilenceProportionMax) == 1);
  CHECK(melodic.bars[0].attributes.at(TokenType::BarLevelOnsetPolyphonyMax) == 1);
  CHECK(melodic.bars[0].attributes.at(TokenType::BarLevelPitchClassSet) == 2);
  CHECK(melodic.bars[1].attributes.at(TokenType::BarLevelPitchClassSet) == 0);
  CHECK(melodic.bars[0].attributes.count(TokenType::BarLevelOnsetDensity) == 0);

  const Track& drum = score.tracks[1];
  CHECK(drum.attributes.size() == 1);  // only silence_proportion applies to drums
  CHECK(drum.bars[0].attributes.size() == 1);
  CHECK(drum.bars[0].attributes.at(TokenType::BarLevelOnsetDensity) == 0);
}

namespace {

/// Parity tally of one golden case family.
struct Parity {
  int equal = 0;
  int total = 0;
  std::map<std::string, int> mismatchingKeys;  // attribute -> keys that differ
};

/// Annotates `score` and compares every track's attributes with the fixture's maps; each
/// differing key is one doctest failure when `strict`.
void compareCase(Score score, const json& expected, const EncoderConfig& config,
                 const GoldenVocab& vocab, bool strict, Parity& parity) {
  AttributeAnalyzer(config).annotate(score);
  REQUIRE(expected.size() == score.tracks.size());
  bool equal = true;
  for (size_t t = 0; t < score.tracks.size(); ++t) {
    const KeyedAttributes actual = fixtureKeyed(score.tracks[t], config.attributes, vocab);
    const KeyedAttributes wanted = expected.at(t).get<KeyedAttributes>();
    if (actual == wanted) continue;
    equal = false;
    KeyedAttributes keys = actual;
    keys.insert(wanted.begin(), wanted.end());
    for (const auto& [key, unused] : keys) {
      const auto a = actual.find(key);
      const auto w = wanted.find(key);
      const int32_t actualValue = a == actual.end() ? -1 : a->second;  // -1: key absent
      const int32_t wantedValue = w == wanted.end() ? -1 : w->second;
      if (actualValue == wantedValue) continue;
      ++parity.mismatchingKeys[attributeOfKey(key)];
      if (strict) {
        CAPTURE(t);
        CAPTURE(key);
        CHECK(actualValue == wantedValue);
      }
    }
  }
  ++parity.total;
  if (equal) ++parity.equal;
}

/// The probe: yellow's quantile attributes of every track and bar, ignoring track-type gating.
void compareProbe(const Score& score, const json& probe, int& values,
                  std::map<std::string, int>& mismatches) {
  const EncoderConfig none;
  const AttributeAnalyzer analyzer(none);
  const json& fields = probe.at("fields");
  for (size_t f = 0; f < fields.size(); ++f) {
    const std::string field = fields.at(f).get<std::string>();
    CAPTURE(field);
    AttributeKind kind = AttributeKind::NoteDensityQuantile;
    if (field.find("polyphony") != std::string::npos) kind = AttributeKind::PolyphonyQuantile;
    if (field.find("note_duration") != std::string::npos) kind = AttributeKind::NoteDurationQuantile;
    const QuantileMode mode = field.rfind("min", 0) == 0 ? QuantileMode::Min : QuantileMode::Max;
    const AttributeSpec trackSpec = specOf(kind, mode);
    const AttributeSpec barSpec = specOf(kind, mode, AttributeLevel::Bar);
    for (size_t t = 0; t < score.tracks.size(); ++t) {
      CAPTURE(t);
      const int32_t trackValue = analyzer.compute(trackSpec, score, t).value();
      const int32_t wantedTrackValue = probe.at("track").at(t).at(f).get<int32_t>();
      ++values;
      if (trackValue != wantedTrackValue) ++mismatches[field];
      CHECK(trackValue == wantedTrackValue);
      const json& bars = probe.at("bar").at(t);
      for (size_t b = 0; b < bars.size(); ++b) {
        CAPTURE(b);
        const int32_t barValue = analyzer.compute(barSpec, score, t, b).value();
        const int32_t wantedBarValue = bars.at(b).at(f).get<int32_t>();
        ++values;
        if (barValue != wantedBarValue) ++mismatches["bar_" + field];
        CHECK(barValue == wantedBarValue);
      }
    }
  }
}

std::string describeParity(const std::string& label, const Parity& parity) {
  std::string text = label + ": " + std::to_string(parity.equal) + "/" +
                     std::to_string(parity.total) + " cases equal";
  for (const auto& [attribute, count] : parity.mismatchingKeys) {
    text += ", " + attribute + " differs in " + std::to_string(count) + " keys";
  }
  return text;
}

}  // namespace

TEST_CASE("annotate matches the reference analyzer on every golden piece") {
  const json index = testing::readJson(kGolden + "pieces_index.json");
  std::map<std::string, Parity> parity;
  Parity expressiveOnNodelta;  // informative: the reference fed expressive the delta score
  int probeValues = 0;
  std::map<std::string, int> probeMismatches;
  for (const json& entry : index.at("pieces")) {
    const std::string fixturePath = entry.at("fixture").get<std::string>();
    CAPTURE(fixturePath);
    const json piece = readGzipJsonFile(kGolden + fixturePath);
    const Score nodelta = testing::fixtureScore(piece.at("score_model_nodelta"));
    const Score delta = testing::fixtureScore(piece.at("score_model_delta"));
    for (const std::string& encoder : kEncoders) {
      CAPTURE(encoder);
      const EncoderConfig config = configFor(encoder);
      const GoldenVocab& vocab = goldenVocab(encoder);
      const json& cases = piece.at("encoders").at(encoder);
      for (const std::string& caseName : kCases) {
        if (!cases.contains(caseName)) continue;
        CAPTURE(caseName);
        const auto window = [&caseName](const Score& score) {
          if (caseName == "full") return score;
          return firstBars(score, caseName == "window4" ? 4 : 8);
        };
        const json& expected = cases.at(caseName).at("attributes");
        // Tokenizer.encode normalises expressive input with delta folding (score_model_delta).
        const bool expressive = encoder == "expressive";
        compareCase(window(expressive ? delta : nodelta), expected, config, vocab, true,
                    parity[encoder]);
        if (expressive) {
          compareCase(window(nodelta), expected, config, vocab, false, expressiveOnNodelta);
        }
      }
    }
    compareProbe(nodelta, piece.at("yellow_attribute_probe"), probeValues, probeMismatches);
  }

  std::string report;
  for (const std::string& encoder : kEncoders) report += describeParity(encoder, parity[encoder]) + "; ";
  report += describeParity("expressive on score_model_nodelta", expressiveOnNodelta) + "; ";
  report += "yellow_attribute_probe: " + std::to_string(probeValues) + " values";
  for (const auto& [field, count] : probeMismatches) {
    report += ", " + field + " differs " + std::to_string(count) + " times";
  }
  MESSAGE(report);
  for (const std::string& encoder : kEncoders) {
    CHECK(parity[encoder].total > 0);
    CHECK(parity[encoder].equal == parity[encoder].total);
  }
  CHECK(probeMismatches.empty());
}
