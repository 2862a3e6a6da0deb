// The step planner (reference spec §6.5).

#include "midigpt/step_planner.hpp"

#include <algorithm>
#include <string>

#include "midigpt/error.hpp"

namespace midigpt {
namespace {

using BoolGrid = std::vector<std::vector<bool>>;

class Planner {
 public:
  Planner(const SelectionMask& mask, int32_t modelDim, int32_t barsPerStep, int32_t tracksPerStep)
      : mask_(mask),
        tracks_(mask.trackCount()),
        bars_(mask.barCount()),
        modelDim_(std::max(modelDim, 1)),
        barsPerStep_(std::clamp(barsPerStep == 0 ? modelDim_ : barsPerStep, 1, modelDim_)),
        tracksPerStep_(std::clamp(tracksPerStep, 1, std::max(tracks_, 1))),
        generated_(grid()) {}

  std::vector<GenerationStep> plan() {
    std::vector<GenerationStep> steps;
    runPass(true, steps);
    runPass(false, steps);
    return steps;
  }

 private:
  BoolGrid grid() const {
    return BoolGrid(static_cast<size_t>(tracks_), std::vector<bool>(static_cast<size_t>(bars_)));
  }

  void runPass(bool autoregressive, std::vector<GenerationStep>& steps) {
    // The pass's candidates: selected bars of the tracks generated in this mode.
    BoolGrid selected = grid();
    std::vector<bool> hasSelection(static_cast<size_t>(tracks_), false);
    for (int32_t t = 0; t < tracks_; ++t) {
      const auto tt = static_cast<size_t>(t);
      if (mask_.ignore[tt] || mask_.autoregressive[tt] != autoregressive) continue;
      for (int32_t b = 0; b < bars_; ++b) {
        const auto bb = static_cast<size_t>(b);
        selected[tt][bb] = mask_.selected[tt][bb];
        if (selected[tt][bb]) hasSelection[tt] = true;
      }
    }
    // Context bars before the targets: all the window left of the kernel for autoregressive
    // steps, half of what the kernel leaves for infill steps (targets sit mid-window).
    const int32_t leadingContext =
        autoregressive ? modelDim_ - barsPerStep_ : (modelDim_ - barsPerStep_) / 2;
    const int32_t lastWindowStart = std::max(0, bars_ - modelDim_);

    for (int32_t firstTrack = 0; firstTrack < tracks_; firstTrack += tracksPerStep_) {
      const int32_t trackEnd = firstTrack + std::min(tracksPerStep_, tracks_ - firstTrack);
      for (int32_t position = 0; position < bars_; position += barsPerStep_) {
        // The window start and the window-local bars [kernelBegin, kernelEnd) generated here.
        int32_t start = 0;
        int32_t kernelBegin = 0;
        int32_t kernelEnd = 0;
        if (autoregressive) {
          // Near the end the window stops sliding; the kernel then starts further right.
          const int32_t overhang = std::max(position + modelDim_ - bars_, 0);
          start = std::min(position, lastWindowStart);
          kernelBegin = position > 0 ? leadingContext + overhang : 0;
          kernelEnd = modelDim_;
        } else {
          start = std::clamp(position - leadingContext, 0, lastWindowStart);
          kernelBegin = position - start;
          kernelEnd = std::min(modelDim_, kernelBegin + barsPerStep_);
        }
        const int32_t end = std::min(start + modelDim_, bars_);

        GenerationStep step;
        step.startBar = start;
        step.endBar = end;
        step.autoregressive = autoregressive;
        step.context = grid();
        for (int32_t t = firstTrack; t < trackEnd; ++t) {
          for (int32_t b = start; b < end; ++b) {
            const int32_t local = b - start;
            const auto tt = static_cast<size_t>(t);
            const auto bb = static_cast<size_t>(b);
            if (!selected[tt][bb] || local < kernelBegin || local >= kernelEnd) continue;
            if (autoregressive && generated_[tt][bb]) continue;
            step.barsToGenerate.emplace_back(t, b);
          }
        }
        for (int32_t t = 0; t < tracks_; ++t) {
          const auto tt = static_cast<size_t>(t);
          for (int32_t b = start; b < end; ++b) {
            const auto bb = static_cast<size_t>(b);
            // Autoregressive tracks see exactly what earlier steps generated for them.
            step.context[tt][bb] = autoregressive && hasSelection[tt]
                                       ? static_cast<bool>(generated_[tt][bb])
                                       : !mask_.ignore[tt] && !step.isTarget(t, b);
          }
        }
        if (!step.barsToGenerate.empty()) {
          finish(step);
          steps.push_back(step);
        }
        for (const auto& [t, b] : step.barsToGenerate) {
          generated_[static_cast<size_t>(t)][static_cast<size_t>(b)] = true;
        }
      }
    }
  }

