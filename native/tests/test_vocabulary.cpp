// Token types, errors, encoder configs and vocabulary layouts against the golden vocab files.

#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "midigpt/encoder_config.hpp"
#include "midigpt/error.hpp"
#include "midigpt/token_type.hpp"
#include "midigpt/tokenizer.hpp"

#include "fixtures.hpp"

using midigpt::EncoderConfig;
using midigpt::Error;
using midigpt::ErrorCode;
using midigpt::TokenType;
using Json = nlohmann::json;
using midigpt::testing::goldenDir;
using midigpt::testing::modelPath;
using midigpt::testing::readJson;
using midigpt::testing::readText;

namespace {

const char* const kEncoders[] = {"yellow", "prism", "expressive"};

EncoderConfig loadModel(const std::string& encoder) {
  return EncoderConfig::fromJson(readText(modelPath(encoder)));
}

Json loadGoldenVocab(const std::string& encoder) {
  return readJson(goldenDir() + "/vocab_" + encoder + ".json");
}

/// The yellow config as JSON, for tests that edit one key.
Json yellowJson() { return Json::parse(readText(modelPath("yellow"))); }

/// Parses `json` expecting InvalidConfig; returns the detail message.
std::string configError(const Json& json) {
  try {
    EncoderConfig::fromJson(json.dump());
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::InvalidConfig);
    return error.detail();
  }
  FAIL("config was accepted: " << json.dump().substr(0, 200));
  return {};
}

const char* scopeName(midigpt::TrackScope scope) {
  switch (scope) {
    case midigpt::TrackScope::Melodic: return "melodic";
    case midigpt::TrackScope::Drum: return "drum";
    case midigpt::TrackScope::Both: return "both";
  }
  return "?";
}

}  // namespace

TEST_CASE("token type names, aliases and legacy spellings") {
  CHECK(midigpt::tokenTypeName(TokenType::TrackLevelPitchRangeMax) == "TrackLevelPitchRangeMax");
  CHECK(midigpt::tokenTypeName(TokenType::None) == "None");
  CHECK(midigpt::parseTokenType("NoteOnset") == TokenType::NoteOnset);
  CHECK(midigpt::parseTokenType("OnsetPolyphony") == TokenType::BarLevelOnsetPolyphonyMax);
  CHECK(midigpt::parseTokenType("PitchRange") == TokenType::TrackLevelPitchRangeMax);
  CHECK(midigpt::parseTokenType("NoteDurationDist") == TokenType::NoteDuration);
  CHECK(midigpt::parseTokenType("SilenceProportion") ==
        TokenType::TrackLevelSilenceProportionMax);
  CHECK(midigpt::parseTokenType("PitchClassSet") == TokenType::BarLevelPitchClassSet);
  CHECK(midigpt::parseTokenType("PieceEnd") == TokenType::None);
  CHECK(midigpt::parseTokenType("TOKEN_NOTE_ONSET") == TokenType::NoteOnset);
  CHECK(midigpt::parseTokenType("TOKEN_BAR_LEVEL_ONSET_DENSITY") ==
        TokenType::BarLevelOnsetDensity);
  CHECK(midigpt::parseTokenType("TOKEN_TIME_SIGNATURE") == TokenType::TimeSig);
  CHECK(midigpt::parseTokenType("TOKEN_DENSITY_LEVEL") == TokenType::NoteDensity);
  CHECK_FALSE(midigpt::parseTokenType("NotePitch").has_value());
  CHECK_FALSE(midigpt::parseTokenType("noteonset").has_value());
  CHECK(midigpt::isKnownTokenType(88));
  CHECK(midigpt::isKnownTokenType(0));
  CHECK_FALSE(midigpt::isKnownTokenType(2));
  CHECK_FALSE(midigpt::isKnownTokenType(-1));
  CHECK_FALSE(midigpt::isKnownTokenType(89));

  // Every canonical name round-trips.
  for (int32_t value = 0; value < 100; ++value) {
    if (!midigpt::isKnownTokenType(value)) continue;
    const auto type = static_cast<TokenType>(value);
    CHECK(midigpt::parseTokenType(midigpt::tokenTypeName(type)) == type);
  }
}

