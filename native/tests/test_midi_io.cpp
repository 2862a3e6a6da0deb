// MIDI reading and writing: parity with the reference reader's golden scores, hand-built byte
// cases for the parsing rules of spec §2.1, writer round trips and a crash-regression corpus.

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "midigpt/error.hpp"
#include "midigpt/midi_io.hpp"

#include "fixtures.hpp"

namespace {

using midigpt::Bar;
using midigpt::Error;
using midigpt::ErrorCode;
using midigpt::Note;
using midigpt::Score;
using midigpt::Track;
using midigpt::TrackType;
using Bytes = std::vector<uint8_t>;
using midigpt::testing::fixtureScore;
using midigpt::testing::readBytes;
using midigpt::testing::readGzip;

const std::filesystem::path kShared = std::filesystem::path(midigpt::testing::sharedDir());
const std::filesystem::path kCrashers =
    std::filesystem::path(MIDIGPT_SOURCE_DIR) / "native" / "tests" / "corpus" / "midi_crashers";

/// Parses only the object stored under `key` in a fixture. The fixtures are dominated by token
/// sections this test does not need, and lexing them all makes sanitizer builds slow.
nlohmann::json topLevelValue(const std::string& text, const std::string& key) {
  const std::string marker = "\"" + key + "\":";
  const size_t start = text.find(marker);
  REQUIRE_MESSAGE(start != std::string::npos, "fixture has no " << key);
  const size_t begin = start + marker.size();
  REQUIRE(text.at(begin) == '{');
  int depth = 0;
  bool inString = false;
  for (size_t i = begin; i < text.size(); ++i) {
    const char c = text[i];
    if (inString) {
      if (c == '\\') ++i;
      else if (c == '"') inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && --depth == 0) {
      return nlohmann::json::parse(text.begin() + static_cast<std::ptrdiff_t>(begin),
                                   text.begin() + static_cast<std::ptrdiff_t>(i + 1));
    }
  }
  FAIL("unterminated " << key);
  return {};
}

std::string describeNote(const Note& n) {
  std::ostringstream out;
  out << "[" << n.onset << "," << n.duration << "," << n.pitch << "," << n.velocity << ","
      << n.delta << "]";
  return out.str();
}

/// The first difference between two scores, for readable failure messages.
std::string firstDifference(const Score& actual, const Score& expected) {
  std::ostringstream out;
  if (actual.resolution != expected.resolution || actual.tempo != expected.tempo) {
    out << "resolution/tempo " << actual.resolution << "/" << actual.tempo << " vs "
        << expected.resolution << "/" << expected.tempo;
    return out.str();
  }
  if (actual.tracks.size() != expected.tracks.size()) {
    out << actual.tracks.size() << " tracks vs " << expected.tracks.size();
    return out.str();
  }
  for (size_t t = 0; t < actual.tracks.size(); ++t) {
    const Track& a = actual.tracks[t];
    const Track& e = expected.tracks[t];
    if (a.instrument != e.instrument || a.type != e.type || a.bars.size() != e.bars.size()) {
      out << "track " << t << ": instrument " << a.instrument << "/" << e.instrument << " type "
          << static_cast<int>(a.type) << "/" << static_cast<int>(e.type) << " bars "
          << a.bars.size() << "/" << e.bars.size();
      return out.str();
    }
    for (size_t b = 0; b < a.bars.size(); ++b) {
      const Bar& ab = a.bars[b];
      const Bar& eb = e.bars[b];
      if (ab.tsNumerator != eb.tsNumerator || ab.tsDenominator != eb.tsDenominator ||
          ab.beatLength != eb.beatLength) {
        out << "track " << t << " bar " << b << ": time signature differs";
        return out.str();
      }
      for (size_t n = 0; n < std::max(ab.notes.size(), eb.notes.size()); ++n) {
        const std::string an = n < ab.notes.size() ? describeNote(ab.notes[n]) : "none";
        const std::string en = n < eb.notes.size() ? describeNote(eb.notes[n]) : "none";
        if (an != en) {
          out << "track " << t << " bar " << b << " note " << n << ": " << an << " vs " << en;
          return out.str();
        }
      }
    }
  }
  return "no difference";
}

// ---- A tiny SMF builder for hand-made byte cases ----------------------------------------------

void appendBigEndian(Bytes& out, uint32_t value, int count) {
  for (int i = count - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

Bytes header(uint16_t format, uint16_t tracks, uint16_t division) {
  Bytes out = {'M', 'T', 'h', 'd', 0, 0, 0, 6};
  appendBigEndian(out, format, 2);
  appendBigEndian(out, tracks, 2);
  appendBigEndian(out, division, 2);
  return out;
}

/// Appends an MTrk chunk holding `events` verbatim (delta times included).
void appendTrack(Bytes& out, const Bytes& events) {
  out.insert(out.end(), {'M', 'T', 'r', 'k'});
  appendBigEndian(out, static_cast<uint32_t>(events.size()), 4);
  out.insert(out.end(), events.begin(), events.end());
}

Bytes singleTrackFile(const Bytes& events, uint16_t division = 480) {
  Bytes file = header(0, 1, division);
  appendTrack(file, events);
  return file;
}

/// All notes of a track as [absolute bar index, note] pairs, flattened for easy checks.
std::vector<std::pair<size_t, Note>> notesOf(const Track& track) {
  std::vector<std::pair<size_t, Note>> notes;
  for (size_t b = 0; b < track.bars.size(); ++b) {
    for (const Note& n : track.bars[b].notes) notes.emplace_back(b, n);
  }
  return notes;
}

void requireInvalidMidi(const Bytes& bytes, const std::string& expectedFragment) {
  try {
    (void)midigpt::readMidi(bytes);
    FAIL("expected InvalidMidi containing \"" << expectedFragment << "\"");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::InvalidMidi);
    CHECK_MESSAGE(e.detail().find(expectedFragment) != std::string::npos, e.detail());
  }
}

/// Score -> MIDI -> Score.
Score roundTrip(const Score& score) {
  return midigpt::readMidi(midigpt::writeMidi(score), score.resolution);
}

}  // namespace

TEST_CASE("readMidi matches the reference reader on every golden piece") {
  const auto index = nlohmann::json::parse(readGzip(kShared / "golden" / "pieces_index.json"));
  int equal480 = 0;
  int equal12 = 0;
  int total = 0;
  for (const auto& piece : index.at("pieces")) {
    const std::string file = piece.at("file").get<std::string>();
    CAPTURE(file);
    const Bytes midi = readBytes(kShared / file);
    const std::string fixture =
        readGzip(kShared / "golden" / piece.at("fixture").get<std::string>());
    const Score expected480 = fixtureScore(topLevelValue(fixture, "score_480"));
    const Score expected12 = fixtureScore(topLevelValue(fixture, "score_reader12"));
    const Score actual480 = midigpt::readMidi(midi, 480);
    const Score actual12 = midigpt::readMidi(midi, 12);
    ++total;
    equal480 += actual480 == expected480;
    equal12 += actual12 == expected12;
    CHECK_MESSAGE(actual480 == expected480, firstDifference(actual480, expected480));
    CHECK_MESSAGE(actual12 == expected12, firstDifference(actual12, expected12));
  }
  MESSAGE("parity: score_480 " << equal480 << "/" << total << ", score_reader12 " << equal12
                               << "/" << total);
  CHECK(total == 29);
}

TEST_CASE("an empty file has no tracks") {
  const Score score = midigpt::readMidi(readBytes(kShared / "midi" / "empty.mid"));
  CHECK(score.tracks.empty());
  CHECK(score.resolution == 480);
  CHECK(score.tempo == 500000);
}

TEST_CASE("running status continues note messages") {
  // Note-on 60, then running-status note-on 64 and two running-status "note-on velocity 0".
  const Score score = midigpt::readMidi(singleTrackFile({
      0x00, 0x90, 60, 100,  //
      0x00, 64, 90,         // running status: note-on 64
      0x83, 0x60, 60, 0,    // +480: note-on velocity 0 closes 60
      0x00, 64, 0,          // closes 64
      0x00, 0xFF, 0x2F, 0x00}));
  REQUIRE(score.tracks.size() == 1);
  const auto notes = notesOf(score.tracks[0]);
  REQUIRE(notes.size() == 2);
  CHECK(notes[0].second == Note{0, 480, 60, 100, 0});
  CHECK(notes[1].second == Note{0, 480, 64, 90, 0});
}

TEST_CASE("running status survives meta events") {
  const Score score = midigpt::readMidi(singleTrackFile({
      0x00, 0x91, 62, 80,                     //
      0x00, 0xFF, 0x01, 0x02, 'h', 'i',       // text meta in between
      0x83, 0x60, 62, 0,                      // running status note-on velocity 0
      0x00, 0xFF, 0x2F, 0x00}));
  REQUIRE(score.tracks.size() == 1);
  CHECK(notesOf(score.tracks[0]).at(0).second == Note{0, 480, 62, 80, 0});
}

TEST_CASE("overlapping notes of one pitch pair first in, first out") {
  // on@0, on@240, off@480, off@960: the first off closes the oldest note.
  const Score score = midigpt::readMidi(singleTrackFile({
      0x00, 0x90, 60, 100,        //
      0x81, 0x70, 0x90, 60, 50,   // +240
      0x81, 0x70, 0x80, 60, 0,    // +240 -> 480
      0x83, 0x60, 0x80, 60, 0,    // +480 -> 960
      0x00, 0xFF, 0x2F, 0x00}));
  const auto notes = notesOf(score.tracks.at(0));
  REQUIRE(notes.size() == 2);
  CHECK(notes[0].second == Note{0, 480, 60, 100, 0});
  CHECK(notes[1].second == Note{240, 720, 60, 50, 0});
}

TEST_CASE("a program change splits a channel into two tracks ordered by program") {
  const Score score = midigpt::readMidi(singleTrackFile({
      0x00, 0xC0, 40,                   // program 40
      0x00, 0x90, 60, 100,              //
      0x83, 0x60, 0x80, 60, 0,          // +480
      0x00, 0xC0, 5,                    // program 5
      0x00, 0x90, 62, 100,              //
      0x83, 0x60, 0x80, 62, 0,          //
      0x00, 0x99, 36, 100,              // drums on channel 10
      0x60, 0x89, 36, 0,                //
      0x00, 0xFF, 0x2F, 0x00}));
  REQUIRE(score.tracks.size() == 3);
  CHECK(score.tracks[0].instrument == 5);  // (channel 0, program 5) sorts first
  CHECK(score.tracks[1].instrument == 40);
  CHECK(score.tracks[2].type == TrackType::Drum);
  CHECK(notesOf(score.tracks[0]).at(0).second == Note{480, 480, 62, 100, 0});
  CHECK(notesOf(score.tracks[1]).at(0).second == Note{0, 480, 60, 100, 0});
  // Every track carries every bar.
  CHECK(score.tracks[0].bars.size() == score.tracks[2].bars.size());
}

TEST_CASE("zero-length notes are kept with the minimum duration, unclosed notes are dropped") {
  const Score score = midigpt::readMidi(singleTrackFile({
      0x00, 0x90, 60, 100,  //
      0x00, 0x80, 60, 0,    // zero length
      0x00, 0x90, 70, 100,  // never closed
      0x00, 0x80, 71, 0,    // stray note-off: ignored
      0x00, 0xFF, 0x2F, 0x00}));
  REQUIRE(score.tracks.size() == 1);
  const auto notes = notesOf(score.tracks[0]);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].second == Note{0, 1, 60, 100, 0});
}

