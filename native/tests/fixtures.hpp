// Fixture helpers shared by the native doctest suites: file reading, the shared reference
// folder and the project's encoder configs.
#pragma once

#include <doctest/doctest.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "midigpt/encoder_config.hpp"
#include "midigpt/score.hpp"

namespace midigpt::testing {

/// The folder holding the reference fixtures (golden/, midi/).
inline std::string sharedDir() { return std::string(MIDIGPT_SHARED_DIR); }

/// The golden fixtures folder, without a trailing slash.
inline std::string goldenDir() { return sharedDir() + "/golden"; }

/// models/<encoder>_encoder.json in the source tree.
inline std::string modelPath(const std::string& encoder) {
  return std::string(MIDIGPT_SOURCE_DIR) + "/models/" + encoder + "_encoder.json";
}

/// A whole file as text (bytes unchanged); fails the test when it cannot be opened.
inline std::string readText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// A whole file as bytes; fails the test when it cannot be opened.
inline std::vector<uint8_t> readBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path.string());
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in),
                              std::istreambuf_iterator<char>());
}

/// The bytes of <shared>/midi/<name>.
inline std::vector<uint8_t> midiBytes(const std::string& name) {
  return readBytes(sharedDir() + "/midi/" + name);
}

/// A gzip file's decompressed text; fails the test when it cannot be opened or decompressed.
inline std::string readGzip(const std::filesystem::path& path) {
  gzFile file = gzopen(path.string().c_str(), "rb");
  REQUIRE_MESSAGE(file != nullptr, "cannot open " << path.string());
  std::string text;
  char buffer[1 << 16];
  int count = 0;
  while ((count = gzread(file, buffer, sizeof buffer)) > 0) {
    text.append(buffer, static_cast<size_t>(count));
  }
  gzclose(file);
  REQUIRE_MESSAGE(count == 0, "gzip error in " << path.string());
  return text;
}

/// A JSON file, parsed.
inline nlohmann::json readJson(const std::filesystem::path& path) {
  return nlohmann::json::parse(readText(path));
}

/// A gzip-compressed JSON file, parsed.
inline nlohmann::json readGzipJson(const std::filesystem::path& path) {
  return nlohmann::json::parse(readGzip(path));
}

/// The project's EncoderConfig for `encoder`, loaded once per test binary.
inline const EncoderConfig& encoderConfig(const std::string& encoder) {
  static std::map<std::string, EncoderConfig> configs;
  auto found = configs.find(encoder);
  if (found == configs.end()) {
    found = configs.emplace(encoder, EncoderConfig::fromJson(readText(modelPath(encoder)))).first;
  }
  return found->second;
}

/// The golden piece fixtures (<shared>/golden/pieces/*.json.gz), sorted by path.
inline std::vector<std::filesystem::path> goldenPieces() {
  std::vector<std::filesystem::path> pieces;
  for (const auto& entry : std::filesystem::directory_iterator(goldenDir() + "/pieces")) {
    if (entry.path().string().ends_with(".json.gz")) pieces.push_back(entry.path());
  }
  std::sort(pieces.begin(), pieces.end());
  return pieces;
}

/// A score in the fixtures' JSON shape: {resolution, tempo, tracks: [{instrument, track_type,
/// bars: [{ts: [num, den], beat_length, future?, notes: [[onset, duration, pitch, velocity,
/// delta], ...]}]}]}. Attributes are left to the caller.
inline Score fixtureScore(const nlohmann::json& json) {
  Score score;
  score.resolution = json.at("resolution").get<int32_t>();
  score.tempo = json.at("tempo").get<int32_t>();
  for (const nlohmann::json& trackJson : json.at("tracks")) {
    Track& track = score.tracks.emplace_back();
    track.instrument = trackJson.at("instrument").get<int32_t>();
    track.type = trackJson.at("track_type") == "drum" ? TrackType::Drum : TrackType::Melodic;
    for (const nlohmann::json& barJson : trackJson.at("bars")) {
      Bar& bar = track.bars.emplace_back();
      bar.tsNumerator = barJson.at("ts").at(0).get<int32_t>();
      bar.tsDenominator = barJson.at("ts").at(1).get<int32_t>();
      bar.beatLength = barJson.at("beat_length").get<double>();
      bar.future = barJson.value("future", false);
      for (const nlohmann::json& n : barJson.at("notes")) {
        bar.notes.push_back({n.at(0).get<int32_t>(), n.at(1).get<int32_t>(),
                             n.at(2).get<int32_t>(), n.at(3).get<int32_t>(),
                             n.at(4).get<int32_t>()});
      }
    }
  }
  return score;
}

}  // namespace midigpt::testing