TEST_CASE("errors carry their code name as message prefix") {
  const Error error(ErrorCode::InvalidTokens, "token 9 is bad");
  CHECK(std::string(error.what()) == "InvalidTokens: token 9 is bad");
  CHECK(error.detail() == "token 9 is bad");
  CHECK(error.code() == ErrorCode::InvalidTokens);
  CHECK(std::string(midigpt::errorCodeName(ErrorCode::InvalidMidi)) == "InvalidMidi");
  CHECK(std::string(midigpt::errorCodeName(ErrorCode::InvalidConfig)) == "InvalidConfig");
  CHECK(std::string(midigpt::errorCodeName(ErrorCode::InvalidScore)) == "InvalidScore");
  CHECK(std::string(midigpt::errorCodeName(ErrorCode::InvalidArgument)) == "InvalidArgument");
}

TEST_CASE("shipped encoder configs reproduce the golden vocabularies") {
  for (const char* encoder : kEncoders) {
    CAPTURE(encoder);
    const EncoderConfig config = loadModel(encoder);
    const Json golden = loadGoldenVocab(encoder);
    const midigpt::Vocabulary& vocabulary = config.vocabulary;

    CHECK(vocabulary.size() == golden["vocab_size"].get<int32_t>());
    REQUIRE(vocabulary.domains().size() == golden["domains"].size());
    for (size_t i = 0; i < vocabulary.domains().size(); ++i) {
      const midigpt::TokenDomain& domain = vocabulary.domains()[i];
      const Json& expected = golden["domains"][i];
      CHECK(midigpt::tokenTypeName(domain.type) == expected["type"].get<std::string>());
      CHECK(static_cast<int32_t>(domain.type) == expected["type_enum"].get<int32_t>());
      CHECK(domain.offset == expected["offset"].get<int32_t>());
      CHECK(domain.size == expected["size"].get<int32_t>());
    }
    const Json& tokens = golden["tokens"];
    REQUIRE(tokens.size() == static_cast<size_t>(vocabulary.size()));
    int32_t mismatches = 0;
    for (int32_t id = 0; id < vocabulary.size(); ++id) {
      const auto [type, value] = vocabulary.decode(id);
      const Json& expected = tokens[static_cast<size_t>(id)];
      if (midigpt::tokenTypeName(type) != expected[0].get<std::string>() ||
          value != expected[1].get<int32_t>() || vocabulary.id(type, value) != id) {
        ++mismatches;
      }
    }
    CHECK(mismatches == 0);

    CHECK(config.resolution == golden["resolution"].get<int32_t>());
    CHECK(config.decodeResolution == golden["decode_resolution"].get<int32_t>());
    CHECK(config.emitDeltaTokens == golden["emit_delta_tokens"].get<bool>());
    CHECK(config.velocitySticky == golden["velocity_sticky"].get<bool>());
    CHECK(config.switchableVelocity == golden["switchable_velocity"].get<bool>());
    CHECK(config.switchableMicrotiming == golden["switchable_microtiming"].get<bool>());
    CHECK(config.numBarsMap == golden["num_bars_map"].get<std::vector<int32_t>>());
    const auto signatures = golden["time_signatures"].get<std::vector<std::string>>();
    REQUIRE(config.timeSignatures.size() == signatures.size());
    for (size_t i = 0; i < signatures.size(); ++i) {
      const midigpt::TimeSignature& signature = config.timeSignatures[i];
      CHECK(std::to_string(signature.numerator) + "/" + std::to_string(signature.denominator) ==
            signatures[i]);
      CHECK(config.timeSignatureIndex(signature.numerator, signature.denominator) ==
            static_cast<int32_t>(i));
    }
    CHECK_FALSE(config.timeSignatureIndex(7, 3).has_value());

    // The analyzer's attribute set resolved from the domains and attribute_controls.
    const Json& attributes = golden["attribute_controls"];
    REQUIRE(config.attributes.size() == attributes.size());
    for (size_t i = 0; i < attributes.size(); ++i) {
      const midigpt::AttributeSpec& spec = config.attributes[i];
      CHECK(spec.name == attributes[i]["name"].get<std::string>());
      CHECK(midigpt::tokenTypeName(spec.tokenType) ==
            attributes[i]["token_type"].get<std::string>());
      CHECK((spec.level == midigpt::AttributeLevel::Bar ? "bar" : "track") ==
            attributes[i]["level"].get<std::string>());
      CHECK(scopeName(spec.scope) == attributes[i]["track_type"].get<std::string>());
      CHECK(spec.size == attributes[i]["size"].get<int32_t>());
    }

    // Instrument groups (spec §3.4, Appendix C).
    const auto programToGroup = golden["instrument_program_to_group"].get<std::vector<int32_t>>();
    for (int32_t program = 0; program < 128; ++program) {
      CHECK(config.instrumentGroup(program) == programToGroup[static_cast<size_t>(program)]);
    }
    const auto groupToProgram = golden["instrument_group_to_program"].get<std::vector<int32_t>>();
    for (size_t group = 0; group < groupToProgram.size(); ++group) {
      CHECK(config.groupProgram(static_cast<int32_t>(group)) == groupToProgram[group]);
    }

    // Velocity tables (spec §4.4, Appendix F), the decoder in reference mode.
    const midigpt::Tokenizer tokenizer(config);
    const auto velocityToLevel = golden["velocity_to_level"].get<std::vector<int32_t>>();
    for (int32_t velocity = 0; velocity < 128; ++velocity) {
      CHECK(tokenizer.quantizeVelocity(velocity) ==
            velocityToLevel[static_cast<size_t>(velocity)]);
    }
    const auto levelToVelocity = golden["level_to_velocity"].get<std::vector<int32_t>>();
    midigpt::DecodeOptions reference;
    reference.exactBeatLength = false;
    reference.identityVelocityForSingletonBins = false;
    for (size_t level = 1; level < levelToVelocity.size(); ++level) {
      CHECK(tokenizer.dequantizeVelocity(static_cast<int32_t>(level), reference) ==
            levelToVelocity[level]);
    }
  }
}

