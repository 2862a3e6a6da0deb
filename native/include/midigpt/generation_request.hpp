// What to generate and how (reference spec §6.2), and the checks a request must pass before a
// session plans any step (§6.4).
//
// Requests cross from Java and the HTTP server as JSON in the reference's `from_dict` shape:
//   {"tracks": [TrackPrompt...], "config": {InferenceConfig}?, "controls": {piece controls}?}
// Two error codes keep apart what an HTTP server answers with 400 and with 422: a document that
// does not have that shape (not JSON, a required key missing, a value of the wrong JSON type) is
// InvalidArgument; a well-formed request that breaks a rule is InvalidRequest.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "midigpt/encoder_config.hpp"
#include "midigpt/pitch_mask.hpp"
#include "midigpt/remix.hpp"
#include "midigpt/rhythm_mask.hpp"
#include "midigpt/score.hpp"

namespace midigpt {

/// How bars hidden from the model (mask_bars, future bars) appear in the prompt (§6.8).
enum class MaskMode {
  Token,            // `Bar [attrs] TimeSig MaskBar BarEnd`; needs a MaskBar token
  Attention,        // an empty bar shell, hidden by the attention key mask on every call
  AttentionApprox,  // the same shell, hidden on the prefill, then its cached K/V overwritten
  AttentionSkip,    // the same shell, left out of the prefill with explicit position ids
  Remove,           // the bar is left out of the prompt
};

/// The request spelling: "token", "attention", "attention_approx", "attention_skip", "remove".
std::string_view maskModeName(MaskMode mode) noexcept;
std::optional<MaskMode> parseMaskMode(std::string_view name);
/// True for the three modes that encode hidden bars as span-masked shells.
bool usesSpanMasks(MaskMode mode) noexcept;

/// Non-attribute locks of a track or a bar. `time_signature` is the only control the reference
/// knows; `pitch_mask`, `rhythm_mask` and `remix` come from the extended HTTP API (http-api.md).
/// Other keys are kept by name so that validation can reject them with its other rules.
struct TrackControls {
  std::optional<int32_t> timeSignature;  // index into the encoder's time_signatures
  std::optional<PitchMask> pitchMask;    // which pitches generated notes may have
  std::optional<RhythmMask> rhythmMask;  // where generated notes may start
  std::optional<Remix> remix;            // regenerate as a variation of the bar's notes
  std::vector<std::string> unknownKeys;

  bool empty() const noexcept {
    return !timeSignature && !pitchMask && !rhythmMask && !remix && unknownKeys.empty();
  }
  bool operator==(const TrackControls&) const = default;
};

struct TrackPrompt {
  int32_t id = 0;                 // track index in the score
  std::vector<int32_t> bars;      // bars to generate (autoregressive: a right suffix)
  bool autoregressive = false;    // continue the track left to right instead of infilling
  bool ignore = false;            // never generate this track (it stays in the prompt)
  std::vector<int32_t> maskBars;  // bars hidden from the model, per the mask mode
  std::map<std::string, int32_t> attributes;  // track-level attribute levels by name
  TrackControls controls;
  /// Per-bar attribute levels by absolute bar index, then attribute name.
  std::map<int32_t, std::map<std::string, int32_t>> barAttributes;
  std::map<int32_t, TrackControls> barControls;

  bool operator==(const TrackPrompt&) const = default;
};

/// Every field of the reference's InferenceConfig, with its defaults.
struct InferenceConfig {
  double temperature = 1.0;
  int64_t seed = -1;  // >= 0: seed + attempt before each attempt; < 0: leave the RNG alone
  int32_t maxAttempts = 3;
  bool noveltyCheck = true;   // reject a candidate identical to the step input
  bool silenceCheck = true;   // reject a candidate with no notes in the step's targets
  double temperatureEscalation = 1.0;  // attempt i samples at temperature * escalation^i
  int32_t barsPerStep = 1;
  int32_t tracksPerStep = 1;
  int32_t modelDim = 4;  // window length in bars; <= 0 (JSON null): the smallest window
  bool shuffle = false;  // declared by the reference, never read
  /// The reference default; rejected for every released model, which has no MaskBar token.
  MaskMode maskMode = MaskMode::Token;
  int32_t polyphonyHardLimit = 0;  // > 0: at most this many notes per onset
  int32_t densityHardLimit = 0;    // > 0: at most this many notes per bar
  double topP = 1.0;
  int32_t topK = 0;
  double maskP = 0.0;
  int32_t maskK = 0;

  bool operator==(const InferenceConfig&) const = default;
};

/// Piece-level controls. The reference validates them, then drops them (§12.8), so they never
/// reach the encoder; validateRequest does the same.
struct PieceControls {
  std::optional<bool> velocity;
  std::optional<bool> microtiming;
  std::optional<std::string> genre;
  std::vector<std::string> unknownKeys;

  bool empty() const noexcept {
    return !velocity && !microtiming && !genre && unknownKeys.empty();
  }
  bool operator==(const PieceControls&) const = default;
};

struct GenerationRequest {
  std::vector<TrackPrompt> tracks;
  InferenceConfig config;
  PieceControls controls;

  /// Parses the reference's JSON shape. `tracks` is required, and each prompt needs `id` and
  /// `bars`; unknown keys are ignored, as the reference's from_dict does. Throws
  /// InvalidArgument naming the field for malformed input, and InvalidRequest for an unknown
  /// mask_mode (the reference lets any string through and then masks nothing, §12.22).
  static GenerationRequest fromJson(std::string_view json);
  /// The same shape, every field written (unknown control keys with a null value).
  std::string toJson() const;

  bool operator==(const GenerationRequest&) const = default;
};

/// True when the prompt regenerates its whole track left to right: autoregressive with no bars
/// or with bar 0 among them. Such a track gets no analyzer attributes; its requested attributes
/// become sampling constraints instead (§6.3).
bool isFullAutoregressive(const TrackPrompt& prompt) noexcept;

struct ValidatedRequest {
  /// The request with the config completed (model_dim defaulted, temperature_escalation
  /// clamped) and the piece-level controls removed.
  GenerationRequest request;
  /// Problems that do not stop generation (clamped values, notes the encoder will drop).
  std::vector<std::string> warnings;
};

/// The reference's validate_request (§6.4): checks the rules in its order and throws
/// InvalidRequest with a message naming the field of the first rule broken.
ValidatedRequest validateRequest(const GenerationRequest& request, const Score& score,
                                 const EncoderConfig& config);

}  // namespace midigpt
