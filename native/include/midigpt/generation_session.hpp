// The model-agnostic generation loop (reference spec §6.6, §6.7, §6.9-§6.11): a session plans
// the steps of a request, hands the caller each step's model prompt, and turns the logits the
// caller computes into tokens, one call per generated token. The network itself runs outside
// the core (Java/libtorch); the session never sees it.
//
// Driving a session:
//
//   GenerationSession session(config, score, request);
//   while (session.status() == SessionStatus::NeedsPrefill ||
//          session.status() == SessionStatus::Generating) {
//     if (session.status() == SessionStatus::NeedsPrefill) {
//       logits = model.prefill(session.currentStep());     // fresh KV cache
//     } else {
//       logits = model.decode(lastToken);                  // one position, KV cache kept
//     }
//     lastToken = session.next(logits);                    // throws when the step fails
//   }
//   Score piece = session.result();
//
// Every generated token is visible to attention in every mask mode; only prompt positions can
// be hidden (StepInput::keyMask).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "midigpt/constraints.hpp"
#include "midigpt/encoder_config.hpp"
#include "midigpt/generation_request.hpp"
#include "midigpt/prompt_builder.hpp"
#include "midigpt/sampler.hpp"
#include "midigpt/score.hpp"
#include "midigpt/step_planner.hpp"
#include "midigpt/tokenizer.hpp"

namespace midigpt {

/// Choices the request does not make. The defaults keep every bar the user did not ask to
/// change, decode without the reference's data losses and avoid its constraint dead ends;
/// reference() reproduces the reference session instead.
struct SessionOptions {
  /// keepUntouchedBars on: the result changes the requested bars only.
  PromptOptions prompt{.keepUntouchedBars = true};
  DecodeOptions decode;
  /// Grammar recommendations of §12.6 and §12.7 (GrammarSettings); off as in the reference
  /// because they change which header tokens the model may write.
  bool modelAttributeOrder = false;
  bool exactBarLength = false;
  /// Constraint dead ends (§12.19, polyphony lead-ins): on, since where they differ the
  /// reference has no legal token left and its run crashes.
  bool densityRestartAtFillStart = true;
  bool polyphonyForbidLeadInsAtLimit = true;
  /// Onsets in a fill block only move forward, as inside bars: the reference lets a block
  /// return to an earlier onset (§12.19), stacking notes past polyphony_hard_limit.
  bool monotoneFillOnsets = true;
  /// Onsets in a fill block stay inside its bar, as inside bars: the reference does not limit
  /// them there (§12.19), so infilled notes could start in the following bars.
  bool fillOnsetsWithinBar = true;
  /// A generated bar must write its TimeSig before its notes (GrammarSettings::
  /// requireBarTimeSig): the reference lets it skip the token, and the bar then decodes as 4/4
  /// whatever meter was requested.
  bool requireBarTimeSig = true;
  /// Full-AR bar_attributes and bar_controls (e.g. a locked time signature) apply to the
  /// generated track's bars, found at its place in the prompt (StepPrompt::promptTrack). The
  /// reference uses the track's ordinal among the step's tracks (§12.18), which names another
  /// track, or none, whenever the generated track is not the last one of the score.
  bool barConstraintsOnPromptTrack = true;
  /// Infill steps write fill blocks only (GrammarSettings::fillBlocksOnly): the reference lets
  /// a model leave them after a FillInEnd and run into a dead end, which failed most multi-track
  /// steps (tracks_per_step > 1) of a random-weight model.
  bool fillBlocksOnly = true;
  /// The model's n_positions. > 0: a step whose prompt does not fit restarts the run with the
  /// next smaller model_dim (§6.6), and an attempt may generate at most
  /// contextLength - prompt - 1 tokens. 0: unknown, no overflow check.
  int32_t contextLength = 0;
  /// Tokens one attempt may generate at most (also under contextLength); an attempt that
  /// reaches it without completing the step is rejected and retried. The reference counts its
  /// budget over the whole run instead, so long runs end with steps that cannot generate
  /// anything (§12.14 [REC]).
  int32_t maxStepTokens = 8192;