TEST_CASE("instrument groups and velocity tables match the spec examples") {
  const EncoderConfig config = loadModel("yellow");
  CHECK(config.instrumentGroup(0) == 0);
  CHECK(config.instrumentGroup(1) == 0);
  CHECK(config.instrumentGroup(2) == 0);
  CHECK(config.instrumentGroup(3) == 1);
  CHECK(config.instrumentGroup(4) == 2);
  CHECK(config.instrumentGroup(5) == 2);
  for (int32_t program = 88; program <= 95; ++program) CHECK(config.instrumentGroup(program) == 76);
  CHECK(config.instrumentGroup(96) == 77);
  CHECK(config.instrumentGroup(127) == 108);
  CHECK(config.instrumentGroup(-1) == 0);
  CHECK(config.instrumentGroup(128) == 0);
  CHECK(config.groupProgram(76) == 88);
  CHECK(config.groupProgram(109) == 0);
  CHECK(config.vocabulary.domainSize(TokenType::Instrument) == 109);

  const midigpt::Tokenizer yellow(config);
  const int32_t legacyTable[32] = {0,  2,  6,  10, 14, 18, 22, 26,  30,  35,  39,
                                   43, 47, 51, 55, 59, 63, 68, 72,  76,  80,  84,
                                   88, 92, 96, 101, 105, 109, 113, 117, 121, 125};
  for (int32_t level = 0; level < 32; ++level) {
    CHECK(yellow.dequantizeVelocity(level) == legacyTable[level]);
  }
  CHECK(yellow.quantizeVelocity(-5) == 0);
  CHECK(yellow.quantizeVelocity(200) == 31);

  // 128 levels: the reference decodes every level to 0 (§12.5); the default is the identity.
  const midigpt::Tokenizer expressive(loadModel("expressive"));
  midigpt::DecodeOptions reference;
  reference.identityVelocityForSingletonBins = false;
  for (int32_t level = 1; level < 128; ++level) {
    CHECK(expressive.quantizeVelocity(level) == level);
    CHECK(expressive.dequantizeVelocity(level) == level);
    CHECK(expressive.dequantizeVelocity(level, reference) == 0);
  }
}

TEST_CASE("genre ids follow the sorted canonical names") {
  const EncoderConfig prism = loadModel("prism");
  const char* const canonical[] = {"asian",    "baroque",  "blues",          "christian",
                                   "classical", "country", "dance-electronic", "european",
                                   "folk",     "hip-hop",  "jazz",           "latin",
                                   "metal",    "pop",      "punk",           "renaissance",
                                   "rock",     "soundtrack"};
  for (int32_t id = 0; id < 18; ++id) CHECK(prism.genreId(canonical[id]) == id);
  CHECK(prism.vocabulary.domainSize(TokenType::Genre) == 18);
  CHECK(prism.genreId("K Pop") == 0);
  CHECK(prism.genreId("PIANO") == 4);
  CHECK(prism.genreId("rock; punk; alternative-indie") == 14);
  CHECK(prism.genreId("Midi Karaoke") == 13);
  CHECK(prism.genreId("broadway and stage") == 17);
  CHECK_FALSE(prism.genreId("polka").has_value());
  CHECK_FALSE(loadModel("yellow").genreId("pop").has_value());
}

