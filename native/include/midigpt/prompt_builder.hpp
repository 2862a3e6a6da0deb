// One generation step's model prompt and its result (reference spec §6.7 steps 2-8, §6.8): the
// attributes the prompt conditions on, which bars the model sees, the prompt tokens with the
// spans hidden from attention, and the decoded step spliced back into the whole piece.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "midigpt/generation_request.hpp"
#include "midigpt/score.hpp"
#include "midigpt/step_planner.hpp"
#include "midigpt/tokenizer.hpp"

namespace midigpt {

/// Fixes for reference behaviour that §12 recommends or that loses data. Every one is off by
/// default, so that prompts and results match the reference's (and the golden fixtures).
struct PromptOptions {
  /// §12.4 [REC]: an autoregressive prompt ends after the last context bar's BarEnd, so the
  /// model's next token is the target's Bar, as in training. The reference instead pops that
  /// BarEnd (and pops empty trailing context bars entirely), letting the model add notes to a
  /// bar the user did not ask to change.
  bool closeLastContextBar = false;
  /// §12.2 [REC]: window bar k is conditioned on its own bar attributes. The reference keys bar
  /// attributes by absolute bar index but reads them by window index, so with a window starting
  /// at bar s > 0 bar k shows the attributes of absolute bar k instead of s + k.
  bool windowLocalBarAttributes = false;
  /// The result changes nothing but the step's target bars: every other bar, and every track's
  /// instrument and attributes and the tempo, are the input's. The reference re-decodes the
  /// whole window, so context bars come back with quantised velocities (all 0 with expressive,
  /// §12.5), instruments become group representatives and the tempo 500000 (§12.16), notes the
  /// model appended to an open context bar stay (§12.4), and in remove mode the tracks with
  /// removed bars come back shorter, every later bar shifted left (§12.21).
  bool keepUntouchedBars = false;
  /// §12.1: emit PitchClassSet bar attributes (EncodeOptions::emitPitchClassSet).
  bool emitPitchClassSet = false;
};

/// §6.7 steps 2-3: the score with the attributes a step's prompt conditions on. For every track
/// whose prompt is not full autoregressive, the analyzer's track and bar levels computed on the
/// whole score at its own resolution (over existing values), then the prompt's `attributes` and
/// `bar_attributes` over those. Full-autoregressive tracks keep their attributes: their
/// requested levels are sampling constraints instead. Expects a validated request.
Score withStepAttributes(const Score& score, const GenerationRequest& request,
                         const EncoderConfig& config);

/// §6.7 step 4: within the step's window, every prompt's track shows each bar that is neither a
/// target nor in its mask_bars. This overrides the planner, so ignored tracks and the
/// non-target bars of autoregressive tracks become context (§12.12).
GenerationStep withContextPatch(const GenerationStep& step, const GenerationRequest& request);

/// What a step shows of each prompt's track: 'T' target, 'C' context, and for hidden bars 'A'
/// in the attention modes or 'M' in the others (the reference's prompt_state_sink payload).
struct PromptTrackState {
  int32_t id = 0;
  bool agent = false;  // the prompt is autoregressive
  std::string states;  // one letter per window bar
  bool operator==(const PromptTrackState&) const = default;
};

struct PromptStateSnapshot {
  int32_t startBar = 0;
  int32_t endBar = 0;
  std::vector<PromptTrackState> tracks;  // in request order
  bool operator==(const PromptStateSnapshot&) const = default;
};

/// The snapshot of a context-patched step.
PromptStateSnapshot promptStateSnapshot(const GenerationStep& patchedStep,
                                        const GenerationRequest& request, MaskMode mode);

/// A half-open range of prompt positions.
struct TokenRange {
  int32_t begin = 0;
  int32_t end = 0;
  bool operator==(const TokenRange&) const = default;
};

/// The reference SessionState's prompt side: built once per step attempt, then asked whether
/// the generated tokens complete the step and for the resulting score.
class StepPrompt {
 public:
  /// `score`: the whole piece at the encoder grid (Tokenizer::normalizeInput), carrying the
  /// step's attributes; `step`: the context-patched step. The tokenizer must outlive this.
  StepPrompt(const Tokenizer& tokenizer, const Score& score, const GenerationStep& step,
             MaskMode mode, const PromptOptions& options = {});

