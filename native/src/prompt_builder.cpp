// Step prompts and step results (reference spec §6.7, §6.8).

#include "midigpt/prompt_builder.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "midigpt/attribute_analyzer.hpp"
#include "midigpt/error.hpp"

namespace midigpt {
namespace {

const AttributeSpec* findAttribute(const EncoderConfig& config, const std::string& name,
                                   AttributeLevel level) {
  for (const AttributeSpec& spec : config.attributes) {
    if (spec.name == name && spec.level == level) return &spec;
  }
  return nullptr;
}

bool contains(const std::vector<int32_t>& values, int32_t value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

/// Bar `bar` of a row, false past its end.
bool cell(const std::vector<std::vector<bool>>& grid, size_t row, int32_t bar) {
  return row < grid.size() && bar >= 0 && static_cast<size_t>(bar) < grid[row].size() &&
         grid[row][static_cast<size_t>(bar)];
}

/// (track, bar) pairs, ascending.
using BarSet = std::vector<std::pair<int32_t, int32_t>>;

bool containsBar(const BarSet& bars, size_t track, size_t bar) {
  return std::binary_search(
      bars.begin(), bars.end(),
      std::pair<int32_t, int32_t>(static_cast<int32_t>(track), static_cast<int32_t>(bar)));
}

/// The `Bar [attrs] TimeSig BarEnd` range of every hidden bar shell in an encoded window,
/// found by counting Track and Bar tokens (fill blocks, after the last track, hold neither). A
/// target is encoded as a placeholder even if marked future, so it is never a shell.
std::vector<TokenRange> hiddenShellSpans(const std::vector<int32_t>& tokens, const Score& window,
                                         const BarSet& targets, const Vocabulary& vocabulary) {
  std::vector<TokenRange> spans;
  const auto isShell = [&](int32_t track, int32_t bar) {
    if (track < 0 || bar < 0 || static_cast<size_t>(track) >= window.tracks.size()) return false;
    const std::vector<Bar>& bars = window.tracks[static_cast<size_t>(track)].bars;
    return static_cast<size_t>(bar) < bars.size() && bars[static_cast<size_t>(bar)].future &&
           !containsBar(targets, static_cast<size_t>(track), static_cast<size_t>(bar));
  };
  int32_t track = -1;
  int32_t bar = -1;
  size_t barStart = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const TokenType type = vocabulary.decode(tokens[i]).first;
    if (type == TokenType::Track) {
      ++track;
      bar = -1;
    } else if (type == TokenType::Bar) {
      ++bar;
      barStart = i;
    } else if (type == TokenType::BarEnd && isShell(track, bar)) {
      spans.push_back({static_cast<int32_t>(barStart), static_cast<int32_t>(i + 1)});
    }
  }
  return spans;
}

/// §6.8 step 5 for autoregressive prompts. The agent was encoded last and without its target
/// bars, so dropping the closing PieceEnd/TrackEnd leaves the prompt after its last context bar
/// (or after its header when it has none).
void trimAutoregressivePrompt(std::vector<int32_t>& tokens, size_t targetCount,
                              bool closeLastContextBar, const Vocabulary& vocabulary) {
  const auto popIf = [&](TokenType type) {
    if (tokens.empty() || vocabulary.decode(tokens.back()).first != type) return false;
    tokens.pop_back();
    return true;
  };
  while (popIf(TokenType::None) || popIf(TokenType::TrackEnd)) {
  }
  if (closeLastContextBar) return;
  // The reference goes on as if the targets had been encoded as empty bars: it pops one
  // `Bar TimeSig BarEnd` per further target and then a BarEnd. That eats into the context
  // instead: empty trailing context bars disappear and the last one is left open (§12.4).
  for (size_t i = 1; i < targetCount; ++i) {
    if (!popIf(TokenType::BarEnd) || !popIf(TokenType::TimeSig) || !popIf(TokenType::Bar)) break;
  }
  popIf(TokenType::BarEnd);
}

/// §6.8 step 5 for infill prompts: generation starts with the first fill block.
void trimInfillPrompt(std::vector<int32_t>& tokens, const Vocabulary& vocabulary) {
  if (vocabulary.domainSize(TokenType::FillInStart) <= 0) return;
  const auto found =
      std::find(tokens.begin(), tokens.end(), vocabulary.id(TokenType::FillInStart, 0));
  if (found != tokens.end()) tokens.erase(found + 1, tokens.end());
}

}  // namespace

// ---- Step inputs --------------------------------------------------------------------------------

Score withStepAttributes(const Score& score, const GenerationRequest& request,
                         const EncoderConfig& config) {
  std::set<int32_t> fullAutoregressive;
  for (const TrackPrompt& prompt : request.tracks) {
    if (isFullAutoregressive(prompt)) fullAutoregressive.insert(prompt.id);
  }
  Score analyzed = score;
  AttributeAnalyzer(config).annotate(analyzed);

  Score result = score;
  for (size_t t = 0; t < result.tracks.size(); ++t) {
    if (fullAutoregressive.count(static_cast<int32_t>(t)) > 0) continue;
    Track& track = result.tracks[t];
    const Track& levels = analyzed.tracks[t];
    for (const auto& [type, value] : levels.attributes) track.attributes[type] = value;
    for (size_t b = 0; b < track.bars.size(); ++b) {
      for (const auto& [type, value] : levels.bars[b].attributes) {
        track.bars[b].attributes[type] = value;
      }
    }
  }
  for (const TrackPrompt& prompt : request.tracks) {
    if (prompt.id < 0 || static_cast<size_t>(prompt.id) >= result.tracks.size() ||
        fullAutoregressive.count(prompt.id) > 0) {
      continue;
    }
    Track& track = result.tracks[static_cast<size_t>(prompt.id)];
    for (const auto& [name, value] : prompt.attributes) {
      if (const AttributeSpec* spec = findAttribute(config, name, AttributeLevel::Track)) {
        track.attributes[spec->tokenType] = value;
      }
    }
    for (const auto& [bar, levels] : prompt.barAttributes) {
      if (bar < 0 || static_cast<size_t>(bar) >= track.bars.size()) continue;
      for (const auto& [name, value] : levels) {
        if (const AttributeSpec* spec = findAttribute(config, name, AttributeLevel::Bar)) {
          track.bars[static_cast<size_t>(bar)].attributes[spec->tokenType] = value;
        }
      }
    }
    // bar_controls time signatures are not applied: the reference writes them under a key its
    // encoder never reads (§12.18), and validation already requires the score's own.
  }
  return result;
}

GenerationStep withContextPatch(const GenerationStep& step, const GenerationRequest& request) {
  GenerationStep patched = step;
  for (const TrackPrompt& prompt : request.tracks) {
    if (prompt.id < 0 || static_cast<size_t>(prompt.id) >= patched.context.size()) continue;
    std::vector<bool>& row = patched.context[static_cast<size_t>(prompt.id)];
    for (int32_t bar = step.startBar; bar < step.endBar; ++bar) {
      if (bar < 0 || static_cast<size_t>(bar) >= row.size()) continue;
      row[static_cast<size_t>(bar)] =
          !step.isTarget(prompt.id, bar) && !contains(prompt.maskBars, bar);
    }
  }
  return patched;
}

PromptStateSnapshot promptStateSnapshot(const GenerationStep& patchedStep,
                                        const GenerationRequest& request, MaskMode mode) {
  PromptStateSnapshot snapshot;
  snapshot.startBar = patchedStep.startBar;
  snapshot.endBar = patchedStep.endBar;
  const char hidden = usesSpanMasks(mode) ? 'A' : 'M';
  for (const TrackPrompt& prompt : request.tracks) {
    PromptTrackState& state = snapshot.tracks.emplace_back();
    state.id = prompt.id;
    state.agent = prompt.autoregressive;
    for (int32_t bar = patchedStep.startBar; bar < patchedStep.endBar; ++bar) {
      if (patchedStep.isTarget(prompt.id, bar)) {
        state.states += 'T';
      } else if (prompt.id >= 0 && cell(patchedStep.context, static_cast<size_t>(prompt.id), bar)) {
        state.states += 'C';
      } else {
        state.states += hidden;
      }
    }
  }
  return snapshot;
}

// ---- StepPrompt ---------------------------------------------------------------------------------

StepPrompt::StepPrompt(const Tokenizer& tokenizer, const Score& score, const GenerationStep& step,
                       MaskMode mode, const PromptOptions& options)
    : tokenizer_(tokenizer), step_(step), mode_(mode), options_(options) {
  const Vocabulary& vocabulary = tokenizer.vocabulary();
  const int32_t start = step.startBar;
  const int32_t windowLength = step.endBar - step.startBar;
  if (start < 0 || windowLength <= 0) {
    throw Error(ErrorCode::InvalidArgument, "step window [" + std::to_string(step.startBar) +
                                                ", " + std::to_string(step.endBar) +
                                                ") is empty or starts before bar 0");
  }
  const size_t trackCount = score.tracks.size();
  for (const auto& [track, bar] : step.barsToGenerate) {
    if (track < 0 || static_cast<size_t>(track) >= trackCount || bar < start ||
        bar >= step.endBar) {
      throw Error(ErrorCode::InvalidArgument,
                  "step target (" + std::to_string(track) + ", " + std::to_string(bar) +
                      ") is outside the score's " + std::to_string(trackCount) +
                      " tracks or the window");
    }
  }

  // The window's bars of every track; the bars around it are kept for result().
  Score window;
  window.resolution = score.resolution;
  window.tempo = score.tempo;
  prefixBars_.resize(trackCount);
  suffixBars_.resize(trackCount);
  for (size_t t = 0; t < trackCount; ++t) {
    const Track& source = score.tracks[t];
    const auto begin = std::min(static_cast<size_t>(start), source.bars.size());
    const auto end = std::min(static_cast<size_t>(step.endBar), source.bars.size());
    prefixBars_[t].assign(source.bars.begin(), source.bars.begin() + static_cast<ptrdiff_t>(begin));
    suffixBars_[t].assign(source.bars.begin() + static_cast<ptrdiff_t>(end), source.bars.end());
    Track& track = window.tracks.emplace_back();
    track.instrument = source.instrument;
    track.type = source.type;
    track.attributes = source.attributes;
    track.bars.assign(source.bars.begin() + static_cast<ptrdiff_t>(begin),
                      source.bars.begin() + static_cast<ptrdiff_t>(end));
    if (!options.windowLocalBarAttributes) {
      // The reference's lookup: window bar k reads the attributes stored for absolute bar k.
      for (size_t k = 0; k < track.bars.size(); ++k) {
        track.bars[k].attributes = source.bars[k].attributes;
      }
    }
  }

  // Targets and context in window coordinates, rows in encoding order.
  BarSet targets;
  for (const auto& [track, bar] : step.barsToGenerate) targets.emplace_back(track, bar - start);
  std::sort(targets.begin(), targets.end());
  std::vector<std::vector<bool>> context(trackCount,
                                         std::vector<bool>(static_cast<size_t>(windowLength)));
  for (size_t t = 0; t < trackCount; ++t) {
    for (int32_t k = 0; k < windowLength; ++k) {
      context[t][static_cast<size_t>(k)] = cell(step.context, t, start + k);
    }
  }

  EncodeOptions encodeOptions;
  encodeOptions.windowBars = windowLength;
  encodeOptions.spanMaskFutureBars = usesSpanMasks(mode);
  encodeOptions.removeFutureBars = mode == MaskMode::Remove;
  encodeOptions.emitPitchClassSet = options.emitPitchClassSet;

  // Autoregressive: the agent (lowest target track) is encoded last and only up to its first
  // target bar, so that the prompt ends where its continuation starts.
  int32_t agent = -1;
  int32_t firstGeneratedBar = windowLength;
  if (step.autoregressive && !targets.empty()) {
    agent = targets.front().first;
    const auto last = static_cast<int32_t>(trackCount) - 1;
    if (agent >= 0 && agent < last) {
      movedAgent_ = agent;
      const auto remap = [&](int32_t track) {
        if (track == agent) return last;
        return track > agent ? track - 1 : track;
      };
      for (auto& target : targets) target.first = remap(target.first);
      std::sort(targets.begin(), targets.end());
      std::rotate(window.tracks.begin() + agent, window.tracks.begin() + agent + 1,
                  window.tracks.end());
      std::rotate(context.begin() + agent, context.begin() + agent + 1, context.end());
      agent = last;
    }
    for (const auto& [track, bar] : targets) {
      if (track == agent) firstGeneratedBar = std::min(firstGeneratedBar, bar);
    }
  }

  // Bars of the window that are neither shown nor generated are hidden.
  for (size_t t = 0; t < trackCount; ++t) {
    for (size_t k = 0; k < window.tracks[t].bars.size(); ++k) {
      if (!context[t][k] && !containsBar(targets, t, k)) window.tracks[t].bars[k].future = true;
    }
  }
  if (options.keepUntouchedBars) {
    input_ = score;
    for (const Track& track : window.tracks) {
      std::vector<bool>& removed = removedBars_.emplace_back();
      for (const Bar& bar : track.bars) removed.push_back(bar.future && mode == MaskMode::Remove);
    }
  }
  if (!step.autoregressive) {
    encodeOptions.infillTargets = targets;
    const int32_t resolution = tokenizer.config().resolution;
    for (const auto& [track, bar] : targets) {
      const Track& target = window.tracks[static_cast<size_t>(track)];
      const Bar& targetBar = target.bars[static_cast<size_t>(bar)];
      fillDrumFlags_.push_back(target.type == TrackType::Drum);
      fillBarTicks_.push_back(resolution * 4 * targetBar.tsNumerator / targetBar.tsDenominator);
    }
  } else if (agent >= 0) {
    std::vector<Bar>& agentBars = window.tracks[static_cast<size_t>(agent)].bars;
    agentBars.resize(std::min(agentBars.size(), static_cast<size_t>(firstGeneratedBar)));
  }
  tokens_ = tokenizer.encodeNormalized(window, encodeOptions);
  if (encodeOptions.spanMaskFutureBars) {
    hiddenSpans_ = hiddenShellSpans(tokens_, window, targets, vocabulary);
  }

  if (step.autoregressive) {
    trimAutoregressivePrompt(tokens_, targets.size(), options.closeLastContextBar, vocabulary);
  } else {
    trimInfillPrompt(tokens_, vocabulary);
  }
  // Spans of trimmed-away shells go; one cut by the trim keeps its remaining part.
  const auto length = static_cast<int32_t>(tokens_.size());
  std::vector<TokenRange> clipped;
  for (const TokenRange& span : hiddenSpans_) {
    const int32_t end = std::min(span.end, length);
    if (span.begin < end) clipped.push_back({span.begin, end});
  }
  hiddenSpans_ = std::move(clipped);
}

int32_t StepPrompt::promptTrack(int32_t track) const noexcept {
  if (movedAgent_ < 0 || track < movedAgent_) return track;
  if (track == movedAgent_) return static_cast<int32_t>(prefixBars_.size()) - 1;
  return track - 1;
}

std::vector<TokenRange> StepPrompt::visibleRanges() const {
  std::vector<TokenRange> ranges;
  int32_t position = 0;
  for (const TokenRange& span : hiddenSpans_) {
    if (position < span.begin) ranges.push_back({position, span.begin});
    position = std::max(position, span.end);
  }
  const auto length = static_cast<int32_t>(tokens_.size());
  if (position < length) ranges.push_back({position, length});
  return ranges;
}

std::vector<int32_t> StepPrompt::skipInputIds() const {
  std::vector<int32_t> ids;
  for (const TokenRange& range : visibleRanges()) {
    ids.insert(ids.end(), tokens_.begin() + range.begin, tokens_.begin() + range.end);
  }
  return ids;
}

std::vector<int32_t> StepPrompt::skipPositionIds() const {
  std::vector<int32_t> positions;
  for (const TokenRange& range : visibleRanges()) {
    for (int32_t position = range.begin; position < range.end; ++position) {
      positions.push_back(position);
    }
  }
  return positions;
}

bool StepPrompt::complete(std::span<const int32_t> generated) const {
  if (generated.empty()) return false;
  const Vocabulary& vocabulary = tokenizer_.vocabulary();
  if (step_.autoregressive) {
    const TokenType last = vocabulary.decode(generated.back()).first;
    return last == TokenType::TrackEnd || last == TokenType::None;
  }
  size_t fillEnds = 0;
  for (int32_t token : generated) {
    if (vocabulary.decode(token).first == TokenType::FillInEnd) ++fillEnds;
  }
  return fillEnds >= step_.barsToGenerate.size();
}

Score StepPrompt::result(std::span<const int32_t> generated, const DecodeOptions& options) const {
  std::vector<int32_t> sequence = tokens_;
  sequence.insert(sequence.end(), generated.begin(), generated.end());
  Score out = tokenizer_.decode(sequence, options);
  if (options_.keepUntouchedBars) return untouchedResult(out);
  if (movedAgent_ >= 0 && static_cast<size_t>(movedAgent_) < out.tracks.size()) {
    std::rotate(out.tracks.begin() + movedAgent_, out.tracks.end() - 1, out.tracks.end());
  }
  for (size_t t = 0; t < out.tracks.size() && t < prefixBars_.size(); ++t) {
    std::vector<Bar>& bars = out.tracks[t].bars;
    bars.insert(bars.begin(), prefixBars_[t].begin(), prefixBars_[t].end());
    bars.insert(bars.end(), suffixBars_[t].begin(), suffixBars_[t].end());
  }
  return out;
}

Score StepPrompt::untouchedResult(const Score& decoded) const {
  Score out = input_;
  const auto last = static_cast<int32_t>(input_.tracks.size()) - 1;
  for (const auto& [track, bar] : step_.barsToGenerate) {
    // The track's place in the prompt: an agent moved last shifts the tracks after it.
    int32_t encoded = track;
    if (movedAgent_ >= 0 && track >= movedAgent_) encoded = track == movedAgent_ ? last : track - 1;
    if (static_cast<size_t>(encoded) >= decoded.tracks.size()) continue;
    // Its decoded bars are the window bars the prompt kept, in order, then the generated ones.
    const std::vector<bool>& removed = removedBars_[static_cast<size_t>(encoded)];
    const auto local = static_cast<size_t>(bar - step_.startBar);
    const auto removedBefore =
        std::count(removed.begin(), removed.begin() + static_cast<ptrdiff_t>(
                                                          std::min(local, removed.size())),
                   true);
    const size_t position = local - static_cast<size_t>(removedBefore);
    const std::vector<Bar>& bars = decoded.tracks[static_cast<size_t>(encoded)].bars;
    std::vector<Bar>& target = out.tracks[static_cast<size_t>(track)].bars;
    if (position < bars.size() && static_cast<size_t>(bar) < target.size()) {
      target[static_cast<size_t>(bar)] = bars[position];
    }
  }
  return out;
}

StepPrompt buildStepPrompt(const Tokenizer& tokenizer, const Score& score,
                           const GenerationRequest& request, const GenerationStep& step,
                           const PromptOptions& options) {
  const Score attributed = withStepAttributes(score, request, tokenizer.config());
  return StepPrompt(tokenizer, tokenizer.normalizeInput(attributed),
                    withContextPatch(step, request), request.config.maskMode, options);
}

}  // namespace midigpt
