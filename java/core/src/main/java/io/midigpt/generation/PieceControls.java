package io.midigpt.generation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Piece-level controls of a request ({@code GenerationRequest.controls}, reference spec §6.2):
 * {@code {"velocity": bool, "microtiming": bool, "genre": str}}, each optional.
 *
 * <p>The native validator checks them against the encoder (§6.4 rule 6) and then drops them, as the
 * reference does (§12.8), so they never reach the encoder. Other keys are kept by name (their
 * values are dropped, and written back as {@code null}) so that the validator rejects them.
 *
 * @param velocity JSON {@code velocity}: ask for (true) or against (false) velocity tokens; default
 *     unset
 * @param microtiming JSON {@code microtiming}: ask for (true) or against (false) microtiming
 *     deltas; default unset
 * @param genre JSON {@code genre}: a genre name of the encoder's grouping; default unset
 * @param unknownKeys every other key of the JSON object, sorted, without repeats; default none
 */
public record PieceControls(
    Optional<Boolean> velocity,
    Optional<Boolean> microtiming,
    Optional<String> genre,
    List<String> unknownKeys) {

  /** The JSON keys the reference knows. */
  static final Set<String> KNOWN_KEYS = Set.of("velocity", "microtiming", "genre");

  /** No piece-level control: the default, written as no {@code controls} key at all. */
  public static final PieceControls NONE =
      new PieceControls(Optional.empty(), Optional.empty(), Optional.empty(), List.of());

  public PieceControls {
    Values.required(velocity, "controls.velocity");
    Values.required(microtiming, "controls.microtiming");
    Values.required(genre, "controls.genre");
    unknownKeys = Values.unknownKeys(unknownKeys, "controls", KNOWN_KEYS);
  }

  /** True when nothing is set and no unknown key is kept. */
  public boolean isEmpty() {
    return velocity.isEmpty() && microtiming.isEmpty() && genre.isEmpty() && unknownKeys.isEmpty();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .velocity(velocity.orElse(null))
        .microtiming(microtiming.orElse(null))
        .genre(genre.orElse(null))
        .unknownKeys(unknownKeys);
  }

  /** Builds piece controls; every control starts unset. */
  public static final class Builder {
    private Boolean velocity;
    private Boolean microtiming;
    private String genre;
    private final List<String> unknownKeys = new ArrayList<>();

    private Builder() {}

    /** Sets {@code velocity}; {@code null} unsets it. */
    public Builder velocity(Boolean velocity) {
      this.velocity = velocity;
      return this;
    }

    /** Sets {@code microtiming}; {@code null} unsets it. */
    public Builder microtiming(Boolean microtiming) {
      this.microtiming = microtiming;
      return this;
    }

    /** Sets {@code genre}; {@code null} unsets it. */
    public Builder genre(String genre) {
      this.genre = genre;
      return this;
    }

    /** Adds a key the reference does not know (the validator will reject it). */
    public Builder unknownKey(String name) {
      unknownKeys.add(name);
      return this;
    }

    public Builder unknownKeys(Collection<String> names) {
      unknownKeys.clear();
      unknownKeys.addAll(names);
      return this;
    }

    public PieceControls build() {
      return new PieceControls(
          Optional.ofNullable(velocity),
          Optional.ofNullable(microtiming),
          Optional.ofNullable(genre),
          unknownKeys);
    }
  }
}
