// Standard MIDI File reading into the score model and writing back (reference spec §2).
//
// Reading has two stages that mirror the reference pipeline:
//   1. parseSmf() decodes the file with the event and track semantics of symusic, the MIDI
//      library behind the reference reader (spec §2.1), producing tick-level raw tracks;
//   2. buildScore() applies the reference MidiReader's bar splitting and quantisation (§2.2).
// Every read is bounds-checked and every count is capped, so hostile input ends in
// Error(InvalidMidi) rather than an out-of-bounds read, unbounded allocation or overflow.

#include "midigpt/midi_io.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <unordered_map>

#include "midigpt/error.hpp"
#include "midigpt/rounding.hpp"

namespace midigpt {
namespace {

// ---------------------------------------------------------------------------------------------
// Limits

// The reference keeps ticks in int32, so later events cannot be represented.
constexpr int64_t kMaxEventTick = std::numeric_limits<int32_t>::max();
constexpr size_t kMaxNotes = size_t{1} << 24;
// 50,000 bars of 4/4 last 27 hours at 120 BPM: far beyond music, short enough to stay fast.
constexpr size_t kMaxBars = 50000;
// Every track carries every bar, so memory grows with tracks x bars.
constexpr size_t kMaxTrackBars = size_t{1} << 19;
// Largest tick a score may reach at the target resolution. Half the int32 range leaves room for
// the sums (bar start + onset + duration) that the reader and the writer form.
constexpr double kMaxScoreTick = std::numeric_limits<int32_t>::max() / 2;
// Largest tick the writer emits: any delta between two events then fits a 4-byte VLQ.
constexpr int64_t kMaxWriteTick = 0x0FFFFFFF;

constexpr int32_t kFallbackTicksPerQuarter = 480;  // used when the header says 0 (§2.2)
constexpr int32_t kDefaultTempo = 500000;          // microseconds per quarter, 120 bpm
constexpr uint8_t kDrumChannel = 9;
constexpr uint8_t kLyricChannel = 15;  // symusic files lyrics under the channel of status 0xFF

std::string hexByte(uint8_t value) {
  constexpr char kDigits[] = "0123456789ABCDEF";
  return std::string("0x") + kDigits[value >> 4] + kDigits[value & 0x0F];
}

std::string atOffset(size_t offset) { return " at byte offset " + std::to_string(offset); }

[[noreturn]] void failMidi(const std::string& message) {
  throw Error(ErrorCode::InvalidMidi, message);
}

[[noreturn]] void failScore(const std::string& message) {
  throw Error(ErrorCode::InvalidScore, message);
}

/// Reads big-endian fields and variable-length quantities from [begin, end) of the file; every
/// read is checked against `end`, and offsets in messages are file offsets.
class Cursor {
 public:
  Cursor(std::span<const uint8_t> file, size_t begin, size_t end)
      : file_(file), pos_(begin), end_(end) {}

  bool atEnd() const { return pos_ >= end_; }
  size_t offset() const { return pos_; }

  uint8_t peek(const char* what) const {
    require(1, what);
    return file_[pos_];
  }

  uint8_t byte(const char* what) {
    require(1, what);
    return file_[pos_++];
  }

  uint32_t bigEndian(size_t count, const char* what) {
    require(count, what);
    uint32_t value = 0;
    for (size_t i = 0; i < count; ++i) value = (value << 8) | file_[pos_ + i];
    pos_ += count;
    return value;
  }

  /// A MIDI variable-length quantity: at most 4 bytes, 7 bits each.
  uint32_t varLen(const char* what) {
    const size_t start = pos_;
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      const uint8_t b = byte(what);
      value = (value << 7) | (b & 0x7F);
      if ((b & 0x80) == 0) return value;
    }
    failMidi(std::string(what) + " is a variable-length quantity longer than 4 bytes" +
             atOffset(start));
  }

  std::span<const uint8_t> take(uint32_t count, const char* what) {
    require(count, what);
    const auto data = file_.subspan(pos_, count);
    pos_ += count;
    return data;
  }

 private:
  void require(size_t count, const char* what) const {
    if (count > end_ - pos_) {
      failMidi("truncated " + std::string(what) + atOffset(pos_) + ": needs " +
               std::to_string(count) + " bytes, " + std::to_string(end_ - pos_) +
               " left before byte offset " + std::to_string(end_));
    }
  }

