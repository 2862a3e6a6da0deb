#include "midigpt/score_wire.hpp"

#include <bit>
#include <cmath>
#include <string>

#include "midigpt/error.hpp"

namespace midigpt {
namespace {

void packAttributes(const AttributeMap& attributes, std::vector<int32_t>& out) {
  out.push_back(static_cast<int32_t>(attributes.size()));
  for (const auto& [type, value] : attributes) {
    out.push_back(static_cast<int32_t>(type));
    out.push_back(value);
  }
}

/// Sequential reader over the words that reports where the data ran out or went wrong.
class WireReader {
 public:
  explicit WireReader(std::span<const int32_t> words) : words_(words) {}

  int32_t next(const char* what) {
    if (position_ >= words_.size()) {
      fail(std::string("data ends before ") + what);
    }
    return words_[position_++];
  }

  /// A count that must be non-negative and cannot exceed what the remaining words could hold.
  size_t count(const char* what, size_t wordsPerItem) {
    const int32_t value = next(what);
    if (value < 0) fail(std::string("negative ") + what);
    const size_t remaining = words_.size() - position_;
    if (static_cast<size_t>(value) * wordsPerItem > remaining) {
      fail(std::string(what) + " " + std::to_string(value) + " exceeds the data");
    }
    return static_cast<size_t>(value);
  }

  AttributeMap attributes() {
    AttributeMap attributes;
    const size_t n = count("attribute count", 2);
    for (size_t i = 0; i < n; ++i) {
      const int32_t type = next("attribute type");
      const int32_t value = next("attribute value");
      if (!isKnownTokenType(type)) fail("unknown attribute token type " + std::to_string(type));
      attributes[static_cast<TokenType>(type)] = value;
    }
    return attributes;
  }

  bool atEnd() const { return position_ == words_.size(); }

  [[noreturn]] void fail(const std::string& message) const {
    throw Error(ErrorCode::InvalidScore,
                "malformed score data at word " + std::to_string(position_) + ": " + message);
  }

 private:
  std::span<const int32_t> words_;
  size_t position_ = 0;
};

}  // namespace

std::vector<int32_t> packScore(const Score& score) {
  std::vector<int32_t> out;
  out.reserve(64);
  out.push_back(score.resolution);
  out.push_back(score.tempo);
  out.push_back(static_cast<int32_t>(score.tracks.size()));
  for (const Track& track : score.tracks) {
    out.push_back(track.instrument);
    out.push_back(static_cast<int32_t>(track.type));
    packAttributes(track.attributes, out);
    out.push_back(static_cast<int32_t>(track.bars.size()));
    for (const Bar& bar : track.bars) {
      const auto bits = std::bit_cast<uint64_t>(bar.beatLength);
      out.push_back(bar.tsNumerator);
      out.push_back(bar.tsDenominator);
      out.push_back(static_cast<int32_t>(static_cast<uint32_t>(bits >> 32)));
      out.push_back(static_cast<int32_t>(static_cast<uint32_t>(bits & 0xffffffffu)));
      out.push_back(bar.future ? 1 : 0);
      packAttributes(bar.attributes, out);
      out.push_back(static_cast<int32_t>(bar.notes.size()));
      for (const Note& note : bar.notes) {
        out.insert(out.end(), {note.onset, note.duration, note.pitch, note.velocity, note.delta});
      }
    }
  }
  return out;
}

Score unpackScore(std::span<const int32_t> words) {
  WireReader in(words);
  Score score;
  score.resolution = in.next("resolution");
  score.tempo = in.next("tempo");
  if (score.resolution <= 0) in.fail("resolution must be positive");
  if (score.tempo <= 0) in.fail("tempo must be positive");
  const size_t trackCount = in.count("track count", 4);
  score.tracks.resize(trackCount);
  for (Track& track : score.tracks) {
    track.instrument = in.next("instrument");
    const int32_t type = in.next("track type");
    if (type != 0 && type != 1) in.fail("track type must be 0 (melodic) or 1 (drum)");
    track.type = static_cast<TrackType>(type);
    track.attributes = in.attributes();
    const size_t barCount = in.count("bar count", 7);
    track.bars.resize(barCount);
    for (Bar& bar : track.bars) {
      bar.tsNumerator = in.next("time signature numerator");
      bar.tsDenominator = in.next("time signature denominator");
      const auto high = static_cast<uint32_t>(in.next("beat length"));
      const auto low = static_cast<uint32_t>(in.next("beat length"));
      bar.beatLength = std::bit_cast<double>((static_cast<uint64_t>(high) << 32) | low);
      if (!std::isfinite(bar.beatLength) || bar.beatLength < 0) {
        in.fail("beat length must be a finite non-negative number");
      }
      bar.future = in.next("future flag") != 0;
      bar.attributes = in.attributes();
      const size_t noteCount = in.count("note count", 5);
      bar.notes.resize(noteCount);
      for (Note& note : bar.notes) {
        note.onset = in.next("onset");
        note.duration = in.next("duration");
        note.pitch = in.next("pitch");
        note.velocity = in.next("velocity");
        note.delta = in.next("delta");
      }
    }
  }
  if (!in.atEnd()) in.fail("trailing data after the last track");
  return score;
}

}  // namespace midigpt