  /// The step as given (absolute bar indices).
  const GenerationStep& step() const noexcept { return step_; }
  MaskMode maskMode() const noexcept { return mode_; }
  bool autoregressive() const noexcept { return step_.autoregressive; }
  size_t targetCount() const noexcept { return step_.barsToGenerate.size(); }

  /// The model prompt: the window encoded, then trimmed to where generation starts (inside or
  /// after the agent track for autoregressive steps, after the first FillInStart for infill).
  const std::vector<int32_t>& tokens() const noexcept { return tokens_; }
  /// `Bar ... BarEnd` of every hidden bar shell (attention modes only), ascending.
  const std::vector<TokenRange>& hiddenSpans() const noexcept { return hiddenSpans_; }
  /// The prompt positions attention may use: everything outside the hidden spans.
  std::vector<TokenRange> visibleRanges() const;
  /// attention_skip's prefill: the visible tokens and their positions in the full prompt.
  std::vector<int32_t> skipInputIds() const;
  std::vector<int32_t> skipPositionIds() const;
  /// Infill: whether each fill block, in generation order, belongs to a drum track.
  const std::vector<bool>& fillDrumFlags() const noexcept { return fillDrumFlags_; }
  /// Infill: the length in grid ticks (resolution * 4 * num / den) of each fill block's bar.
  const std::vector<int32_t>& fillBarTicks() const noexcept { return fillBarTicks_; }

  /// The place (0-based) of score track `track` among the prompt's Track tokens: its index,
  /// except that an autoregressive step encodes its agent last and the tracks after it one
  /// place earlier.
  int32_t promptTrack(int32_t track) const noexcept;

  /// Autoregressive: the last generated token ends the track (TrackEnd or PieceEnd). Infill:
  /// as many FillInEnd tokens as targets were generated.
  bool complete(std::span<const int32_t> generated) const;

  /// Decodes prompt + generated tokens and splices the bars outside the window back around
  /// them: the whole piece with absolute bar indices, at the encoder grid. Tracks and bars in
  /// the window come from the decoded tokens (instruments as group representatives, velocities
  /// quantised, default tempo); the bars outside it are the input's, unchanged. With
  /// keepUntouchedBars, only the target bars come from the tokens.
  Score result(std::span<const int32_t> generated, const DecodeOptions& options = {}) const;

 private:
  const Tokenizer& tokenizer_;
  GenerationStep step_;
  MaskMode mode_;
  PromptOptions options_;
  std::vector<int32_t> tokens_;
  std::vector<TokenRange> hiddenSpans_;
  std::vector<bool> fillDrumFlags_;
  std::vector<int32_t> fillBarTicks_;
  int32_t movedAgent_ = -1;  // original index of an agent track encoded last, else -1
  std::vector<std::vector<Bar>> prefixBars_;  // per track: bars before the window
  std::vector<std::vector<Bar>> suffixBars_;  // per track: bars after the window
  /// keepUntouchedBars only: the input, and per track in encoding order which window bars the
  /// prompt left out (remove mode), to find each target among the decoded bars.
  Score input_;
  std::vector<std::vector<bool>> removedBars_;

  Score untouchedResult(const Score& decoded) const;
};

/// §6.7 steps 2-8 for one planned step: step attributes on `score` (any resolution), context
/// patch, normalisation to the encoder grid, and the prompt in the request's mask mode.
StepPrompt buildStepPrompt(const Tokenizer& tokenizer, const Score& score,
                           const GenerationRequest& request, const GenerationStep& step,
                           const PromptOptions& options = {});

}  // namespace midigpt