TEST_CASE("toJson writes the reference key set and round-trips") {
  for (const char* encoder : kEncoders) {
    CAPTURE(encoder);
    const EncoderConfig config = loadModel(encoder);
    const Json written = Json::parse(config.toJson());
    for (const char* key :
         {"resolution", "decode_resolution", "emit_delta_tokens", "supports_infill",
          "supports_mask_bar_token", "velocity_sticky", "switchable_velocity",
          "switchable_microtiming", "pitch_range", "velocity_levels", "note_duration_max_beats",
          "attribute_controls", "token_domains", "num_bars_map", "time_signatures",
          "instrument_merge_groups"}) {
      CHECK_MESSAGE(written.contains(key), key);
    }
    CHECK(written.contains("genre_groups") == (std::string(encoder) != "yellow"));
    CHECK(written == Json::parse(readText(modelPath(encoder))));

    const EncoderConfig reparsed = EncoderConfig::fromJson(config.toJson());
    CHECK(reparsed.toJson() == config.toJson());
    CHECK(reparsed.vocabulary.size() == config.vocabulary.size());
    CHECK(reparsed.attributes.size() == config.attributes.size());
  }
}

TEST_CASE("without token_domains the layout is derived (spec §3.3)") {
  Json yellow = yellowJson();
  yellow.erase("token_domains");
  const EncoderConfig derived = EncoderConfig::fromJson(yellow.dump());
  const EncoderConfig explicitLayout = loadModel("yellow");
  REQUIRE(derived.vocabulary.domains().size() == explicitLayout.vocabulary.domains().size());
  for (size_t i = 0; i < derived.vocabulary.domains().size(); ++i) {
    CHECK(derived.vocabulary.domains()[i].type == explicitLayout.vocabulary.domains()[i].type);
    CHECK(derived.vocabulary.domains()[i].size == explicitLayout.vocabulary.domains()[i].size);
    CHECK(derived.vocabulary.domains()[i].offset == explicitLayout.vocabulary.domains()[i].offset);
  }
  CHECK(derived.vocabulary.size() == 647);

  // Optional parts of the derived layout.
  Json minimal = Json::object();
  minimal["resolution"] = 12;
  minimal["switchable_microtiming"] = true;
  minimal["supports_mask_bar_token"] = true;
  const EncoderConfig small = EncoderConfig::fromJson(minimal.dump());
  CHECK(small.emitDeltaTokens);  // forced by switchable_microtiming
  CHECK(small.vocabulary.domainSize(TokenType::PieceStart) == 1);
  CHECK(small.vocabulary.domainSize(TokenType::Instrument) == 128);  // identity grouping
  CHECK(small.vocabulary.domainSize(TokenType::NoteDuration) == 96);
  CHECK(small.vocabulary.domainSize(TokenType::Delta) == 6);
  CHECK(small.vocabulary.domainSize(TokenType::UseMicrotiming) == 2);
  CHECK(small.vocabulary.domainSize(TokenType::MaskBar) == 1);
  CHECK_FALSE(small.vocabulary.has(TokenType::TimeSig));
  CHECK_FALSE(small.vocabulary.has(TokenType::TimeAbsolutePos));
  CHECK_FALSE(small.vocabulary.has(TokenType::FillInStart));
  CHECK(small.instrumentGroup(127) == 127);

  // Attribute domains missing from an explicit layout are appended in analyzer order.
  Json appended = yellowJson();
  Json& domains = appended["token_domains"];
  domains.erase(domains.end() - 5, domains.end());
  const EncoderConfig withAppended = EncoderConfig::fromJson(appended.dump());
  CHECK(withAppended.vocabulary.size() == 647);
  CHECK(withAppended.vocabulary.domains().back().type == TokenType::MaxNoteDuration);
}

TEST_CASE("vocabulary lookups") {
  const midigpt::Vocabulary& vocabulary = loadModel("yellow").vocabulary;
  CHECK(vocabulary.id(TokenType::NoteOnset, 60) == 214);
  CHECK(vocabulary.clampedId(TokenType::NoteOnset, 300) == 281);
  CHECK(vocabulary.clampedId(TokenType::NoteOnset, -3) == 154);
  CHECK(vocabulary.has(TokenType::FillInEnd));
  CHECK_FALSE(vocabulary.has(TokenType::Genre));
  CHECK(vocabulary.domainSize(TokenType::Genre) == 0);
  CHECK_THROWS_AS(vocabulary.id(TokenType::Genre, 0), Error);
  CHECK_THROWS_AS(vocabulary.id(TokenType::NoteOnset, 128), Error);
  CHECK_THROWS_AS(vocabulary.clampedId(TokenType::Genre, 0), Error);
  try {
    vocabulary.decode(647);
    FAIL("decode accepted an id outside the vocabulary");
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::InvalidTokens);
    CHECK(error.detail() == "token 647 is outside the vocabulary (size 647)");
  }
  CHECK_THROWS_AS(vocabulary.decode(-1), Error);
}