TEST_CASE("sysex events are skipped and events after end-of-track ignored") {
  const Score score = midigpt::readMidi(singleTrackFile({
      0x00, 0xF0, 0x03, 0x7E, 0x7F, 0xF7,  // sysex
      0x00, 0xF7, 0x01, 0x00,              // escape sequence
      0x00, 0x90, 60, 100,                 //
      0x60, 0x80, 60, 0,                   //
      0x00, 0xFF, 0x2F, 0x00,              //
      0x00, 0x90, 61, 100}));              // after end of track
  REQUIRE(score.tracks.size() == 1);
  CHECK(notesOf(score.tracks[0]).size() == 1);
}

TEST_CASE("a note rounding onto the next bar line is dropped at low resolution") {
  // At 12 ticks per quarter a note at tick 1915 of a 1920-tick bar rounds to 48 = bar length.
  const Score score = midigpt::readMidi(
      singleTrackFile({0x8E, 0x7B, 0x90, 60, 100,  // 1915
                       0x83, 0x60, 0x80, 60, 0,    // +480
                       0x00, 0xFF, 0x2F, 0x00}),
      12);
  REQUIRE(score.tracks.size() == 1);
  CHECK(notesOf(score.tracks[0]).empty());
  CHECK(score.tracks[0].bars.size() == 2);
}

