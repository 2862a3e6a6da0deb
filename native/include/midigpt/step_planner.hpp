// Splits a request into generation steps over windows of model_dim bars (reference spec §6.5).
#pragma once

#include <cstdint>
#include <vector>

#include "midigpt/generation_request.hpp"
#include "midigpt/score.hpp"

namespace midigpt {

/// Which bars of which tracks the request generates, over the whole score.
struct SelectionMask {
  std::vector<std::vector<bool>> selected;  // [track][bar]: the bar is in its prompt's bars
  std::vector<bool> autoregressive;         // [track]
  std::vector<bool> ignore;                 // [track]

  int32_t trackCount() const noexcept { return static_cast<int32_t>(selected.size()); }
  /// Bars per row (every row has the score's longest bar count).
  int32_t barCount() const noexcept;
  bool operator==(const SelectionMask&) const = default;
};

/// The mask of a validated request: one row per score track, bars outside a track ignored.
SelectionMask selectionMask(const GenerationRequest& request, const Score& score);

/// A target's place in the step: its position among the step's tracks and in its window.
struct BarMapping {
  int32_t localTrack = 0;  // index into GenerationStep::trackIndices
  int32_t localBar = 0;    // bar - startBar
  int32_t track = 0;
  int32_t bar = 0;
  bool operator==(const BarMapping&) const = default;
};

struct GenerationStep {
  int32_t startBar = 0;  // window [startBar, endBar), absolute bar indices
  int32_t endBar = 0;
  bool autoregressive = false;
  std::vector<int32_t> trackIndices;  // ascending: tracks with a target or context in the window
  /// Ascending (track, bar) pairs generated in this step.
  std::vector<std::pair<int32_t, int32_t>> barsToGenerate;
  std::vector<BarMapping> barMapping;  // one per target, in barsToGenerate order
  /// [track][bar] over the whole score: the bar is shown to the model with its notes. Bars of
  /// the window that are neither context nor target are hidden (encoded per the mask mode).
  std::vector<std::vector<bool>> context;

  bool isTarget(int32_t track, int32_t bar) const;
  bool operator==(const GenerationStep&) const = default;
};

/// The reference StepPlanner: every autoregressive step first, then the infill steps, each
/// pass sliding over track groups of tracks_per_step and bar positions of bars_per_step.
/// bars_per_step 0 means model_dim; both per-step counts are clamped to what fits.
std::vector<GenerationStep> planSteps(const SelectionMask& mask, int32_t modelDim,
                                      int32_t barsPerStep, int32_t tracksPerStep);

}  // namespace midigpt