TEST_CASE("malformed configs are rejected naming the key") {
  CHECK(configError(Json("not an object")).find("object") != std::string::npos);
  try {
    EncoderConfig::fromJson("{\"resolution\": ");
    FAIL("truncated JSON was accepted");
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::InvalidConfig);
    CHECK(std::string(error.what()).rfind("InvalidConfig: ", 0) == 0);
  }

  struct Case {
    const char* key;
    Json value;
    const char* expected;  // a fragment of the detail message
  };
  const Case cases[] = {
      {"resolution", "12", "resolution"},
      {"resolution", 0, "resolution"},
      {"resolution", 12.5, "resolution"},
      {"decode_resolution", -1, "decode_resolution"},
      {"velocity_levels", Json::array(), "velocity_levels"},
      {"note_duration_max_beats", 0, "note_duration_max_beats"},
      {"emit_delta_tokens", 1, "emit_delta_tokens"},
      {"velocity_sticky", "yes", "velocity_sticky"},
      {"pitch_range", Json::array({0}), "pitch_range"},
      {"pitch_range", Json::array({100, 20}), "pitch_range"},
      {"pitch_range", Json::array({0, 128}), "pitch_range"},
      {"time_signatures", Json::array({"4/4", "3-4"}), "time_signatures[1]"},
      {"time_signatures", Json::array({"4/0"}), "time_signatures[0]"},
      {"time_signatures", Json::array({"4/4", "4/4"}), "time_signatures"},
      {"time_signatures", Json::array({44}), "time_signatures[0]"},
      {"time_signatures", "4/4", "time_signatures"},
      {"instrument_merge_groups", Json::array({Json::array({0, 128})}),
       "instrument_merge_groups[0][1]"},
      {"instrument_merge_groups", Json::array({Json::array({0, 1}), Json::array({1, 2})}),
       "program 1"},
      {"instrument_merge_groups", Json::array({7}), "instrument_merge_groups[0]"},
      {"num_bars_map", Json::array({4, 0}), "num_bars_map[1]"},
      {"num_bars_map", Json::array({4, 4}), "num_bars_map"},
      {"genre_groups", Json::array(), "genre_groups"},
      {"genre_groups", Json::object({{"pop", "pop"}}), "genre_groups.pop"},
      {"attribute_controls", Json::object(), "attribute_controls"},
      {"attribute_controls", Json::array({Json::object({{"params", Json::object()}})}),
       "attribute_controls[0]"},
      {"attribute_controls", Json::array({Json::object({{"name", 3}})}),
       "attribute_controls[0].name"},
      {"attribute_controls",
       Json::array({Json::object({{"name", "key_signature"}, {"params", Json::array()}})}),
       "attribute_controls[0].params"},
      {"attribute_controls",
       Json::array({Json::object(
           {{"name", "key_signature"}, {"params", Json::object({{"level", Json::array()}})}})}),
       "attribute_controls[0].params.level"},
      {"attribute_controls", Json::array({Json::object({{"name", "no_such_attribute"}})}),
       "no_such_attribute"},
      {"token_domains", Json::object(), "token_domains"},
      {"token_domains", Json::array({Json::object({{"type", "Bogus"}, {"domain_size", 1}})}),
       "Bogus"},
      {"token_domains", Json::array({Json::object({{"type", "Bar"}, {"domain_size", -1}})}),
       "token_domains[0].domain_size"},
      {"token_domains", Json::array({Json::object({{"type", "Bar"}})}), "token_domains[0]"},
      {"token_domains",
       Json::array({Json::object({{"type", "PitchRange"}, {"domain_size", 128}}),
                    Json::object({{"type", "TrackLevelPitchRangeMax"}, {"domain_size", 128}})}),
       "duplicate domain TrackLevelPitchRangeMax"},
  };
  for (const Case& testCase : cases) {
    Json config = yellowJson();
    config[testCase.key] = testCase.value;
    CAPTURE(testCase.key);
    CAPTURE(testCase.value.dump());
    const std::string detail = configError(config);
    CHECK_MESSAGE(detail.find(testCase.expected) != std::string::npos, detail);
  }

  // Keys the reference ignores stay ignored.
  Json extra = yellowJson();
  extra["model_dim"] = 8;
  extra["use_microtiming"] = true;
  CHECK(EncoderConfig::fromJson(extra.dump()).vocabulary.size() == 647);
}