TEST_CASE("time signatures: later events at one tick win and the earliest tempo is kept") {
  const Score score = midigpt::readMidi(singleTrackFile({
      0x00, 0xFF, 0x51, 0x03, 0x07, 0xA1, 0x20,  // 500000
      0x00, 0xFF, 0x58, 0x04, 4, 2, 24, 8,       // 4/4
      0x00, 0xFF, 0x58, 0x04, 3, 2, 24, 8,       // 3/4 replaces it
      0x00, 0xFF, 0x51, 0x03, 0x0F, 0x42, 0x40,  // 1000000 at the same tick: not the first
      0x00, 0x90, 60, 100,                       //
      0x8B, 0x20, 0x80, 60, 0,                   // +1440 = one 3/4 bar
      0x00, 0xFF, 0x2F, 0x00}));
  CHECK(score.tempo == 500000);
  REQUIRE(score.tracks.size() == 1);
  REQUIRE(score.tracks[0].bars.size() == 1);
  CHECK(score.tracks[0].bars[0].tsNumerator == 3);
  CHECK(score.tracks[0].bars[0].beatLength == 3.0);
}

TEST_CASE("a lyric creates a note-less track like the reference") {
  const Score score = midigpt::readMidi(singleTrackFile({
      0x00, 0xFF, 0x05, 0x02, 'l', 'a',  //
      0x00, 0xFF, 0x2F, 0x00}));
  REQUIRE(score.tracks.size() == 1);
  CHECK(score.tracks[0].type == TrackType::Melodic);
  CHECK(notesOf(score.tracks[0]).empty());
}

