package io.midigpt.generation;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Non-attribute locks of a track ({@code TrackPrompt.controls}) or of one bar ({@code
 * TrackPrompt.bar_controls}), reference spec §6.2. JSON: an object such as {@code
 * {"time_signature": 2}}; {@code {}} sets nothing.
 *
 * <p>{@code time_signature} is the only control the reference knows; {@code pitch_mask}, {@code
 * rhythm_mask} and {@code remix} come from the extended HTTP API. Other keys are kept by name
 * (their values are dropped, and written back as {@code null}) so that the native validator
 * rejects them with a request error naming the key (§6.4 rules 13-14), as it does for a request
 * parsed natively.
 *
 * @param timeSignature JSON {@code time_signature}: an index into the encoder's {@code
 *     time_signatures}; default unset (empty). Its range is checked by the native validator.
 * @param pitchMask JSON {@code pitch_mask}: the mask object ({@code {"scale": "major", "root":
 *     0}}, {@code {"pitches": [...]}}, {@code {"pitch_classes": [...]}}, optionally with a {@code
 *     "shape"}) as JSON text; the native core reads and validates it, this record only checks that
 *     it is a JSON object. Default unset.
 * @param rhythmMask JSON {@code rhythm_mask}: {@code {"positions": [{"pos": 0, "polyphony": 2},
 *     ...]}} (an exact onset schedule, in ticks of the encoder's resolution) or {@code {"grid":
 *     {"unit": "eighth", "strength": 0.8}}}, as JSON text; like {@code pitchMask}, read and
 *     validated natively. Default unset.
 * @param remix JSON {@code remix}: {@code {"amount": 0.3, "mode": "pitch"|"full"}}, regenerate the
 *     bars as a variation of their notes (onsets kept; that fraction of pitches, or of pitches and
 *     durations, resampled), as JSON text read and validated natively. Default unset.
 * @param unknownKeys every other key of the JSON object, sorted, without repeats; default none.
 *     Never a known control.
 */
public record TrackControls(
    OptionalInt timeSignature,
    Optional<String> pitchMask,
    Optional<String> rhythmMask,
    Optional<String> remix,
    List<String> unknownKeys) {
  /** The JSON keys of the known controls. */
  public static final String TIME_SIGNATURE = "time_signature";

  public static final String PITCH_MASK = "pitch_mask";

  public static final String RHYTHM_MASK = "rhythm_mask";

  public static final String REMIX = "remix";

  /** No control set: {@code {}}. */
  public static final TrackControls NONE =
      new TrackControls(
          OptionalInt.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of());

  public TrackControls {
    Values.required(timeSignature, "controls.time_signature");
    Values.required(pitchMask, "controls.pitch_mask");
    Values.required(rhythmMask, "controls.rhythm_mask");
    pitchMask = pitchMask.map(json -> GenerationJson.compactObject(json, "controls.pitch_mask"));
    Values.required(remix, "controls.remix");
    rhythmMask =
        rhythmMask.map(json -> GenerationJson.compactObject(json, "controls.rhythm_mask"));
    remix = remix.map(json -> GenerationJson.compactObject(json, "controls.remix"));
    unknownKeys =
        Values.unknownKeys(
            unknownKeys, "controls", Set.of(TIME_SIGNATURE, PITCH_MASK, RHYTHM_MASK, REMIX));
  }

  /** Controls without masks or remix. */
  public TrackControls(OptionalInt timeSignature, List<String> unknownKeys) {
    this(timeSignature, Optional.empty(), Optional.empty(), Optional.empty(), unknownKeys);
  }

  /** Locks the time signature to index {@code index} of the encoder's {@code time_signatures}. */
  public static TrackControls ofTimeSignature(int index) {
    return new TrackControls(OptionalInt.of(index), List.of());
  }

  /** Restricts the generated pitches; {@code json} is the {@code pitch_mask} object. */
  public static TrackControls ofPitchMask(String json) {
    return NONE.withNative(Optional.of(json), Optional.empty(), Optional.empty());
  }

  /** Restricts where generated notes start; {@code json} is the {@code rhythm_mask} object. */
  public static TrackControls ofRhythmMask(String json) {
    return NONE.withNative(Optional.empty(), Optional.of(json), Optional.empty());
  }

  /** Regenerates the bars as a variation of their notes; {@code json} is the {@code remix}. */
  public static TrackControls ofRemix(String json) {
    return NONE.withNative(Optional.empty(), Optional.empty(), Optional.of(json));
  }

  private TrackControls withNative(
      Optional<String> pitchMask, Optional<String> rhythmMask, Optional<String> remix) {
    return new TrackControls(timeSignature, pitchMask, rhythmMask, remix, unknownKeys);
  }

  /** True when no control is set and no unknown key is kept. */
  public boolean isEmpty() {
    return timeSignature.isEmpty()
        && pitchMask.isEmpty()
        && rhythmMask.isEmpty()
        && remix.isEmpty()
        && unknownKeys.isEmpty();
  }
}