  std::span<const uint8_t> file_;
  size_t pos_;
  size_t end_;
};

// ---------------------------------------------------------------------------------------------
// Stage 1: events and tracks (symusic semantics, spec §2.1)

struct RawNote {
  int64_t time = 0;
  int64_t duration = -1;  // -1 while the note is still open
  uint8_t pitch = 0;
  uint8_t velocity = 0;
};

struct RawTrack {
  uint8_t program = 0;
  bool drum = false;
  std::vector<RawNote> notes;  // note-on order
};

struct TimeSignatureEvent {
  int64_t tick = 0;
  int32_t numerator = 4;
  int32_t denominator = 4;
};

struct TempoEvent {
  int64_t tick = 0;
  int32_t microsPerQuarter = kDefaultTempo;
};

struct SmfContent {
  int32_t ticksPerQuarter = 0;
  std::vector<RawTrack> tracks;
  std::vector<TimeSignatureEvent> timeSignatures;
  std::vector<TempoEvent> tempos;
};

/// Decodes one MTrk chunk. symusic creates one track per (channel, current program) the moment
/// a note-on (or a lyric) needs it; controller and pitch-bend events that arrive before their
/// track exists are parked per channel and handed to the next track created on that channel.
/// A track is kept when it holds a note-on or any such event, even if all its notes stay
/// unclosed — this is how the reference ends up with note-less tracks (e.g. a lyrics track).
class TrackChunkParser {
 public:
  TrackChunkParser(SmfContent& content, size_t& noteCount)
      : content_(content), noteCount_(noteCount) {}

  void parse(Cursor cursor) {
    int64_t tick = 0;
    uint8_t runningStatus = 0;
    while (!cursor.atEnd()) {
      tick += cursor.varLen("delta time");
      if (tick > kMaxEventTick) {
        failMidi("event time " + std::to_string(tick) + " ticks exceeds the limit of " +
                 std::to_string(kMaxEventTick) + atOffset(cursor.offset()));
      }
      const size_t eventOffset = cursor.offset();
      const uint8_t lead = cursor.peek("event status");
      if (lead == 0xFF) {
        cursor.byte("meta event");
        const uint8_t type = cursor.byte("meta event type");
        const uint32_t length = cursor.varLen("meta event length");
        const auto data = cursor.take(length, "meta event data");
        if (type == 0x2F) break;  // end of track: like the reference, ignore the chunk's rest
        handleMeta(type, data, tick, eventOffset);
      } else if (lead == 0xF0 || lead == 0xF7) {
        cursor.byte("sysex event");
        cursor.take(cursor.varLen("sysex length"), "sysex data");
      } else if (lead > 0xF0) {
        // System common/real-time messages do not belong in files; skip them by their fixed
        // size, as lenient readers do, and leave running status alone.
        cursor.byte("system message");
        cursor.take(systemMessageDataLength(lead, eventOffset), "system message data");
      } else {
        uint8_t status = runningStatus;
        if (lead & 0x80) {
          status = cursor.byte("status byte");
          runningStatus = status;
        } else if (runningStatus == 0) {
          failMidi("data byte " + hexByte(lead) + " without a running status" +
                   atOffset(eventOffset));
        }
        const int dataCount = ((status & 0xE0) == 0xC0) ? 1 : 2;  // Cx, Dx carry one byte
        std::array<uint8_t, 2> data{};
        for (int i = 0; i < dataCount; ++i) {
          const size_t dataOffset = cursor.offset();
          data[i] = cursor.byte("channel message data");
          if (data[i] & 0x80) {
            failMidi("channel message " + hexByte(status) + " has data byte " +
                     hexByte(data[i]) + " with the high bit set" + atOffset(dataOffset));
          }
        }
        handleChannelMessage(status, data, tick);
      }
    }
    finish();
  }

 private:
  struct PendingTrack {
    bool hasOtherEvents = false;  // controllers, pitch bends or a non-empty lyric
    std::vector<RawNote> notes;
  };
  struct OpenNote {
    PendingTrack* track;
    size_t index;
  };
  struct OpenNoteQueue {  // FIFO: the oldest open note of a (channel, pitch) closes first
    std::vector<OpenNote> items;
    size_t head = 0;
  };

  static uint32_t systemMessageDataLength(uint8_t status, size_t offset) {
    switch (status) {
      case 0xF1:  // MTC quarter frame
      case 0xF3:  // song select
        return 1;
      case 0xF2:  // song position pointer
        return 2;
      case 0xF6: case 0xF8: case 0xFA: case 0xFB: case 0xFC: case 0xFE:
        return 0;
      default:
        failMidi("undefined status byte " + hexByte(status) + atOffset(offset));
    }
  }