TEST_CASE("malformed files raise InvalidMidi with a precise message") {
  SUBCASE("bad header magic") {
    requireInvalidMidi({'R', 'I', 'F', 'F', 0, 0, 0, 6, 0, 0, 0, 1, 1, 0xE0}, "MThd");
  }
  SUBCASE("too short for a header") {
    requireInvalidMidi({'M', 'T', 'h', 'd', 0, 0}, "fewer than");
  }
  SUBCASE("unsupported format") { requireInvalidMidi(header(3, 0, 480), "format 3"); }
  SUBCASE("SMPTE division") { requireInvalidMidi(header(1, 0, 0xE250), "SMPTE"); }
  SUBCASE("absurd chunk length") {
    Bytes file = header(0, 1, 480);
    file.insert(file.end(), {'M', 'T', 'r', 'k', 0x7F, 0xFF, 0xFF, 0xFF, 0x00, 0xFF, 0x2F, 0x00});
    requireInvalidMidi(file, "declares 2147483647 bytes");
  }
  SUBCASE("file truncated inside an event") {
    Bytes file = singleTrackFile({0x00, 0x90, 60, 100, 0x60, 0x80, 60, 0, 0x00, 0xFF, 0x2F, 0x00});
    file.resize(file.size() - 6);
    requireInvalidMidi(file, "declares 12 bytes");
  }
  SUBCASE("chunk ending inside an event") {
    requireInvalidMidi(singleTrackFile({0x00, 0x90, 60}), "truncated channel message data");
  }
  SUBCASE("truncated chunk header") {
    Bytes file = header(1, 2, 480);
    appendTrack(file, {0x00, 0xFF, 0x2F, 0x00});
    file.insert(file.end(), {'M', 'T', 'r'});
    requireInvalidMidi(file, "truncated chunk header");
  }
  SUBCASE("data byte without running status") {
    requireInvalidMidi(singleTrackFile({0x00, 60, 100}), "without a running status");
  }
  SUBCASE("meta event longer than its chunk") {
    requireInvalidMidi(singleTrackFile({0x00, 0xFF, 0x01, 0x10, 'x'}), "meta event data");
  }
  SUBCASE("five-byte delta time") {
    requireInvalidMidi(singleTrackFile({0x81, 0x81, 0x81, 0x81, 0x01, 0x90, 60, 1}),
                       "longer than 4 bytes");
  }
  SUBCASE("data byte with the high bit set") {
    requireInvalidMidi(singleTrackFile({0x00, 0x90, 0x80, 100}), "high bit");
  }
  SUBCASE("short tempo event") {
    requireInvalidMidi(singleTrackFile({0x00, 0xFF, 0x51, 0x01, 0x07}), "tempo meta event");
  }
  SUBCASE("unusable time signature denominator") {
    requireInvalidMidi(singleTrackFile({0x00, 0xFF, 0x58, 0x04, 4, 9, 24, 8}), "2^9");
  }
  SUBCASE("event time past the int32 tick range") {
    Bytes events;
    for (int i = 0; i < 9; ++i) {  // nine deltas of 2^28 - 1 ticks, each with an empty text
      events.insert(events.end(), {0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0x01, 0x00});
    }
    requireInvalidMidi(singleTrackFile(events), "exceeds the limit");
  }
  SUBCASE("no bar has a positive length") {
    requireInvalidMidi(singleTrackFile({0x00, 0xFF, 0x58, 0x04, 0, 2, 24, 8,  // 0/4 at tick 0
                                        0x00, 0x90, 60, 100, 0x60, 0x80, 60, 0}),
                       "no bars");
  }
  SUBCASE("too many tracks times bars") {
    // 11 channels sounding through 99999 one-tick bars: 1.1 million track bars.
    Bytes events = {0x00, 0xFF, 0x58, 0x04, 1, 7, 24, 8};
    for (uint8_t channel = 0; channel < 11; ++channel) {
      events.insert(events.end(), {0x00, static_cast<uint8_t>(0x90 | channel), 60, 100});
    }
    events.insert(events.end(), {0x83, 0x86, 0x4F, 0x80, 60, 0});  // +49999
    for (uint8_t channel = 1; channel < 11; ++channel) {
      events.insert(events.end(), {0x00, static_cast<uint8_t>(0x80 | channel), 60, 0});
    }
    requireInvalidMidi(singleTrackFile(events, 32), "track bars");
  }
  SUBCASE("too long for the target resolution") {
    // 255/1 bars at one tick per quarter; a note of 5,000,000 quarters is 2.4e9 ticks at 480.
    requireInvalidMidi(singleTrackFile({0x00, 0xFF, 0x58, 0x04, 255, 0, 24, 8,  //
                                        0x00, 0x90, 60, 100,                    //
                                        0x82, 0xB1, 0x96, 0x40, 0x80, 60, 0}, 1),
                       "too long");
  }
  SUBCASE("too many bars") {
    // 1/128 bars at 32 ticks per quarter are one tick long; a note ending at 2^24 needs 2^24.
    requireInvalidMidi(singleTrackFile({0x00, 0xFF, 0x58, 0x04, 1, 7, 24, 8,  //
                                        0x00, 0x90, 60, 100,                  //
                                        0x88, 0x80, 0x80, 0x00, 0x80, 60, 0}, 32),
                       "more than 50000 bars");
  }
}

