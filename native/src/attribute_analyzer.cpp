// Attribute computations of the reference's Python analyzer (reference spec §5.2). The released
// checkpoints were trained on these exact values, so every rounding rule, truncation and even the
// SilenceProportion offset bug is reproduced; comments name the Python expression mirrored.

#include "midigpt/attribute_analyzer.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "density_quantile_table.hpp"
#include "midigpt/error.hpp"
#include "midigpt/rounding.hpp"

namespace midigpt {

namespace {

/// counts[v] = how many times the value v occurs: a sorted list in compact form.
using Histogram = std::vector<int64_t>;

void addToHistogram(Histogram& counts, size_t value, int64_t times) {
  if (value >= counts.size()) counts.resize(value + 1, 0);
  counts[value] += times;
}

/// The reference's `quantile(x, [q])`: 0 for an empty list, else the element at sorted index
/// min(round(n*q), n-1) with Python's banker's rounding (n=10 -> 2 and 8 for q=0.15/0.85).
int64_t quantileIndex(int64_t n, double q) {
  return std::min(roundHalfEven(static_cast<double>(n) * q), n - 1);
}

int64_t quantile(const Histogram& counts, double q) {
  int64_t n = 0;
  for (int64_t count : counts) n += count;
  if (n == 0) return 0;
  const int64_t index = quantileIndex(n, q);
  int64_t seen = 0;
  for (size_t value = 0; value < counts.size(); ++value) {
    seen += counts[value];
    if (seen > index) return static_cast<int64_t>(value);
  }
  return static_cast<int64_t>(counts.size()) - 1;  // unreachable: index < n
}

double quantileFraction(QuantileMode mode) { return mode == QuantileMode::Min ? 0.15 : 0.85; }

bool isDrum(const Track& track) { return track.type == TrackType::Drum; }

// ---- Polyphony ---------------------------------------------------------------------------------

/// Half-open tick intervals [start, end) as sweep events (+1 at start, -1 at end).
class IntervalSweep {
 public:
  void add(int64_t start, int64_t end) {
    if (start >= end) return;
    events_.emplace_back(start, 1);
    events_.emplace_back(end, -1);
  }

  /// counts[k] = number of ticks covered by exactly k intervals, for k >= 1: the non-zero cells
  /// of the reference's piano roll, without allocating the roll itself.
  Histogram coverageHistogram() {
    std::sort(events_.begin(), events_.end());
    Histogram counts;
    int64_t depth = 0;
    int64_t previous = 0;
    for (const auto& [tick, change] : events_) {
      if (depth > 0 && tick > previous) addToHistogram(counts, static_cast<size_t>(depth),
                                                       tick - previous);
      depth += change;
      previous = tick;
    }
    return counts;
  }