  static uint16_t trackKey(uint8_t channel, uint8_t program) {
    return static_cast<uint16_t>((channel << 7) | program);
  }

  PendingTrack& trackForNewEvent(uint8_t channel) {
    const auto [it, created] = tracks_.try_emplace(trackKey(channel, program_[channel]));
    if (created) {
      it->second.hasOtherEvents = parkedEvents_[channel];
      parkedEvents_[channel] = false;
    }
    return it->second;
  }

  void recordOtherEvent(uint8_t channel) {
    const auto it = tracks_.find(trackKey(channel, program_[channel]));
    if (it != tracks_.end()) {
      it->second.hasOtherEvents = true;
    } else {
      parkedEvents_[channel] = true;
    }
  }

  void noteOn(uint8_t channel, uint8_t pitch, uint8_t velocity, int64_t tick) {
    if (++noteCount_ > kMaxNotes) {
      failMidi("more than " + std::to_string(kMaxNotes) + " notes");
    }
    PendingTrack& track = trackForNewEvent(channel);
    track.notes.push_back(RawNote{tick, -1, pitch, velocity});
    openNotes_[trackKey(channel, pitch)].items.push_back(OpenNote{&track, track.notes.size() - 1});
  }

  void noteOff(uint8_t channel, uint8_t pitch, int64_t tick) {
    const auto it = openNotes_.find(trackKey(channel, pitch));
    if (it == openNotes_.end()) return;  // nothing open: ignored
    OpenNoteQueue& queue = it->second;
    if (queue.head == queue.items.size()) return;
    const OpenNote open = queue.items[queue.head++];
    if (queue.head == queue.items.size()) {
      queue.items.clear();
      queue.head = 0;
    }
    RawNote& note = open.track->notes[open.index];
    note.duration = tick - note.time;
  }

  void handleChannelMessage(uint8_t status, const std::array<uint8_t, 2>& data, int64_t tick) {
    const auto channel = static_cast<uint8_t>(status & 0x0F);
    switch (status & 0xF0) {
      case 0x90:
        if (data[1] != 0) {
          noteOn(channel, data[0], data[1], tick);
          break;
        }
        [[fallthrough]];  // velocity 0 is a note-off
      case 0x80:
        noteOff(channel, data[0], tick);
        break;
      case 0xC0:
        program_[channel] = data[0];
        break;
      case 0xB0:
      case 0xE0:
        recordOtherEvent(channel);
        break;
      default:  // aftertouch: unused
        break;
    }
  }

  void handleMeta(uint8_t type, std::span<const uint8_t> data, int64_t tick, size_t offset) {
    switch (type) {
      case 0x51: {
        if (data.size() < 3) {
          failMidi("tempo meta event with " + std::to_string(data.size()) +
                   " data bytes (expected 3)" + atOffset(offset));
        }
        const int32_t micros = (data[0] << 16) | (data[1] << 8) | data[2];
        content_.tempos.push_back(TempoEvent{tick, micros});
        break;
      }
      case 0x58: {
        if (data.size() < 2) {
          failMidi("time signature meta event with " + std::to_string(data.size()) +
                   " data bytes (expected 4)" + atOffset(offset));
        }
        // The reference keeps the denominator in a byte, so 2^7 is the largest it can hold.
        if (data[1] > 7) {
          failMidi("time signature denominator 2^" + std::to_string(data[1]) +
                   " is not supported (at most 2^7)" + atOffset(offset));
        }
        content_.timeSignatures.push_back(TimeSignatureEvent{tick, data[0], 1 << data[1]});
        break;
      }
      case 0x05: {
        PendingTrack& track = trackForNewEvent(kLyricChannel);
        if (!data.empty()) track.hasOtherEvents = true;
        break;
      }
      default:
        break;
    }
  }

  void finish() {
    for (auto& [key, track] : tracks_) {  // map order = (channel, program) ascending
      if (track.notes.empty() && !track.hasOtherEvents) continue;
      std::erase_if(track.notes, [](const RawNote& note) { return note.duration < 0; });
      const auto channel = static_cast<uint8_t>(key >> 7);
      content_.tracks.push_back(RawTrack{static_cast<uint8_t>(key & 0x7F),
                                         channel == kDrumChannel, std::move(track.notes)});
    }
  }