TEST_CASE("a file without tracks needs no bars") {
  // A far-away time signature with one-tick bars would exceed the bar limit if bars were built.
  const Score score = midigpt::readMidi(singleTrackFile(
      {0x00, 0xFF, 0x58, 0x04, 1, 7, 24, 8, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0x58, 0x04, 1, 7, 24, 8},
      32));
  CHECK(score.tracks.empty());
}

TEST_CASE("readMidi rejects a non-positive resolution") {
  try {
    (void)midigpt::readMidi(readBytes(kShared / "midi" / "empty.mid"), 0);
    FAIL("expected InvalidArgument");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::InvalidArgument);
  }
}

TEST_CASE("a ticks-per-quarter of 0 falls back to 480") {
  const Score score = midigpt::readMidi(singleTrackFile(
      {0x00, 0x90, 60, 100, 0x83, 0x60, 0x80, 60, 0, 0x00, 0xFF, 0x2F, 0x00}, 0), 12);
  CHECK(notesOf(score.tracks.at(0)).at(0).second == Note{0, 12, 60, 100, 0});
}

TEST_CASE("a hand-built score survives write and read unchanged") {
  Score score;
  score.resolution = 480;
  score.tempo = 428571;
  auto makeBars = [](std::initializer_list<std::vector<Note>> barNotes) {
    std::vector<Bar> bars;
    int index = 0;
    for (const auto& notes : barNotes) {
      Bar bar;
      const bool waltz = index++ >= 2;  // two bars of 4/4, then 3/4
      bar.tsNumerator = waltz ? 3 : 4;
      bar.beatLength = waltz ? 3.0 : 4.0;
      bar.notes = notes;
      bars.push_back(bar);
    }
    return bars;
  };
  Track piano;
  piano.instrument = 0;
  piano.bars = makeBars({{{0, 480, 60, 100, 0}, {0, 960, 64, 90, 0}, {480, 2400, 60, 80, 0}},
                         {{1440, 480, 67, 70, 0}},
                         {{0, 1, 72, 127, 0}, {960, 480, 72, 1, 0}},
                         {}});
  Track bass;
  bass.instrument = 33;
  bass.bars = makeBars({{{0, 1920, 36, 100, 0}}, {}, {{480, 480, 40, 100, 0}}, {}});
  Track drums;
  drums.type = TrackType::Drum;
  drums.instrument = 0;
  drums.bars =
      makeBars({{{0, 120, 36, 110, 0}, {0, 120, 42, 90, 0}}, {}, {}, {{960, 120, 38, 100, 0}}});
  score.tracks = {piano, bass, drums};
  const Score back = roundTrip(score);
  CHECK_MESSAGE(back == score, firstDifference(back, score));
}