  /// The reference's behaviour: whole-window results (§12.4, §12.16, §12.21), reference decode
  /// numerics (§12.5, §12.7) and its constraint dead ends.
  static SessionOptions reference();
};

enum class SessionStatus {
  NeedsPrefill,  // a step or a retry attempt is ready: prefill currentStep(), then call next()
  Generating,    // feed the token next() returned, then call next() with its logits
  Done,          // every step accepted; result() is the whole piece
  Cancelled,     // cancel() was called; result() holds the steps accepted before
  Failed,        // a step used up its attempts; failure() says why
};

/// Everything the model needs for one step's prefill.
struct StepInput {
  int32_t stepIndex = 0;  // 0-based, in planner order
  int32_t stepCount = 0;
  int32_t attempt = 0;    // 0-based; each retry resamples with seed + attempt
  int32_t modelDim = 0;   // the window length this plan uses
  MaskMode maskMode = MaskMode::Attention;
  /// The full prompt (what the constraints were fed).
  std::vector<int32_t> promptIds;
  /// What the prefill feeds and at which positions: the prompt at 0..n-1, or for
  /// attention_skip the visible tokens at their prompt positions.
  std::vector<int32_t> inputIds;
  std::vector<int32_t> positionIds;
  /// One entry per prompt position, 1 where attention may look. attention passes it on the
  /// prefill and every later call (extended with 1 per generated token); attention_approx on
  /// the prefill only, then overwrites the hidden positions' cached K/V. All ones otherwise.
  std::vector<uint8_t> keyMask;
  std::vector<TokenRange> hiddenSpans;
  /// Position id of the first generated token; later tokens increment it.
  int32_t nextPosition = 0;
  /// Tokens this attempt may generate before it is rejected.
  int32_t tokenBudget = 0;
  float temperature = 1.0f;
};

struct SessionProgress {
  int32_t step = 0;  // steps accepted so far
  int32_t stepCount = 0;
  int32_t attempt = 0;
  int32_t stepTokens = 0;   // generated in the current attempt
  int32_t totalTokens = 0;  // generated over the whole session, every attempt
  /// NoteOnset and NoteDuration tokens of the current attempt: a note can only have been
  /// completed when this moves, so a caller streaming draftNotes() need look only then.
  int32_t noteTokens = 0;
};

/// A note of a step target, in the piece's track and bar numbering.
struct PlacedNote {
  int32_t track = 0;
  int32_t bar = 0;
  Note note;
};

/// One finished attempt: accepted when `rejections` is empty.
struct AttemptRecord {
  int32_t step = 0;
  int32_t attempt = 0;
  int32_t tokens = 0;
  std::vector<std::string> rejections;
};

/// §6.6's checks of a step candidate against the score the step started from, on the request's
/// bars. Both scores must have the same resolution (the reference compares 480 with 1920
/// ticks, so its novelty check never fires on a first step, §12.15).
struct CandidateCheck {
  bool silent = false;     // no note in any of the step's target bars
  bool unchanged = false;  // every requested bar has the same sorted (pitch, onset) pairs
};
CandidateCheck checkCandidate(const Score& original, const Score& candidate,
                              const GenerationRequest& request, const GenerationStep& step);

class GenerationSession {
 public:
  /// Validates the request (InvalidRequest), plans every step and prepares the first. Throws
  /// InvalidArgument when no window length fits options.contextLength.
  GenerationSession(const EncoderConfig& config, Score input, GenerationRequest request,
                    SessionOptions options = {});
  GenerationSession(const GenerationSession&) = delete;
  GenerationSession& operator=(const GenerationSession&) = delete;
  ~GenerationSession();

  SessionStatus status() const noexcept { return status_; }
  /// The prefill of the current step attempt. Throws InvalidArgument once the session is over.
  const StepInput& currentStep() const;

