package io.midigpt.generation;

import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Non-attribute locks of a track ({@code TrackPrompt.controls}) or of one bar ({@code
 * TrackPrompt.bar_controls}), reference spec §6.2. JSON: an object such as {@code
 * {"time_signature": 2}}; {@code {}} sets nothing.
 *
 * <p>{@code time_signature} is the only control the reference knows. Other keys are kept by name
 * (their values are dropped, and written back as {@code null}) so that the native validator rejects
 * them with a request error naming the key (§6.4 rules 13-14), as it does for a request parsed
 * natively.
 *
 * @param timeSignature JSON {@code time_signature}: an index into the encoder's {@code
 *     time_signatures}; default unset (empty). Its range is checked by the native validator.
 * @param unknownKeys every other key of the JSON object, sorted, without repeats; default none.
 *     Never {@code time_signature}.
 */
public record TrackControls(OptionalInt timeSignature, List<String> unknownKeys) {
  /** The JSON key of the one known control. */
  public static final String TIME_SIGNATURE = "time_signature";

  /** No control set: {@code {}}. */
  public static final TrackControls NONE = new TrackControls(OptionalInt.empty(), List.of());

  public TrackControls {
    Values.required(timeSignature, "controls.time_signature");
    unknownKeys = Values.unknownKeys(unknownKeys, "controls", Set.of(TIME_SIGNATURE));
  }

  /** Locks the time signature to index {@code index} of the encoder's {@code time_signatures}. */
  public static TrackControls ofTimeSignature(int index) {
    return new TrackControls(OptionalInt.of(index), List.of());
  }

  /** True when no control is set and no unknown key is kept. */
  public boolean isEmpty() {
    return timeSignature.isEmpty() && unknownKeys.isEmpty();
  }
}