  SmfContent& content_;
  size_t& noteCount_;
  std::map<uint16_t, PendingTrack> tracks_;  // std::map: stable addresses for OpenNote
  std::unordered_map<uint16_t, OpenNoteQueue> openNotes_;
  std::array<uint8_t, 16> program_{};
  std::array<bool, 16> parkedEvents_{};
};

std::string chunkName(std::span<const uint8_t> id) {
  std::string name;
  for (const uint8_t c : id) {
    if (c >= 0x20 && c < 0x7F) {
      name += static_cast<char>(c);
    } else {
      name += "\\x" + hexByte(c).substr(2);
    }
  }
  return name;
}

SmfContent parseSmf(std::span<const uint8_t> bytes) {
  constexpr size_t kHeaderSize = 14;
  if (bytes.size() < kHeaderSize) {
    failMidi("file has " + std::to_string(bytes.size()) +
             " bytes, fewer than the 14-byte MThd header");
  }
  Cursor header(bytes, 0, bytes.size());
  const auto magic = header.take(4, "MThd chunk id");
  if (!std::equal(magic.begin(), magic.end(), "MThd")) {
    failMidi("not a Standard MIDI File: expected \"MThd\" at byte offset 0, found \"" +
             chunkName(magic) + "\"");
  }
  const uint32_t headerLength = header.bigEndian(4, "MThd length");
  if (headerLength < 6 || headerLength > bytes.size() - 8) {
    failMidi("MThd chunk length " + std::to_string(headerLength) + " is invalid (file has " +
             std::to_string(bytes.size()) + " bytes)");
  }
  const uint32_t format = header.bigEndian(2, "MIDI format");
  if (format > 2) {
    failMidi("unsupported MIDI file format " + std::to_string(format) + atOffset(8));
  }
  const uint32_t declaredTracks = header.bigEndian(2, "track count");
  const uint32_t division = header.bigEndian(2, "time division");
  if (division & 0x8000) {
    failMidi("SMPTE time division " + hexByte(static_cast<uint8_t>(division >> 8)) +
             hexByte(static_cast<uint8_t>(division & 0xFF)).substr(2) +
             " is not supported (only ticks per quarter note)" + atOffset(12));
  }

  SmfContent content;
  content.ticksPerQuarter = static_cast<int32_t>(division);
  size_t noteCount = 0;
  size_t pos = 8 + size_t{headerLength};
  // Like the reference, read up to the declared number of MTrk chunks, skipping chunks of other
  // types, and stop quietly at the end of the file.
  for (uint32_t tracksRead = 0; tracksRead < declaredTracks && pos < bytes.size();) {
    Cursor chunkHeader(bytes, pos, bytes.size());
    const auto id = chunkHeader.take(4, "chunk header");
    const uint32_t length = chunkHeader.bigEndian(4, "chunk header");
    const size_t dataStart = pos + 8;
    if (length > bytes.size() - dataStart) {
      failMidi("chunk \"" + chunkName(id) + "\"" + atOffset(pos) + " declares " +
               std::to_string(length) + " bytes but only " +
               std::to_string(bytes.size() - dataStart) + " remain in the file");
    }
    if (std::equal(id.begin(), id.end(), "MTrk")) {
      TrackChunkParser(content, noteCount).parse(Cursor(bytes, dataStart, dataStart + length));
      ++tracksRead;
    }
    pos = dataStart + length;
  }
  return content;
}

// ---------------------------------------------------------------------------------------------
// Stage 2: bars and quantisation (the reference MidiReader, spec §2.2)

struct BarGeometry {
  int64_t start = 0;   // file ticks
  int64_t length = 0;  // file ticks
  int32_t numerator = 4;
  int32_t denominator = 4;
};

struct TimeSignatureSegment {
  int64_t barLength = 0;
  int32_t numerator = 4;
  int32_t denominator = 4;
};

void addBar(std::vector<BarGeometry>& bars, const BarGeometry& bar) {
  if (bars.size() >= kMaxBars) {
    failMidi("the piece spans more than " + std::to_string(kMaxBars) + " bars");
  }
  bars.push_back(bar);
}

/// Bars of every time-signature segment (§2.2 step 3).
std::vector<BarGeometry> splitIntoBars(const std::vector<TimeSignatureEvent>& timeSignatures,
                                       int64_t ticksPerQuarter, int64_t maxTick) {
  // Later events at the same tick overwrite earlier ones.
  std::map<int64_t, TimeSignatureSegment> segments;
  for (const auto& ts : timeSignatures) {
    segments[ts.tick] = {ticksPerQuarter * 4 * ts.numerator / ts.denominator, ts.numerator,
                         ts.denominator};
  }
  segments.try_emplace(0, TimeSignatureSegment{ticksPerQuarter * 4, 4, 4});

  std::vector<BarGeometry> bars;
  for (auto it = segments.begin(); it != segments.end(); ++it) {
    // No structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
    const int64_t segmentStart = it->first;
    const TimeSignatureSegment& segment = it->second;
    if (segment.barLength <= 0) continue;
    const auto barAt = [&segment](int64_t start) {
      return BarGeometry{start, segment.barLength, segment.numerator, segment.denominator};
    };
    const auto next = std::next(it);
    if (next != segments.end()) {
      // A bar may nominally run past the next change; the next segment still starts there.
      for (int64_t start = segmentStart; start < next->first; start += segment.barLength) {
        addBar(bars, barAt(start));
      }
    } else {
      int64_t start = segmentStart;
      do {  // at least one bar, so an empty piece still has one
        addBar(bars, barAt(start));
        start += segment.barLength;
      } while (start < maxTick);
    }
  }
  return bars;
}

/// The bar a tick falls in: the last bar starting at or before it. A tick before the first bar
/// is attributed to bar 0 with length 0, as the reference's lookup does.
struct BarLookup {
  size_t index = 0;
  int64_t length = 0;
};

BarLookup locateBar(const std::vector<int64_t>& barStarts, const std::vector<BarGeometry>& bars,
                    int64_t tick) {
  const auto after = std::upper_bound(barStarts.begin(), barStarts.end(), tick);
  if (after == barStarts.begin()) return {0, 0};
  const auto index = static_cast<size_t>(after - barStarts.begin()) - 1;
  return {index, bars[index].length};
}

Score buildScore(SmfContent content, int32_t resolution) {
  const int64_t tpq =
      content.ticksPerQuarter > 0 ? content.ticksPerQuarter : kFallbackTicksPerQuarter;
  const double tpqD = static_cast<double>(tpq);
  const double resolutionD = static_cast<double>(resolution);

  // symusic sorts meta events by time; ties keep file order.
  const auto byTick = [](const auto& a, const auto& b) { return a.tick < b.tick; };
  std::stable_sort(content.timeSignatures.begin(), content.timeSignatures.end(), byTick);
  std::stable_sort(content.tempos.begin(), content.tempos.end(), byTick);

  Score score;
  score.resolution = resolution;
  score.tempo = content.tempos.empty() ? kDefaultTempo : content.tempos.front().microsPerQuarter;

  // Bars live inside tracks, so a piece without tracks needs no bar geometry.
  if (content.tracks.empty()) return score;

  int64_t maxTick = 0;
  for (const auto& track : content.tracks) {
    for (const auto& note : track.notes) maxTick = std::max(maxTick, note.time + note.duration);
  }
  for (const auto& ts : content.timeSignatures) maxTick = std::max(maxTick, ts.tick);

  const std::vector<BarGeometry> bars = splitIntoBars(content.timeSignatures, tpq, maxTick);
  if (bars.empty()) {
    failMidi("no bars: every time signature has a bar length of 0 ticks");
  }
  if (content.tracks.size() > kMaxTrackBars / bars.size()) {
    failMidi(std::to_string(content.tracks.size()) + " tracks x " +
             std::to_string(bars.size()) + " bars exceed the limit of " +
             std::to_string(kMaxTrackBars) + " track bars");
  }
  const int64_t lastTick = std::max(maxTick, bars.back().start + bars.back().length);
  if (resolutionD * static_cast<double>(lastTick) / tpqD > kMaxScoreTick) {
    failMidi("the piece is too long: " + std::to_string(lastTick) + " ticks at " +
             std::to_string(tpq) + " per quarter exceed the tick range at resolution " +
             std::to_string(resolution));
  }

  std::vector<int64_t> barStarts;
  std::vector<double> barTargetStarts;  // running sum in target ticks, as the reference keeps it
  Bar emptyBar;
  std::vector<Bar> emptyBars;
  double targetStart = 0.0;
  for (const auto& bar : bars) {
    barStarts.push_back(bar.start);
    barTargetStarts.push_back(targetStart);
    targetStart += resolutionD * static_cast<double>(bar.length) / tpqD;
    emptyBar.tsNumerator = bar.numerator;
    emptyBar.tsDenominator = bar.denominator;
    emptyBar.beatLength = static_cast<double>(bar.length) / tpqD;
    emptyBars.push_back(emptyBar);
  }

  score.tracks.reserve(content.tracks.size());
  for (const auto& rawTrack : content.tracks) {
    Track& track = score.tracks.emplace_back();
    track.instrument = rawTrack.program;
    track.type = rawTrack.drum ? TrackType::Drum : TrackType::Melodic;
    track.bars = emptyBars;
    for (const auto& rawNote : rawTrack.notes) {
      const BarLookup onsetBar = locateBar(barStarts, bars, rawNote.time);
      const double relative =
          static_cast<double>(rawNote.time - bars[onsetBar.index].start) / tpqD * resolutionD;
      int64_t onset = roundHalfAway(relative);
      // A note that rounds onto the next bar line is dropped, as in the original MIDI-GPT.
      const int64_t barLengthTarget =
          roundHalfAway(resolutionD * static_cast<double>(onsetBar.length) / tpqD);
      if (barLengthTarget > 0 && onset >= barLengthTarget) continue;
      onset = std::max<int64_t>(0, onset);

      const int64_t offTick = rawNote.time + rawNote.duration;
      const BarLookup offsetBar = locateBar(barStarts, bars, offTick);
      const int64_t offsetInBar = roundHalfAway(
          static_cast<double>(offTick - bars[offsetBar.index].start) / tpqD * resolutionD);
      const int64_t onsetAbsolute = roundHalfAway(barTargetStarts[onsetBar.index]) + onset;
      const int64_t offsetAbsolute =
          roundHalfAway(barTargetStarts[offsetBar.index]) + offsetInBar;

      Note note;
      note.onset = static_cast<int32_t>(onset);
      note.duration = static_cast<int32_t>(std::max<int64_t>(1, offsetAbsolute - onsetAbsolute));
      note.pitch = rawNote.pitch;
      note.velocity = rawNote.velocity;
      // Microtiming residual in 1/resolution of a grid cell (used by expressive encoders).
      note.delta =
          static_cast<int32_t>(roundHalfAway((relative - std::round(relative)) * resolutionD));
      track.bars[onsetBar.index].notes.push_back(note);
    }
  }
  return score;
}

// ---------------------------------------------------------------------------------------------
// Writing (spec §2.3)

// Melodic tracks cycle through every channel but the drum channel.
constexpr std::array<uint8_t, 15> kMelodicChannels{0, 1, 2, 3, 4, 5, 6, 7, 8,
                                                   10, 11, 12, 13, 14, 15};

bool isPowerOfTwo(int32_t value) { return value > 0 && (value & (value - 1)) == 0; }

int denominatorExponent(int32_t denominator) {
  int exponent = 0;
  while ((1 << exponent) < denominator) ++exponent;
  return exponent;
}

std::string notePlace(size_t track, size_t bar, size_t note) {
  return "track " + std::to_string(track) + " bar " + std::to_string(bar) + " note " +
         std::to_string(note);
}

void validateScore(const Score& score) {
  if (score.resolution < 1 || score.resolution > 0x7FFF) {
    failScore("resolution " + std::to_string(score.resolution) +
              " does not fit a MIDI header (1..32767 ticks per quarter)");
  }
  if (score.tempo < 0 || score.tempo > 0xFFFFFF) {
    failScore("tempo " + std::to_string(score.tempo) +
              " microseconds per quarter does not fit a MIDI tempo event (0..16777215)");
  }
  for (size_t t = 0; t < score.tracks.size(); ++t) {
    const Track& track = score.tracks[t];
    if (track.instrument < 0 || track.instrument > 127) {
      failScore("track " + std::to_string(t) + " has instrument " +
                std::to_string(track.instrument) + " outside 0..127");
    }
    if (track.type != TrackType::Melodic && track.type != TrackType::Drum) {
      failScore("track " + std::to_string(t) + " has an unknown track type " +
                std::to_string(static_cast<int32_t>(track.type)));
    }
    for (size_t b = 0; b < track.bars.size(); ++b) {
      const Bar& bar = track.bars[b];
      const std::string where = "track " + std::to_string(t) + " bar " + std::to_string(b);
      if (bar.tsNumerator < 1 || bar.tsNumerator > 255) {
        failScore(where + " has time signature numerator " + std::to_string(bar.tsNumerator) +
                  " outside 1..255");
      }
      if (!isPowerOfTwo(bar.tsDenominator) || bar.tsDenominator > 128) {
        failScore(where + " has time signature denominator " +
                  std::to_string(bar.tsDenominator) + ", not a power of two up to 128");
      }
      if (!std::isfinite(bar.beatLength) || bar.beatLength < 0.0) {
        failScore(where + " has an invalid beat length " + std::to_string(bar.beatLength));
      }
      for (size_t n = 0; n < bar.notes.size(); ++n) {
        const Note& note = bar.notes[n];
        if (note.pitch < 0 || note.pitch > 127 || note.velocity < 0 || note.velocity > 127) {
          failScore(notePlace(t, b, n) + " has pitch " + std::to_string(note.pitch) +
                    " and velocity " + std::to_string(note.velocity) + " (both must be 0..127)");
        }
        if (note.onset < 0 || note.duration < 0) {
          failScore(notePlace(t, b, n) + " has onset " + std::to_string(note.onset) +
                    " and duration " + std::to_string(note.duration) +
                    " (both must be non-negative)");
        }
      }
    }
  }
}

/// Builds one MTrk chunk; events must be appended in non-decreasing tick order.
class ChunkWriter {
 public:
  explicit ChunkWriter(std::vector<uint8_t>& out) : out_(out), lengthAt_(out.size() + 4) {
    const uint8_t header[8] = {'M', 'T', 'r', 'k', 0, 0, 0, 0};
    out_.insert(out_.end(), header, header + 8);
  }

