#include "midigpt/generation_session.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <utility>

#include "midigpt/attribute_keys.hpp"
#include "midigpt/error.hpp"
#include "midigpt/grammar.hpp"
#include "midigpt/pitch_mask_constraint.hpp"
#include "midigpt/remix_constraint.hpp"
#include "midigpt/rhythm_mask_constraint.hpp"

namespace midigpt {
namespace {

bool contains(const std::vector<int32_t>& values, int32_t value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

const Bar* barAt(const Score& score, int32_t track, int32_t bar) {
  if (track < 0 || static_cast<size_t>(track) >= score.tracks.size()) return nullptr;
  const std::vector<Bar>& bars = score.tracks[static_cast<size_t>(track)].bars;
  if (bar < 0 || static_cast<size_t>(bar) >= bars.size()) return nullptr;
  return &bars[static_cast<size_t>(bar)];
}

std::vector<std::pair<int32_t, int32_t>> sortedPitchOnsets(const Bar& bar) {
  std::vector<std::pair<int32_t, int32_t>> pairs;
  pairs.reserve(bar.notes.size());
  for (const Note& note : bar.notes) pairs.emplace_back(note.pitch, note.onset);
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

std::string joined(const std::vector<std::string>& parts, const char* separator) {
  std::string text;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) text += separator;
    text += parts[i];
  }
  return text;
}

/// The type a full-AR `bar_attributes` name is pinned to: the track-level mapping of §6.9
/// first, then the bar-level attribute names.
std::optional<TokenType> barConstraintType(const std::string& name) {
  if (const auto type = constrainedAttributeType(name)) return type;
  return attributeKeyType(AttributeLevel::Bar, name);
}

/// What the reference's grammar checks for onsets inside bars but not inside fill blocks
/// (§12.19): with `monotone`, a block's onsets only move forward (else it could return to an
/// onset it left and stack more notes there than the polyphony hard limit allows); with
/// `barTicks` (the grid length of each block's bar, in block order), onsets stay inside the bar.
class FillOnsetConstraint final : public Constraint {
 public:
  FillOnsetConstraint(Vocabulary vocabulary, bool monotone, std::vector<int32_t> barTicks)
      : Constraint(std::move(vocabulary)), monotone_(monotone), barTicks_(std::move(barTicks)) {}

  void reset() override {
    block_ = -1;
    inFill_ = false;
    time_ = 0;
    lastOnset_ = -1;
  }

  void advance(int32_t token) override {
    const auto [type, value] = decode(token);
    switch (type) {
      case TokenType::FillInStart:
        ++block_;
        inFill_ = true;
        time_ = 0;
        lastOnset_ = -1;
        break;
      case TokenType::FillInEnd: inFill_ = false; break;
      case TokenType::TimeAbsolutePos: time_ = value; break;
      case TokenType::NoteOnset: lastOnset_ = time_; break;
      default: break;
    }
  }

  void restrict(std::span<uint8_t> allowed) const override {
    checkMask(allowed);
    const Vocabulary& layout = vocabulary();
    if (!inFill_ || !layout.has(TokenType::TimeAbsolutePos)) return;
    const int32_t size = layout.domainSize(TokenType::TimeAbsolutePos);
    const auto forbid = [&](int32_t from, int32_t to) {
      for (int32_t value = std::max(from, 0); value < std::min(to, size); ++value) {
        allowed[static_cast<size_t>(layout.id(TokenType::TimeAbsolutePos, value))] = 0;
      }
    };
    if (monotone_ && lastOnset_ >= 0) forbid(0, lastOnset_ + 1);
    if (block_ >= 0 && static_cast<size_t>(block_) < barTicks_.size()) {
      forbid(barTicks_[static_cast<size_t>(block_)], size);
    }
  }