  /// Fills the step's track list and the targets' local coordinates.
  static void finish(GenerationStep& step) {
    for (size_t t = 0; t < step.context.size(); ++t) {
      const auto track = static_cast<int32_t>(t);
      bool involved = false;
      for (int32_t b = step.startBar; b < step.endBar && !involved; ++b) {
        involved = step.context[t][static_cast<size_t>(b)] || step.isTarget(track, b);
      }
      if (involved) step.trackIndices.push_back(track);
    }
    for (const auto& [track, bar] : step.barsToGenerate) {
      const auto found = std::find(step.trackIndices.begin(), step.trackIndices.end(), track);
      step.barMapping.push_back({static_cast<int32_t>(found - step.trackIndices.begin()),
                                 bar - step.startBar, track, bar});
    }
  }

  const SelectionMask& mask_;
  const int32_t tracks_;
  const int32_t bars_;
  const int32_t modelDim_;
  const int32_t barsPerStep_;
  const int32_t tracksPerStep_;
  BoolGrid generated_;  // targets of the steps planned so far
};

}  // namespace

int32_t SelectionMask::barCount() const noexcept {
  return selected.empty() ? 0 : static_cast<int32_t>(selected.front().size());
}

SelectionMask selectionMask(const GenerationRequest& request, const Score& score) {
  size_t barCount = 0;
  for (const Track& track : score.tracks) barCount = std::max(barCount, track.bars.size());
  SelectionMask mask;
  mask.selected.assign(score.tracks.size(), std::vector<bool>(barCount, false));
  mask.autoregressive.assign(score.tracks.size(), false);
  mask.ignore.assign(score.tracks.size(), false);
  for (const TrackPrompt& prompt : request.tracks) {
    if (prompt.id < 0 || static_cast<size_t>(prompt.id) >= score.tracks.size()) continue;
    const auto track = static_cast<size_t>(prompt.id);
    mask.autoregressive[track] = prompt.autoregressive;
    mask.ignore[track] = prompt.ignore;
    for (int32_t bar : prompt.bars) {
      if (bar >= 0 && static_cast<size_t>(bar) < score.tracks[track].bars.size()) {
        mask.selected[track][static_cast<size_t>(bar)] = true;
      }
    }
  }
  return mask;
}

bool GenerationStep::isTarget(int32_t track, int32_t bar) const {
  return std::binary_search(barsToGenerate.begin(), barsToGenerate.end(),
                            std::pair<int32_t, int32_t>(track, bar));
}

std::vector<GenerationStep> planSteps(const SelectionMask& mask, int32_t modelDim,
                                      int32_t barsPerStep, int32_t tracksPerStep) {
  const size_t tracks = mask.selected.size();
  bool rowsMatch = mask.autoregressive.size() == tracks && mask.ignore.size() == tracks;
  for (const std::vector<bool>& row : mask.selected) {
    rowsMatch = rowsMatch && row.size() == mask.selected.front().size();
  }
  if (!rowsMatch) {
    throw Error(ErrorCode::InvalidArgument,
                "selection mask: selected, autoregressive and ignore need one row per track (" +
                    std::to_string(tracks) + ") and equally long rows");
  }
  return Planner(mask, modelDim, barsPerStep, tracksPerStep).plan();
}

}  // namespace midigpt