TEST_CASE("trailing empty bars survive a round trip") {
  Score score;
  Track track;
  track.bars.resize(5);
  track.bars[0].notes.push_back(Note{0, 480, 60, 100, 0});
  score.tracks.push_back(track);
  const Score back = roundTrip(score);
  CHECK_MESSAGE(back == score, firstDifference(back, score));
}

TEST_CASE("reading the written golden pieces is a fixed point") {
  for (const char* name : {"Aicha.mid", "edge_time_sig_change.mid", "POP909_010.mid",
                           "edge_cross_bar_sustain.mid", "Maestro_3.mid",
                           "6338816_Etude_No._4.mid"}) {
    CAPTURE(name);
    for (const int32_t resolution : {480, 12}) {
      CAPTURE(resolution);
      const Score read = midigpt::readMidi(readBytes(kShared / "midi" / name), resolution);
      const Score once = roundTrip(read);
      // The writer drops deltas and tracks without notes cannot be written back; apart from
      // that the first round trip keeps the score.
      Score expected = read;
      std::erase_if(expected.tracks, [](const Track& t) {
        return std::all_of(t.bars.begin(), t.bars.end(),
                           [](const Bar& b) { return b.notes.empty(); });
      });
      for (Track& t : expected.tracks) {
        for (Bar& b : t.bars) {
          for (Note& n : b.notes) n.delta = 0;
        }
      }
      if (resolution == 480) CHECK_MESSAGE(once == expected, firstDifference(once, expected));
      const Score twice = roundTrip(once);
      CHECK_MESSAGE(twice == once, firstDifference(twice, once));
    }
  }
}