  /// Samples the next token from the logits of the last position (one entry per vocabulary id,
  /// overwritten with the sampling distribution) under the step's constraints, and advances
  /// them. When the token completes the step, or the attempt's budget runs out, the candidate
  /// is checked and the step accepted (the next one prepared) or retried; status() tells which.
  /// Returns the token, or -1 when none was drawn: the constraints allow no token (the attempt
  /// is retried) or the session was cancelled. Throws InvalidArgument when a step used up its
  /// attempts (the message lists each attempt's rejections) or the session is over.
  int32_t next(std::span<float> logits);

  /// The notes the current attempt has completed so far in its step's target bars, at the decode
  /// resolution, bar by bar in the step's order. A draft: a rejected attempt's notes never reach
  /// result(). Empty between steps.
  std::vector<PlacedNote> draftNotes() const;

  /// The whole piece at the decode resolution: the input with every accepted step applied.
  const Score& result() const noexcept { return result_; }
  SessionProgress progress() const noexcept;
  const std::vector<AttemptRecord>& attempts() const noexcept { return attempts_; }
  /// Validation warnings and rejections the request's disabled checks let through.
  const std::vector<std::string>& warnings() const noexcept { return warnings_; }
  /// Why the session failed; empty unless status() is Failed.
  const std::string& failure() const noexcept { return failure_; }
  const GenerationRequest& request() const noexcept { return request_; }

  /// Thread-safe: the next call to next() draws nothing and ends the session as Cancelled.
  void cancel() noexcept { cancelRequested_.store(true, std::memory_order_relaxed); }

 private:
  /// Plans with the candidate window lengths from `candidate` on until every step's prompt
  /// fits (§6.6), restarting from the input.
  void startPlan(size_t candidate);
  /// Builds the current step's prompt and constraints; false when the prompt overflows.
  bool prepareStep();
  /// Resets constraints, sampler seed and temperature for attempt `attempt_`.
  void prepareAttempt();
  void buildConstraints(const GenerationStep& patched);
  /// Every target of the step is remixed: a remix may keep its notes, so no novelty check.
  bool remixesOnly(const GenerationStep& step) const;
  /// The step's window decoded from its prompt and the tokens generated so far.
  Score decodedStep() const;
  /// The current score with the step's generated tokens applied, at the decode resolution.
  Score candidate() const;
  /// Decodes and checks a complete attempt, then accepts or rejects it.
  void completeAttempt();
  /// Records a rejected attempt and prepares the next one, or fails the session.
  void rejectAttempt(std::vector<std::string> rejections);
  void acceptStep(Score candidate);
  [[noreturn]] void fail(const std::string& message);

  Tokenizer tokenizer_;
  Score input_;
  GenerationRequest request_;
  SessionOptions options_;
  std::vector<int32_t> modelDims_;  // candidate window lengths, largest first
  size_t modelDimIndex_ = 0;
  std::vector<GenerationStep> steps_;
  size_t stepIndex_ = 0;
  int32_t attempt_ = 0;
  Score current_;  // the input with the accepted steps applied
  Score result_;   // current_ at the decode resolution

  std::unique_ptr<StepPrompt> prompt_;
  std::unique_ptr<ConstraintSet> constraints_;
  std::unique_ptr<Sampler> sampler_;
  StepInput stepInput_;
  std::vector<int32_t> generated_;
  int32_t noteTokens_ = 0;  // NoteOnset/NoteDuration tokens in generated_
  size_t fillBlocksStarted_ = 0;  // FillInStart tokens so far, the prompt's included
  std::vector<std::string> stepRejections_;  // of the current step's earlier attempts

  SessionStatus status_ = SessionStatus::NeedsPrefill;
  std::atomic<bool> cancelRequested_{false};
  int32_t totalTokens_ = 0;
  std::vector<AttemptRecord> attempts_;
  std::vector<std::string> warnings_;
  std::string failure_;
};

std::string_view sessionStatusName(SessionStatus status) noexcept;

}  // namespace midigpt