  void event(int64_t tick, std::initializer_list<uint8_t> bytes) {
    writeVarLen(static_cast<uint32_t>(tick - lastTick_));
    lastTick_ = tick;
    out_.insert(out_.end(), bytes);
  }

  void finish() {
    event(lastTick_, {0xFF, 0x2F, 0x00});
    const size_t length = out_.size() - lengthAt_ - 4;
    for (size_t i = 0; i < 4; ++i) {
      out_[lengthAt_ + i] = static_cast<uint8_t>(length >> (8 * (3 - i)));
    }
  }

 private:
  void writeVarLen(uint32_t value) {
    uint8_t groups[4];
    int count = 0;
    do {
      groups[count++] = static_cast<uint8_t>(value & 0x7F);
      value >>= 7;
    } while (value != 0 && count < 4);
    while (count > 1) out_.push_back(static_cast<uint8_t>(groups[--count] | 0x80));
    out_.push_back(groups[0]);
  }

  std::vector<uint8_t>& out_;
  size_t lengthAt_;
  int64_t lastTick_ = 0;
};

struct NoteEvent {
  int64_t tick = 0;
  bool isOff = false;     // note-off of a note with positive duration
  bool zeroLength = false;  // note-on immediately followed by its own note-off
  uint8_t pitch = 0;
  uint8_t velocity = 0;
};

void checkWriteTick(int64_t tick, const std::string& what) {
  if (tick > kMaxWriteTick) {
    failScore(what + " ends at tick " + std::to_string(tick) + ", beyond the writable limit of " +
              std::to_string(kMaxWriteTick));
  }
}

}  // namespace

