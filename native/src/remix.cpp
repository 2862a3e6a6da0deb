#include "midigpt/remix.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "midigpt/sampler.hpp"

namespace midigpt {
namespace {

/// `count` distinct indices of [0, n), drawn by a partial Fisher-Yates shuffle.
std::vector<bool> chosen(size_t n, size_t count, Rng& rng) {
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::vector<bool> picked(n, false);
  for (size_t i = 0; i < count && i < n; ++i) {
    const size_t j = i + static_cast<size_t>(rng.uniform() * static_cast<double>(n - i));
    std::swap(order[i], order[std::min(j, n - 1)]);
    picked[order[i]] = true;
  }
  return picked;
}

}  // namespace

std::string_view remixModeName(RemixMode mode) noexcept {
  return mode == RemixMode::Pitch ? "pitch" : "full";
}

std::optional<RemixMode> parseRemixMode(std::string_view name) {
  if (name == "pitch") return RemixMode::Pitch;
  if (name == "full") return RemixMode::Full;
  return std::nullopt;
}

std::vector<RemixNote> remixNotes(const Bar& gridBar, const Remix& remix, int32_t durationValues,
                                  int64_t seed) {
  std::vector<RemixNote> notes;
  for (const Note& note : gridBar.notes) {
    RemixNote kept;
    kept.onset = note.onset;
    kept.pitch = note.pitch;
    kept.durationValue = std::clamp(note.duration, 1, std::max(durationValues, 1)) - 1;
    notes.push_back(kept);
  }
  std::stable_sort(notes.begin(), notes.end(),
                   [](const RemixNote& a, const RemixNote& b) { return a.onset < b.onset; });
  Rng rng(seed >= 0 ? static_cast<uint64_t>(seed) : std::random_device{}());
  const auto count =
      static_cast<size_t>(std::lround(remix.amount * static_cast<double>(notes.size())));
  const std::vector<bool> pitches = chosen(notes.size(), count, rng);
  std::vector<bool> durations(notes.size(), false);
  if (remix.mode == RemixMode::Full) durations = chosen(notes.size(), count, rng);
  for (size_t i = 0; i < notes.size(); ++i) {
    notes[i].keepPitch = !pitches[i];
    notes[i].keepDuration = !durations[i];
  }
  return notes;
}

}  // namespace midigpt