 private:
  std::vector<std::pair<int64_t, int32_t>> events_;
};

/// Bar length used by the polyphony rolls: round(beat_length * resolution), banker's rounding.
int64_t rollBarLength(const Bar& bar, int32_t resolution) {
  return roundHalfEven(bar.beatLength * resolution);
}

/// Track level: bars laid end to end; every note covers [start, min(end, max_tick - 1)) where
/// max_tick is the latest note end, so the track's last tick is never counted.
Histogram trackPolyphony(const Track& track, int32_t resolution) {
  int64_t maxTick = 0;
  int64_t barStart = 0;
  for (const Bar& bar : track.bars) {
    for (const Note& note : bar.notes) {
      maxTick = std::max(maxTick, barStart + note.onset + note.duration);
    }
    barStart += rollBarLength(bar, resolution);
  }
  if (maxTick == 0) return {};
  IntervalSweep sweep;
  barStart = 0;
  for (const Bar& bar : track.bars) {
    for (const Note& note : bar.notes) {
      const int64_t start = barStart + note.onset;
      // Onsets are never negative in a valid score; clipping keeps a malformed one in the roll.
      sweep.add(std::max<int64_t>(start, 0), std::min(start + note.duration, maxTick - 1));
    }
    barStart += rollBarLength(bar, resolution);
  }
  return sweep.coverageHistogram();
}

/// Bar level: a roll of the bar's length; notes clipped to [max(0, onset), min(end, len - 1)).
Histogram barPolyphony(const Bar& bar, int32_t resolution) {
  const int64_t length = rollBarLength(bar, resolution);
  if (bar.notes.empty() || length <= 0) return {};
  IntervalSweep sweep;
  for (const Note& note : bar.notes) {
    sweep.add(std::max<int64_t>(note.onset, 0),
              std::min<int64_t>(int64_t{note.onset} + note.duration, length - 1));
  }
  return sweep.coverageHistogram();
}

/// quantize(v) = clamp(int(v), 1, 10) - 1.
int32_t polyphonyLevel(const Histogram& counts, QuantileMode mode) {
  const int64_t voices = quantile(counts, quantileFraction(mode));
  return static_cast<int32_t>(std::clamp<int64_t>(voices, 1, 10) - 1);
}

// ---- Note duration -----------------------------------------------------------------------------

/// int(clamp(log2(max(q, 1e-6)) + 3, 0, 5)) with q the duration in quarter notes (1 for drums):
/// 0 = 32nd ... 5 = whole or longer.
size_t durationLevel(const Note& note, bool drum, int32_t resolution) {
  const double quarters =
      drum ? 1.0 : static_cast<double>(note.duration) / static_cast<double>(resolution);
  const double level = std::log2(std::max(quarters, 1e-6)) + 3.0;
  return static_cast<size_t>(truncate(std::clamp(level, 0.0, 5.0)));
}

void addDurationLevels(const Bar& bar, bool drum, int32_t resolution, Histogram& counts) {
  for (const Note& note : bar.notes) addToHistogram(counts, durationLevel(note, drum, resolution), 1);
}

// ---- Note density quantile ---------------------------------------------------------------------

/// Smallest bin b with count <= threshold[b]; the implied tenth threshold (2^30) caps it at 9.
int32_t densityBin(int64_t count, const Track& track) {
  size_t row = detail::kDensityTableDrumRow;
  if (!isDrum(track)) {
    // Unknown programs fall back to row 0, as the reference's dict lookup does.
    const bool known = track.instrument >= 0 && track.instrument < 128;
    row = known ? static_cast<size_t>(track.instrument) : 0;
  }
  const auto& thresholds = detail::kDensityThresholds[row];
  const auto below = std::count_if(thresholds.begin(), thresholds.end(),
                                   [count](int32_t threshold) { return count > threshold; });
  return static_cast<int32_t>(below);
}

/// Track level: round(notes / max(non-empty bars, 1)) with banker's rounding.
int32_t trackDensityBin(const Track& track) {
  int64_t notes = 0;
  int64_t nonEmptyBars = 0;
  for (const Bar& bar : track.bars) {
    notes += static_cast<int64_t>(bar.notes.size());
    if (!bar.notes.empty()) ++nonEmptyBars;
  }
  const double average =
      static_cast<double>(notes) / static_cast<double>(std::max<int64_t>(nonEmptyBars, 1));
  return densityBin(roundHalfEven(average), track);
}

// ---- Key signature -----------------------------------------------------------------------------

constexpr std::array<double, 12> kMajorProfile = {6.35, 2.23, 3.48, 2.33, 4.38, 4.09,
                                                  2.52, 5.19, 2.39, 3.66, 2.29, 2.88};
constexpr std::array<double, 12> kMinorProfile = {6.33, 2.68, 3.52, 5.38, 2.60, 3.53,
                                                  2.54, 4.75, 3.98, 2.69, 3.34, 3.17};
constexpr int32_t kNoKey = 24;

/// Key of the whole score (every track, drums included): duration-weighted pitch-class profile of
/// the sounding notes correlated with the major and minor profiles; the first maximum wins.
int32_t scoreKeySignature(const Score& score) {
  std::array<double, 12> weights{};
  int64_t totalWeight = 0;
  for (const Track& track : score.tracks) {
    for (const Bar& bar : track.bars) {
      for (const Note& note : bar.notes) {
        if (note.velocity <= 0) continue;
        weights[static_cast<size_t>(((note.pitch % 12) + 12) % 12)] += note.duration;
        totalWeight += note.duration;
      }
    }
  }
  if (totalWeight == 0) return kNoKey;
  std::array<double, 24> scores{};
  for (size_t tonic = 0; tonic < 12; ++tonic) {
    for (size_t pc = 0; pc < 12; ++pc) {  // summed in pitch-class order, as the reference does
      const size_t degree = (pc + 12 - tonic) % 12;
      scores[tonic] += kMajorProfile[degree] * weights[pc];
      scores[12 + tonic] += kMinorProfile[degree] * weights[pc];
    }
  }
  const auto best = std::max_element(scores.begin(), scores.end());  // first maximum
  return static_cast<int32_t>(best - scores.begin());
}

// ---- Pitch range -------------------------------------------------------------------------------

int32_t pitchRange(const Track& track) {
  int32_t lowest = 0;
  int32_t highest = 0;
  bool any = false;
  for (const Bar& bar : track.bars) {
    for (const Note& note : bar.notes) {
      lowest = any ? std::min(lowest, note.pitch) : note.pitch;
      highest = any ? std::max(highest, note.pitch) : note.pitch;
      any = true;
    }
  }
  return std::clamp(highest - lowest, 0, 127);
}

// ---- Silence proportion ------------------------------------------------------------------------

/// Mean over bars of the fraction of the bar's ticks covered by no note. Reproduces the
/// reference's bug: each bar-relative onset is shifted back by the summed length of the preceding
/// bars before clipping to [0, L], so from the second bar on notes barely cover their bar. The
/// released prism/expressive checkpoints were trained on these values (spec §5.2.6, §12.10).
double silenceProportion(const Track& track, int32_t resolution) {
  double sum = 0.0;
  int64_t counted = 0;
  int64_t precedingTicks = 0;
  std::vector<std::pair<int64_t, int64_t>> covered;
  for (const Bar& bar : track.bars) {
    // int(num * (resolution * 4 / den)): float division, then truncation.
    const int64_t length =
        bar.tsDenominator == 0
            ? 0
            : truncate(bar.tsNumerator * (static_cast<double>(resolution) * 4.0 /
                                          static_cast<double>(bar.tsDenominator)));
    if (length <= 0) continue;
    ++counted;
    if (bar.notes.empty()) {
      sum += 1.0;
      precedingTicks += length;
      continue;
    }
    covered.clear();
    for (const Note& note : bar.notes) {
      const int64_t start = note.onset - precedingTicks;
      const int64_t clippedStart = std::clamp<int64_t>(start, 0, length);
      const int64_t clippedEnd = std::clamp<int64_t>(start + note.duration, 0, length);
      if (clippedStart < clippedEnd) covered.emplace_back(clippedStart, clippedEnd);
    }
    std::sort(covered.begin(), covered.end());
    int64_t coveredTicks = 0;
    int64_t reach = 0;  // end of the union so far
    for (const auto& [start, end] : covered) {
      const int64_t from = std::max(start, reach);
      if (end > from) coveredTicks += end - from;
      reach = std::max(reach, end);
    }
    sum += static_cast<double>(length - coveredTicks) / static_cast<double>(length);
    precedingTicks += length;
  }
  return counted == 0 ? 0.0 : sum / static_cast<double>(counted);
}

/// quantize(v) = clamp(int(v * 10), 0, 9).
int32_t silenceLevel(double proportion) {
  return static_cast<int32_t>(std::clamp<int64_t>(truncate(proportion * 10.0), 0, 9));
}

// ---- Pitch class set, onset polyphony ----------------------------------------------------------

int32_t pitchClassCount(const Bar& bar) {
  uint32_t classes = 0;
  for (const Note& note : bar.notes) classes |= 1u << (((note.pitch % 12) + 12) % 12);
  return std::popcount(classes);
}

/// Largest number of notes sharing one onset in any bar.
int32_t onsetPolyphony(const Track& track) {
  int64_t most = 0;
  std::vector<int32_t> onsets;
  for (const Bar& bar : track.bars) {
    onsets.clear();
    for (const Note& note : bar.notes) onsets.push_back(note.onset);
    std::sort(onsets.begin(), onsets.end());
    for (size_t i = 0; i < onsets.size();) {
      size_t j = i;
      while (j < onsets.size() && onsets[j] == onsets[i]) ++j;
      most = std::max<int64_t>(most, static_cast<int64_t>(j - i));
      i = j;
    }
  }
  return static_cast<int32_t>(std::min<int64_t>(most, 127));
}

// ---- NOMML -------------------------------------------------------------------------------------

constexpr int32_t kNommlLevels = 13;

/// Metrical depth of an onset: 2i when it falls on the grid of tpq/2^i (i = 0..5), else 2i+1 on
/// the triplet grid 2*tpq/(3*2^i), else 12. Float modulo, as the reference computes it.
size_t nommlDepth(int32_t onset, int32_t tpq) {
  for (int32_t i = 0; i < 6; ++i) {
    const double grid = static_cast<double>(tpq) / static_cast<double>(1 << i);
    if (std::fmod(static_cast<double>(onset), grid) == 0.0) return static_cast<size_t>(2 * i);
  }
  for (int32_t i = 0; i < 6; ++i) {
    const double grid = static_cast<double>(2 * tpq) / static_cast<double>(3 * (1 << i));
    if (std::fmod(static_cast<double>(onset), grid) == 0.0) return static_cast<size_t>(2 * i + 1);
  }
  return 12;
}

/// int(statistics.median(depths)) (mean of the middle pair for an even count, truncated);
/// 12 for a track without notes.
int32_t nomml(const Track& track, int32_t resolution) {
  std::array<int64_t, kNommlLevels> counts{};
  int64_t n = 0;
  for (const Bar& bar : track.bars) {
    for (const Note& note : bar.notes) {
      ++counts[nommlDepth(note.onset, resolution)];
      ++n;
    }
  }
  if (n == 0) return 12;
  const auto elementAt = [&counts](int64_t index) {
    int64_t seen = 0;
    for (size_t depth = 0; depth < counts.size(); ++depth) {
      seen += counts[depth];
      if (seen > index) return static_cast<int64_t>(depth);
    }
    return int64_t{12};  // unreachable: index < n
  };
  const int64_t median =
      n % 2 == 1 ? elementAt(n / 2) : (elementAt(n / 2 - 1) + elementAt(n / 2)) / 2;
  return static_cast<int32_t>(std::clamp<int64_t>(median, 0, 12));
}

// ---- Unused by the released encoders -----------------------------------------------------------

/// min(int(notes / bars), 127); 0 without bars.
int32_t noteDensity(const Track& track) {
  if (track.bars.empty()) return 0;
  int64_t notes = 0;
  for (const Bar& bar : track.bars) notes += static_cast<int64_t>(bar.notes.size());
  const double average = static_cast<double>(notes) / static_cast<double>(track.bars.size());
  return static_cast<int32_t>(std::min<int64_t>(truncate(average), 127));
}

/// Most common level clamp(int(log2(max(d / (res / 8), 1))), 0, 5) over notes with d > 0; ties go
/// to the level seen first (Counter.most_common); 3 (quarter) when there is no such note.
int32_t noteDurationMode(const Track& track, int32_t resolution) {
  std::array<int64_t, 6> counts{};
  std::array<int64_t, 6> firstSeen{};
  int64_t seenNotes = 0;
  for (const Bar& bar : track.bars) {
    for (const Note& note : bar.notes) {
      if (note.duration <= 0) continue;
      const double eighths = static_cast<double>(note.duration) / (resolution / 8.0);
      const auto level =
          static_cast<size_t>(std::clamp<int64_t>(truncate(std::log2(std::max(eighths, 1.0))),
                                                  0, 5));
      if (counts[level] == 0) firstSeen[level] = seenNotes;
      ++counts[level];
      ++seenNotes;
    }
  }
  if (seenNotes == 0) return 3;
  size_t best = 0;
  for (size_t level = 1; level < counts.size(); ++level) {
    const bool more = counts[level] > counts[best];
    const bool tieSeenEarlier = counts[level] == counts[best] && counts[level] > 0 &&
                                firstSeen[level] < firstSeen[best];
    if (more || tieSeenEarlier) best = level;
  }
  return static_cast<int32_t>(best);
}

// ---- Dispatch ----------------------------------------------------------------------------------

/// Per-score values shared by all tracks, computed at most once per annotate().
struct ScoreCache {
  std::optional<int32_t> keySignature;
};

void checkResolution(const Score& score) {
  if (score.resolution <= 0) {
    throw Error(ErrorCode::InvalidScore,
                "score resolution must be positive, got " + std::to_string(score.resolution));
  }
}

/// Level of `spec` for `track`. Bar-level quantile specs use bar `barIndex` (an index past the
/// last bar reads as an empty bar); PitchClassSet always reads a bar; the other kinds only exist
/// at track level and ignore `barIndex`.
int32_t computeLevel(const AttributeSpec& spec, const Score& score, const Track& track,
                     size_t barIndex, ScoreCache& cache) {
  static const Bar kEmptyBar;
  const Bar& bar = barIndex < track.bars.size() ? track.bars[barIndex] : kEmptyBar;
  const bool barLevel = spec.level == AttributeLevel::Bar;
  const int32_t resolution = score.resolution;
  switch (spec.kind) {
    case AttributeKind::PolyphonyQuantile:
      return polyphonyLevel(barLevel ? barPolyphony(bar, resolution)
                                     : trackPolyphony(track, resolution),
                            spec.mode);
    case AttributeKind::NoteDurationQuantile: {
      Histogram levels;
      if (barLevel) {
        addDurationLevels(bar, isDrum(track), resolution, levels);
      } else {
        for (const Bar& each : track.bars) addDurationLevels(each, isDrum(track), resolution, levels);
      }
      return static_cast<int32_t>(quantile(levels, quantileFraction(spec.mode)));
    }
    case AttributeKind::NoteDensityQuantile:
      return barLevel ? densityBin(static_cast<int64_t>(bar.notes.size()), track)
                      : trackDensityBin(track);
    case AttributeKind::KeySignature:
      if (!cache.keySignature) cache.keySignature = scoreKeySignature(score);
      return *cache.keySignature;
    case AttributeKind::PitchRange:
      return pitchRange(track);
    case AttributeKind::SilenceProportion:
      return silenceLevel(silenceProportion(track, resolution));
    case AttributeKind::PitchClassSet:
      return std::min(pitchClassCount(bar), 12);
    case AttributeKind::OnsetPolyphony:
      return onsetPolyphony(track);
    case AttributeKind::Nomml:
      return nomml(track, resolution);
    case AttributeKind::NoteDensity:
      return noteDensity(track);
    case AttributeKind::NoteDurationDistribution:
      return noteDurationMode(track, resolution);
  }
  throw Error(ErrorCode::InvalidArgument, "unknown attribute kind");
}

}  // namespace

std::optional<int32_t> AttributeAnalyzer::compute(const AttributeSpec& spec, const Score& score,
                                                  size_t track, size_t bar) const {
  if (track >= score.tracks.size()) {
    throw Error(ErrorCode::InvalidArgument, "track index " + std::to_string(track) +
                                                " out of range (score has " +
                                                std::to_string(score.tracks.size()) + " tracks)");
  }
  checkResolution(score);
  const Track& target = score.tracks[track];
  if (!spec.appliesTo(isDrum(target))) return std::nullopt;
  ScoreCache cache;
  return computeLevel(spec, score, target, bar, cache);
}

void AttributeAnalyzer::annotate(Score& score) const {
  checkResolution(score);
  ScoreCache cache;
  for (Track& track : score.tracks) {
    const bool drum = isDrum(track);
    for (const AttributeSpec& spec : config_.attributes) {
      if (!spec.appliesTo(drum)) continue;
      if (spec.level == AttributeLevel::Track) {
        track.attributes[spec.tokenType] = computeLevel(spec, score, track, 0, cache);
      } else {
        for (size_t b = 0; b < track.bars.size(); ++b) {
          track.bars[b].attributes[spec.tokenType] = computeLevel(spec, score, track, b, cache);
        }
      }
    }
  }
}

}  // namespace midigpt