 private:
  bool monotone_;
  std::vector<int32_t> barTicks_;
  int32_t block_ = -1;      // index of the current (or last) fill block
  bool inFill_ = false;
  int32_t time_ = 0;        // onset of the next note: a block starts at its bar's start
  int32_t lastOnset_ = -1;  // onset of the block's last note, -1 before its first
};

/// A mask control of a target bar: its bar_controls one, else its track's, else none.
template <class Mask>
const Mask* maskOf(const GenerationRequest& request, int32_t track, int32_t bar,
                   std::optional<Mask> TrackControls::*control) {
  for (const TrackPrompt& prompt : request.tracks) {
    if (prompt.id != track) continue;
    const auto barControls = prompt.barControls.find(bar);
    if (barControls != prompt.barControls.end() && barControls->second.*control) {
      return &*(barControls->second.*control);
    }
    return prompt.controls.*control ? &*(prompt.controls.*control) : nullptr;
  }
  return nullptr;
}

/// The step's target bars in the order the model generates them: infill fill blocks follow
/// the sorted targets; an autoregressive step continues its agent (lowest target) track.
std::vector<std::pair<int32_t, int32_t>> generationOrder(const GenerationStep& step) {
  std::vector<std::pair<int32_t, int32_t>> targets = step.barsToGenerate;
  std::sort(targets.begin(), targets.end());
  if (step.autoregressive && !targets.empty()) {
    const int32_t agent = targets.front().first;
    std::erase_if(targets, [agent](const auto& target) { return target.first != agent; });
  }
  return targets;
}

}  // namespace

bool GenerationSession::remixesOnly(const GenerationStep& step) const {
  return std::all_of(step.barsToGenerate.begin(), step.barsToGenerate.end(), [&](const auto& target) {
    return maskOf(request_, target.first, target.second, &TrackControls::remix) != nullptr;
  });
}

SessionOptions SessionOptions::reference() {
  SessionOptions options;
  options.prompt = PromptOptions{};
  options.decode.exactBeatLength = false;
  options.decode.identityVelocityForSingletonBins = false;
  options.densityRestartAtFillStart = false;
  options.polyphonyForbidLeadInsAtLimit = false;
  options.monotoneFillOnsets = false;
  options.fillOnsetsWithinBar = false;
  options.requireBarTimeSig = false;
  options.barConstraintsOnPromptTrack = false;
  options.fillBlocksOnly = false;
  return options;
}

std::string_view sessionStatusName(SessionStatus status) noexcept {
  switch (status) {
    case SessionStatus::NeedsPrefill: return "NeedsPrefill";
    case SessionStatus::Generating: return "Generating";
    case SessionStatus::Done: return "Done";
    case SessionStatus::Cancelled: return "Cancelled";
    case SessionStatus::Failed: return "Failed";
  }
  return "Unknown";
}

CandidateCheck checkCandidate(const Score& original, const Score& candidate,
                              const GenerationRequest& request, const GenerationStep& step) {
  size_t targetNotes = 0;
  bool unchanged = true;
  for (const TrackPrompt& prompt : request.tracks) {
    for (int32_t bar : prompt.bars) {
      const Bar* after = barAt(candidate, prompt.id, bar);
      if (after != nullptr && step.isTarget(prompt.id, bar)) targetNotes += after->notes.size();
      // As in the reference, bars missing on either side do not count as changed.
      const Bar* before = barAt(original, prompt.id, bar);
      if (after != nullptr && before != nullptr &&
          sortedPitchOnsets(*before) != sortedPitchOnsets(*after)) {
        unchanged = false;
      }
    }
  }
  return {targetNotes == 0, unchanged};
}

GenerationSession::GenerationSession(const EncoderConfig& config, Score input,
                                     GenerationRequest request, SessionOptions options)
    : tokenizer_(config), input_(std::move(input)), options_(std::move(options)) {
  if (options_.maxStepTokens < 1) {
    throw Error(ErrorCode::InvalidArgument, "maxStepTokens must be at least 1");
  }
  if (options_.contextLength < 0) {
    throw Error(ErrorCode::InvalidArgument, "contextLength must not be negative");
  }
  ValidatedRequest validated = validateRequest(request, input_, config);
  request_ = std::move(validated.request);
  warnings_ = std::move(validated.warnings);

  // §6.6: the requested window first, then every smaller one the model knows, for prompts
  // that do not fit the model's context.
  for (int32_t dim : config.numBarsMap) {
    if (dim > 0 && dim <= request_.config.modelDim && !contains(modelDims_, dim)) {
      modelDims_.push_back(dim);
    }
  }
  std::sort(modelDims_.begin(), modelDims_.end(), std::greater<>());
  if (modelDims_.empty()) modelDims_.push_back(request_.config.modelDim);
  startPlan(0);
}

GenerationSession::~GenerationSession() = default;

void GenerationSession::startPlan(size_t candidate) {
  const SelectionMask mask = selectionMask(request_, input_);
  for (modelDimIndex_ = candidate; modelDimIndex_ < modelDims_.size(); ++modelDimIndex_) {
    current_ = input_;
    result_ = tokenizer_.normalizeOutput(input_);
    steps_ = planSteps(mask, modelDims_[modelDimIndex_], request_.config.barsPerStep,
                       request_.config.tracksPerStep);
    stepIndex_ = 0;
    if (steps_.empty()) {
      status_ = SessionStatus::Done;
      return;
    }
    if (prepareStep()) return;
  }
  std::vector<std::string> dims;
  for (int32_t dim : modelDims_) dims.push_back(std::to_string(dim));
  fail("no model_dim in [" + joined(dims, ", ") + "] fits the model's context of " +
       std::to_string(options_.contextLength) + " tokens");
}

bool GenerationSession::prepareStep() {
  const GenerationStep& step = steps_[stepIndex_];
  const GenerationStep patched = withContextPatch(step, request_);
  const Score attributed = withStepAttributes(current_, request_, tokenizer_.config());
  prompt_ = std::make_unique<StepPrompt>(tokenizer_, tokenizer_.normalizeInput(attributed),
                                         patched, request_.config.maskMode, options_.prompt);

  const auto promptLength = static_cast<int32_t>(prompt_->tokens().size());
  int32_t budget = options_.maxStepTokens;
  if (options_.contextLength > 0) {
    // The reference overflows at prompt >= n_positions; a prompt that leaves no room for a
    // single token cannot complete either.
    budget = std::min(budget, options_.contextLength - promptLength - 1);
    if (budget < 1) return false;
  }
  buildConstraints(patched);

  StepInput& in = stepInput_;
  in.stepIndex = static_cast<int32_t>(stepIndex_);
  in.stepCount = static_cast<int32_t>(steps_.size());
  in.modelDim = modelDims_[modelDimIndex_];
  in.maskMode = request_.config.maskMode;
  in.promptIds = prompt_->tokens();
  in.hiddenSpans = prompt_->hiddenSpans();
  in.keyMask.assign(in.promptIds.size(), 1);
  for (const TokenRange& span : in.hiddenSpans) {
    std::fill(in.keyMask.begin() + span.begin, in.keyMask.begin() + span.end, 0);
  }
  if (in.maskMode == MaskMode::AttentionSkip) {
    in.inputIds = prompt_->skipInputIds();
    in.positionIds = prompt_->skipPositionIds();
  } else {
    in.inputIds = in.promptIds;
    in.positionIds.resize(in.promptIds.size());
    std::iota(in.positionIds.begin(), in.positionIds.end(), 0);
  }
  in.nextPosition = in.positionIds.empty() ? 0 : in.positionIds.back() + 1;
  in.tokenBudget = budget;

  attempt_ = 0;
  stepRejections_.clear();
  prepareAttempt();
  return true;
}

void GenerationSession::buildConstraints(const GenerationStep& patched) {
  const EncoderConfig& config = tokenizer_.config();
  const Vocabulary& vocabulary = config.vocabulary;
  const InferenceConfig& inference = request_.config;
  constraints_ = std::make_unique<ConstraintSet>(vocabulary.size());

  GrammarSettings grammar;
  const auto ignored = std::count_if(request_.tracks.begin(), request_.tracks.end(),
                                     [](const TrackPrompt& prompt) { return prompt.ignore; });
  grammar.maxTracks = static_cast<int32_t>(input_.tracks.size()) - static_cast<int32_t>(ignored);
  grammar.requireNotes = true;
  if (patched.autoregressive) {
    grammar.exactBars = patched.endBar - patched.startBar;
    grammar.autoregressive = true;
  }
  grammar.modelAttributeOrder = options_.modelAttributeOrder;
  grammar.pitchClassSetBarAttribute = options_.prompt.emitPitchClassSet;
  grammar.exactBarLength = options_.exactBarLength;
  grammar.requireBarTimeSig = options_.requireBarTimeSig;
  grammar.fillBlocksOnly = options_.fillBlocksOnly && !patched.autoregressive;
  constraints_->add(std::make_unique<GrammarConstraint>(config, grammar));
  if (inference.polyphonyHardLimit > 0) {
    constraints_->add(std::make_unique<PolyphonyConstraint>(
        vocabulary, inference.polyphonyHardLimit, options_.polyphonyForbidLeadInsAtLimit));
  }
  if ((options_.monotoneFillOnsets || options_.fillOnsetsWithinBar) && !patched.autoregressive) {
    std::vector<int32_t> barTicks;
    if (options_.fillOnsetsWithinBar) barTicks = prompt_->fillBarTicks();
    constraints_->add(std::make_unique<FillOnsetConstraint>(vocabulary, options_.monotoneFillOnsets,
                                                            std::move(barTicks)));
  }
  if (inference.densityHardLimit > 0) {
    constraints_->add(std::make_unique<DensityConstraint>(
        vocabulary, inference.densityHardLimit, options_.densityRestartAtFillStart));
  }

  // Pitch and rhythm masks and remixes, per target bar in the order the model writes them.
  std::vector<std::optional<PitchMaskConstraint::Weights>> pitchWeights;
  std::vector<std::optional<RhythmPlan>> rhythmPlans;
  std::vector<std::optional<std::vector<RemixNote>>> remixPlans;
  bool anyPitchMask = false;
  bool anyRhythmMask = false;
  bool anyRemix = false;
  std::optional<Score> gridInput;  // the input at the encoder grid, for remixes
  for (const auto& [track, bar] : generationOrder(patched)) {
    const PitchMask* pitch = maskOf(request_, track, bar, &TrackControls::pitchMask);
    anyPitchMask = anyPitchMask || pitch != nullptr;
    pitchWeights.push_back(pitch ? std::optional(pitchMaskWeights(*pitch)) : std::nullopt);
    const RhythmMask* rhythm = maskOf(request_, track, bar, &TrackControls::rhythmMask);
    const Remix* remix = maskOf(request_, track, bar, &TrackControls::remix);
    anyRhythmMask = anyRhythmMask || rhythm != nullptr || remix != nullptr;
    anyRemix = anyRemix || remix != nullptr;
    remixPlans.emplace_back();
    if (remix != nullptr) {
      // A remix keeps the bar's onset schedule: a rhythm mask made from its notes.
      if (!gridInput) gridInput = tokenizer_.normalizeInput(input_);
      // Which values a remix keeps is drawn once per step, from the request's seed.
      const int64_t seed =
          inference.seed < 0 ? -1 : inference.seed + 7919 * static_cast<int64_t>(stepIndex_);
      std::vector<RemixNote> notes =
          remixNotes(gridInput->tracks[static_cast<size_t>(track)].bars[static_cast<size_t>(bar)],
                     *remix, vocabulary.domainSize(TokenType::NoteDuration), seed);
      RhythmPlan schedule;
      for (const RemixNote& note : notes) {
        if (schedule.positions.empty() || schedule.positions.back().pos != note.onset) {
          schedule.positions.push_back(RhythmOnset{note.onset, 0});
        }
        ++schedule.positions.back().polyphony;
      }
      rhythmPlans.push_back(std::move(schedule));
      remixPlans.back() = std::move(notes);
    } else if (rhythm == nullptr) {
      rhythmPlans.emplace_back();
    } else if (rhythm->grid) {
      rhythmPlans.push_back(RhythmPlan{
          {}, rhythmGridTicks(rhythm->grid->unit, config.resolution), rhythm->grid->strength});
    } else {
      rhythmPlans.push_back(RhythmPlan{rhythm->positions, 0, 0.0});
    }
  }
  const auto promptLength = static_cast<int32_t>(prompt_->tokens().size());
  if (anyPitchMask) {
    constraints_->add(std::make_unique<PitchMaskConstraint>(
        vocabulary, patched.autoregressive, promptLength, std::move(pitchWeights)));
  }
  if (anyRhythmMask) {
    constraints_->add(std::make_unique<RhythmMaskConstraint>(
        vocabulary, patched.autoregressive, promptLength, std::move(rhythmPlans)));
  }
  if (anyRemix) {
    constraints_->add(std::make_unique<RemixConstraint>(
        vocabulary, patched.autoregressive, promptLength, std::move(remixPlans)));
  }

  // Full-AR tracks get no analyzer attributes; what the user asked for is pinned instead.
  for (const TrackPrompt& prompt : request_.tracks) {
    if (!isFullAutoregressive(prompt)) continue;
    const auto found =
        std::find(patched.trackIndices.begin(), patched.trackIndices.end(), prompt.id);
    if (found == patched.trackIndices.end()) continue;
    // The reference's ordinal is the prompt's place among the step's tracks (§12.18).
    const auto ordinal = options_.barConstraintsOnPromptTrack
                             ? prompt_->promptTrack(prompt.id)
                             : static_cast<int32_t>(found - patched.trackIndices.begin());
    for (const auto& [name, value] : prompt.attributes) {
      if (const auto type = constrainedAttributeType(name)) {
        constraints_->add(std::make_unique<AttributeValueConstraint>(vocabulary, *type, value));
      }
    }
    if (prompt.controls.timeSignature) {
      constraints_->add(std::make_unique<AttributeValueConstraint>(
          vocabulary, TokenType::TimeSig, *prompt.controls.timeSignature));
    }
    for (const auto& [bar, levels] : prompt.barAttributes) {
      const int32_t local = bar - patched.startBar;
      if (local < 0) continue;
      for (const auto& [name, value] : levels) {
        if (const auto type = barConstraintType(name)) {
          constraints_->add(std::make_unique<BarAttributeValueConstraint>(
              vocabulary, *type, ordinal, local, value));
        }
      }
    }
    for (const auto& [bar, controls] : prompt.barControls) {
      const int32_t local = bar - patched.startBar;
      if (local < 0 || !controls.timeSignature) continue;
      constraints_->add(std::make_unique<BarAttributeValueConstraint>(
          vocabulary, TokenType::TimeSig, ordinal, local, *controls.timeSignature));
    }
  }
}

void GenerationSession::prepareAttempt() {
  const InferenceConfig& inference = request_.config;
  generated_.clear();
  noteTokens_ = 0;
  constraints_->reset();
  constraints_->advance(prompt_->tokens());
  const Vocabulary& vocabulary = tokenizer_.vocabulary();
  fillBlocksStarted_ = 0;
  for (int32_t token : prompt_->tokens()) {
    if (vocabulary.decode(token).first == TokenType::FillInStart) ++fillBlocksStarted_;
  }
  if (!prompt_->autoregressive() && !prompt_->fillDrumFlags().empty()) {
    constraints_->setFillDrum(prompt_->fillDrumFlags().front());
  }

  SamplerParams params;
  params.temperature = static_cast<float>(inference.temperature *
                                          std::pow(inference.temperatureEscalation, attempt_));
  params.topK = inference.topK;
  params.topP = static_cast<float>(inference.topP);
  params.maskK = inference.maskK;
  params.maskP = static_cast<float>(inference.maskP);
  // §6.6: every step's attempt i draws from seed + i.
  params.seed = inference.seed >= 0 ? inference.seed + attempt_ : -1;
  sampler_ = std::make_unique<Sampler>(params, constraints_.get());

  stepInput_.attempt = attempt_;
  stepInput_.temperature = params.temperature;
  status_ = SessionStatus::NeedsPrefill;
}

const StepInput& GenerationSession::currentStep() const {
  if (status_ != SessionStatus::NeedsPrefill && status_ != SessionStatus::Generating) {
    throw Error(ErrorCode::InvalidArgument, "currentStep(): the session is " +
                                                std::string(sessionStatusName(status_)));
  }
  return stepInput_;
}

int32_t GenerationSession::next(std::span<float> logits) {
  if (status_ != SessionStatus::NeedsPrefill && status_ != SessionStatus::Generating) {
    throw Error(ErrorCode::InvalidArgument,
                "next(): the session is " + std::string(sessionStatusName(status_)));
  }
  if (cancelRequested_.load(std::memory_order_relaxed)) {
    status_ = SessionStatus::Cancelled;
    return -1;
  }
  const Vocabulary& vocabulary = tokenizer_.vocabulary();
  if (logits.size() != static_cast<size_t>(vocabulary.size())) {
    throw Error(ErrorCode::InvalidArgument,
                "next(): " + std::to_string(logits.size()) + " logits for a vocabulary of " +
                    std::to_string(vocabulary.size()));
  }
  status_ = SessionStatus::Generating;

  int32_t token = -1;
  try {
    token = sampler_->sample(logits);
  } catch (const Error&) {
    std::vector<uint8_t> allowed(logits.size());
    constraints_->allowed(allowed);
    if (std::find(allowed.begin(), allowed.end(), uint8_t{1}) != allowed.end()) throw;
    // A constraint dead end (§12.19 and the polyphony lead-ins with the reference's
    // constraints): the reference crashes; another seed may avoid it.
    rejectAttempt({"dead end: no legal token after " + std::to_string(generated_.size()) +
                   " generated tokens"});
    return -1;
  }
  generated_.push_back(token);
  constraints_->advance(token);
  ++totalTokens_;
  const TokenType type = vocabulary.decode(token).first;
  if (type == TokenType::NoteOnset || type == TokenType::NoteDuration) ++noteTokens_;
  if (!prompt_->autoregressive() && type == TokenType::FillInStart) {
    // Each fill block is sampled with its own target's drum flag.
    ++fillBlocksStarted_;
    const std::vector<bool>& drums = prompt_->fillDrumFlags();
    if (fillBlocksStarted_ <= drums.size()) constraints_->setFillDrum(drums[fillBlocksStarted_ - 1]);
  }

  if (prompt_->complete(generated_)) {
    completeAttempt();
  } else if (static_cast<int32_t>(generated_.size()) >= stepInput_.tokenBudget) {
    rejectAttempt({"token budget: " + std::to_string(stepInput_.tokenBudget) +
                   " tokens generated without completing the step"});
  }
  return token;
}

std::vector<PlacedNote> GenerationSession::draftNotes() const {
  std::vector<PlacedNote> notes;
  if (prompt_ == nullptr || generated_.empty() ||
      (status_ != SessionStatus::Generating && status_ != SessionStatus::NeedsPrefill)) {
    return notes;
  }
  // The same decode as candidate(), so a draft that is accepted equals the result's bars.
  const Score draft = decodedStep();
  for (const auto& [track, bar] : steps_[stepIndex_].barsToGenerate) {
    if (const Bar* generated = barAt(draft, track, bar)) {
      for (const Note& note : generated->notes) notes.push_back({track, bar, note});
    }
  }
  return notes;
}

Score GenerationSession::decodedStep() const {
  return tokenizer_.normalizeOutput(prompt_->result(generated_, options_.decode));
}

Score GenerationSession::candidate() const {
  Score stepResult = decodedStep();
  if (!options_.prompt.keepUntouchedBars) return stepResult;
  // Only the target bars change; every other bar keeps its exact input ticks.
  Score out = result_;
  for (const auto& [track, bar] : steps_[stepIndex_].barsToGenerate) {
    const Bar* generated = barAt(stepResult, track, bar);
    if (generated != nullptr && barAt(out, track, bar) != nullptr) {
      out.tracks[static_cast<size_t>(track)].bars[static_cast<size_t>(bar)] = *generated;
    }
  }
  return out;
}

void GenerationSession::completeAttempt() {
  Score next;
  try {
    next = candidate();
  } catch (const Error& error) {
    rejectAttempt({std::string("decode: ") + error.what()});
    return;
  }
  // Both sides at the decode resolution, so an unchanged step is recognised (§12.15).
  const CandidateCheck check = checkCandidate(result_, next, request_, steps_[stepIndex_]);
  std::vector<std::string> rejections;
  const auto report = [&](bool enabled, const std::string& reason) {
    const std::string where = "step " + std::to_string(stepIndex_ + 1) + ", attempt " +
                              std::to_string(attempt_ + 1) + ": ";
    if (enabled) {
      rejections.push_back(reason);
    } else {
      warnings_.push_back(where + reason);
    }
  };
  if (check.silent) report(request_.config.silenceCheck, "silence: no notes in the target bars");
  if (check.unchanged && !remixesOnly(steps_[stepIndex_])) {
    report(request_.config.noveltyCheck, "novelty: the requested bars are unchanged");
  }
  if (!rejections.empty()) {
    rejectAttempt(std::move(rejections));
    return;
  }
  attempts_.push_back({static_cast<int32_t>(stepIndex_), attempt_,
                       static_cast<int32_t>(generated_.size()), {}});
  acceptStep(std::move(next));
}

void GenerationSession::rejectAttempt(std::vector<std::string> rejections) {
  const std::string summary = "attempt " + std::to_string(attempt_ + 1) + ": " +
                              joined(rejections, ", ");
  attempts_.push_back({static_cast<int32_t>(stepIndex_), attempt_,
                       static_cast<int32_t>(generated_.size()), std::move(rejections)});
  stepRejections_.push_back(summary);
  ++attempt_;
  if (attempt_ >= request_.config.maxAttempts) {
    fail("max attempts (" + std::to_string(request_.config.maxAttempts) + ") reached at step " +
         std::to_string(stepIndex_ + 1) + " of " + std::to_string(steps_.size()) +
         "; rejections: " + joined(stepRejections_, "; "));
  }
  prepareAttempt();
}

void GenerationSession::acceptStep(Score candidate) {
  current_ = std::move(candidate);
  result_ = current_;
  ++stepIndex_;
  if (stepIndex_ == steps_.size()) {
    status_ = SessionStatus::Done;
    return;
  }
  // A later window can still overflow the context: the reference restarts the whole run with
  // the next smaller window.
  if (!prepareStep()) startPlan(modelDimIndex_ + 1);
}

void GenerationSession::fail(const std::string& message) {
  status_ = SessionStatus::Failed;
  failure_ = message;
  throw Error(ErrorCode::InvalidArgument, message);
}

SessionProgress GenerationSession::progress() const noexcept {
  return {static_cast<int32_t>(stepIndex_), static_cast<int32_t>(steps_.size()), attempt_,
          static_cast<int32_t>(generated_.size()), totalTokens_, noteTokens_};
}

}  // namespace midigpt