TEST_CASE("the writer lays out a standard format 1 file") {
  Score score;
  score.resolution = 96;
  Track drums;
  drums.type = TrackType::Drum;
  drums.instrument = 0;
  drums.bars.resize(1);
  drums.bars[0].notes.push_back(Note{0, 0, 36, 100, 0});
  Track lead;
  lead.instrument = 81;
  lead.bars.resize(1);
  lead.bars[0].notes.push_back(Note{0, 96, 60, 100, 0});
  lead.bars[0].notes.push_back(Note{96, 96, 60, 90, 0});
  score.tracks = {drums, lead};
  const Bytes bytes = midigpt::writeMidi(score);
  const Bytes expected = {
      'M', 'T', 'h', 'd', 0, 0, 0, 6, 0, 1, 0, 3, 0, 96,
      'M', 'T', 'r', 'k', 0, 0, 0, 19,
      0x00, 0xFF, 0x51, 0x03, 0x07, 0xA1, 0x20,  // tempo 500000
      0x00, 0xFF, 0x58, 0x04, 4, 2, 24, 8,       // 4/4
      0x00, 0xFF, 0x2F, 0x00,
      'M', 'T', 'r', 'k', 0, 0, 0, 15,
      0x00, 0xC9, 0,                             // drums: channel 10
      0x00, 0x99, 36, 100, 0x00, 0x89, 36, 100,  // zero-length note: on then its own off
      0x00, 0xFF, 0x2F, 0x00,
      'M', 'T', 'r', 'k', 0, 0, 0, 23,
      0x00, 0xC1, 81,                            // second track: channel 2 (k = 1)
      0x00, 0x91, 60, 100,
      0x60, 0x81, 60, 100,                       // off before the next on at the same tick
      0x00, 0x91, 60, 90,
      0x60, 0x81, 60, 90,
      0x00, 0xFF, 0x2F, 0x00};
  CHECK(bytes == expected);
  // Zero-length notes come back with the reader's minimum duration.
  const Score back = midigpt::readMidi(bytes, 96);
  CHECK(notesOf(back.tracks.at(0)).at(0).second == Note{0, 1, 36, 100, 0});
  CHECK(notesOf(back.tracks.at(1)).size() == 2);
}

TEST_CASE("writeMidi rejects invalid scores") {
  const auto requireInvalidScore = [](const Score& score, const std::string& fragment) {
    try {
      (void)midigpt::writeMidi(score);
      FAIL("expected InvalidScore containing \"" << fragment << "\"");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::InvalidScore);
      CHECK_MESSAGE(e.detail().find(fragment) != std::string::npos, e.detail());
    }
  };
  Score valid;
  valid.tracks.emplace_back().bars.resize(1);
  valid.tracks[0].bars[0].notes.push_back(Note{0, 480, 60, 100, 0});
  CHECK_NOTHROW((void)midigpt::writeMidi(valid));

  Score s = valid;
  s.tracks[0].bars[0].tsDenominator = 6;
  requireInvalidScore(s, "not a power of two");
  s = valid;
  s.tracks[0].bars[0].notes[0].pitch = 128;
  requireInvalidScore(s, "pitch 128");
  s = valid;
  s.tracks[0].bars[0].notes[0].velocity = -1;
  requireInvalidScore(s, "velocity -1");
  s = valid;
  s.tracks[0].bars[0].notes[0].onset = -5;
  requireInvalidScore(s, "onset -5");
  s = valid;
  s.tracks[0].instrument = 200;
  requireInvalidScore(s, "instrument 200");
  s = valid;
  s.resolution = 0;
  requireInvalidScore(s, "resolution 0");
  s = valid;
  s.tempo = 1 << 24;
  requireInvalidScore(s, "tempo");
  s = valid;
  s.tracks[0].bars[0].beatLength = -1.0;
  requireInvalidScore(s, "beat length");
  s = valid;
  s.tracks[0].bars[0].notes[0].duration = 0x7FFFFFFF;
  requireInvalidScore(s, "writable limit");
}

TEST_CASE("crash regressions only ever succeed or raise midigpt::Error") {
  if (!std::filesystem::exists(kCrashers)) return;
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kCrashers)) {
    if (!entry.is_regular_file() || entry.path().extension() == ".md") continue;
    ++files;
    CAPTURE(entry.path().filename().string());
    const Bytes bytes = readBytes(entry.path());
    for (const int32_t resolution : {480, 12}) {
      try {
        const Score score = midigpt::readMidi(bytes, resolution);
        const Score back = midigpt::readMidi(midigpt::writeMidi(score), score.resolution);
        CHECK(back.resolution == resolution);
      } catch (const Error&) {
        // Rejecting the input is fine; any other exception escapes and fails the test.
      }
    }
  }
  MESSAGE(files << " crash regression files checked");
}