Score readMidi(std::span<const uint8_t> bytes, int32_t resolution) {
  if (resolution < 1) {
    throw Error(ErrorCode::InvalidArgument,
                "resolution must be positive, got " + std::to_string(resolution));
  }
  return buildScore(parseSmf(bytes), resolution);
}

std::vector<uint8_t> writeMidi(const Score& score) {
  validateScore(score);

  // Bar geometry comes from the first track with the most bars.
  const Track* reference = nullptr;
  for (const auto& track : score.tracks) {
    if (reference == nullptr || track.bars.size() > reference->bars.size()) reference = &track;
  }
  std::vector<int64_t> barStarts;
  struct TimeSignatureMark {
    int64_t tick;
    int32_t numerator;
    int32_t denominator;
  };
  std::vector<TimeSignatureMark> timeSignatures;
  if (reference != nullptr) {
    double position = 0.0;
    for (size_t i = 0; i < reference->bars.size(); ++i) {
      const Bar& bar = reference->bars[i];
      if (position > static_cast<double>(kMaxWriteTick)) {
        failScore("bar " + std::to_string(i) + " starts beyond the writable tick limit");
      }
      barStarts.push_back(roundHalfAway(position));
      if (i == 0 || bar.tsNumerator != reference->bars[i - 1].tsNumerator ||
          bar.tsDenominator != reference->bars[i - 1].tsDenominator) {
        timeSignatures.push_back({barStarts.back(), bar.tsNumerator, bar.tsDenominator});
      }
      position += static_cast<double>(score.resolution) * bar.beatLength;
    }
  }

  // Note events per track, sorted by tick. At equal ticks note-offs come first so that a reader
  // pairing notes first-in-first-out closes the earlier note before a new one opens.
  std::vector<std::vector<NoteEvent>> trackEvents;
  int64_t lastNoteEnd = 0;
  for (size_t t = 0; t < score.tracks.size(); ++t) {
    std::vector<NoteEvent>& events = trackEvents.emplace_back();
    const Track& track = score.tracks[t];
    for (size_t b = 0; b < track.bars.size(); ++b) {
      for (size_t n = 0; n < track.bars[b].notes.size(); ++n) {
        const Note& note = track.bars[b].notes[n];
        // A note-on with velocity 0 means note-off in MIDI, so such notes cannot be written.
        if (note.velocity == 0) continue;
        const int64_t on = barStarts[b] + note.onset;
        const int64_t off = on + note.duration;
        checkWriteTick(off, notePlace(t, b, n));
        lastNoteEnd = std::max(lastNoteEnd, off);
        const auto pitch = static_cast<uint8_t>(note.pitch);
        const auto velocity = static_cast<uint8_t>(note.velocity);
        events.push_back({on, false, note.duration == 0, pitch, velocity});
        if (note.duration > 0) events.push_back({off, true, false, pitch, velocity});
      }
    }
    std::stable_sort(events.begin(), events.end(), [](const NoteEvent& a, const NoteEvent& b) {
      return a.tick != b.tick ? a.tick < b.tick : (a.isOff && !b.isOff);
    });
  }

  // A reader makes bars only up to the last note end or time signature, so trailing empty bars
  // would be lost; restating the time signature at the last bar keeps the bar count.
  if (barStarts.size() > 1) {
    const int64_t lastBarStart = barStarts.back();
    const bool reached = lastBarStart < lastNoteEnd || lastBarStart <= timeSignatures.back().tick;
    if (!reached) {
      const Bar& lastBar = reference->bars.back();
      timeSignatures.push_back({lastBarStart, lastBar.tsNumerator, lastBar.tsDenominator});
    }
  }

  std::vector<uint8_t> out = {'M', 'T', 'h', 'd', 0, 0, 0, 6, 0, 1};
  const size_t chunkCount = score.tracks.size() + 1;  // conductor track first
  if (chunkCount > 0xFFFF) {
    failScore(std::to_string(score.tracks.size()) + " tracks exceed the MIDI limit of 65534");
  }
  out.push_back(static_cast<uint8_t>(chunkCount >> 8));
  out.push_back(static_cast<uint8_t>(chunkCount & 0xFF));
  out.push_back(static_cast<uint8_t>(score.resolution >> 8));
  out.push_back(static_cast<uint8_t>(score.resolution & 0xFF));

  ChunkWriter conductor(out);
  const auto tempo = static_cast<uint32_t>(score.tempo);
  conductor.event(0, {0xFF, 0x51, 0x03, static_cast<uint8_t>(tempo >> 16),
                      static_cast<uint8_t>(tempo >> 8), static_cast<uint8_t>(tempo)});
  for (const auto& ts : timeSignatures) {
    conductor.event(ts.tick, {0xFF, 0x58, 0x04, static_cast<uint8_t>(ts.numerator),
                              static_cast<uint8_t>(denominatorExponent(ts.denominator)),
                              24, 8});  // 24 clocks per metronome click, 8 32nds per quarter
  }
  conductor.finish();

  for (size_t t = 0; t < score.tracks.size(); ++t) {
    const Track& track = score.tracks[t];
    const uint8_t channel = track.type == TrackType::Drum
                                ? kDrumChannel
                                : kMelodicChannels[t % kMelodicChannels.size()];
    ChunkWriter chunk(out);
    chunk.event(0, {static_cast<uint8_t>(0xC0 | channel), static_cast<uint8_t>(track.instrument)});
    for (const NoteEvent& e : trackEvents[t]) {
      if (e.isOff) {
        chunk.event(e.tick, {static_cast<uint8_t>(0x80 | channel), e.pitch, e.velocity});
        continue;
      }
      chunk.event(e.tick, {static_cast<uint8_t>(0x90 | channel), e.pitch, e.velocity});
      if (e.zeroLength) {
        chunk.event(e.tick, {static_cast<uint8_t>(0x80 | channel), e.pitch, e.velocity});
      }
    }
    chunk.finish();
  }
  return out;
}

}  // namespace midigpt
