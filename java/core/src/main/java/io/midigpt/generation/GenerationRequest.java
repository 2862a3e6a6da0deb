package io.midigpt.generation;

import java.util.ArrayList;
import java.util.List;

/**
 * What to generate and how (reference spec §6.2): one {@link TrackPrompt} per score track, the
 * sampling {@link InferenceConfig}, and optional piece-level {@link PieceControls}. JSON, the
 * reference's {@code GenerationRequest.from_dict} shape and the HTTP API's {@code request}:
 *
 * <pre>{@code
 * {"tracks": [TrackPrompt...], "config": {InferenceConfig}, "controls": {PieceControls}}
 * }</pre>
 *
 * <p>{@code tracks} is required; {@code config} (default {@link InferenceConfig#DEFAULTS}) and
 * {@code controls} (default none) are optional, and {@code null} means the default.
 *
 * <p>The native core is the single source of truth for the request rules (§6.4); this record does
 * not repeat them. It rejects only what it cannot represent: {@link #fromJson(String)} throws
 * {@link io.midigpt.InvalidArgumentException} (an HTTP 400) for a document that does not have the
 * shape (not JSON, a required key missing, a value of the wrong JSON type, a key the reference does
 * not define), and {@link io.midigpt.RequestValidationException} (an HTTP 422) for an unknown
 * {@code mask_mode}, as the native parser does. Unlike the reference's {@code from_dict}, which
 * ignores unknown keys, unknown keys of the request, a prompt or the config are rejected naming the
 * key; unknown control keys are kept for the native validator to reject.
 *
 * @param tracks JSON {@code tracks} (required): the track prompts, in request order
 * @param config JSON {@code config}, default {@link InferenceConfig#DEFAULTS}
 * @param controls JSON {@code controls}, default {@link PieceControls#NONE} (the key is then not
 *     written); validated natively and then dropped (§12.8)
 */
public record GenerationRequest(
    List<TrackPrompt> tracks, InferenceConfig config, PieceControls controls) {

  public GenerationRequest {
    tracks = Values.list(tracks, "tracks");
    Values.required(config, "config");
    Values.required(controls, "controls");
  }

  /** A request for {@code tracks} with the default config and no piece-level controls. */
  public static GenerationRequest of(List<TrackPrompt> tracks) {
    return new GenerationRequest(tracks, InferenceConfig.DEFAULTS, PieceControls.NONE);
  }

  /**
   * Parses the reference's JSON shape (see the class comment).
   *
   * @throws io.midigpt.InvalidArgumentException for malformed input, naming the field (HTTP 400)
   * @throws io.midigpt.RequestValidationException for an unknown {@code mask_mode} (HTTP 422)
   */
  public static GenerationRequest fromJson(String json) {
    return GenerationJson.readRequest(json);
  }

  /**
   * This request as JSON with every field of every prompt and of the config written; {@code
   * controls} only when some are set; unknown control keys with a {@code null} value. The native
   * parser reads it back to an equal request.
   */
  public String toJson() {
    return GenerationJson.write(GenerationJson.requestToJson(this));
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().tracks(tracks).config(config).controls(controls);
  }

  /** Builds a request: no tracks, the default config, no piece-level controls. */
  public static final class Builder {
    private final List<TrackPrompt> tracks = new ArrayList<>();
    private InferenceConfig config = InferenceConfig.DEFAULTS;
    private PieceControls controls = PieceControls.NONE;

    private Builder() {}

    public Builder addTrack(TrackPrompt track) {
      tracks.add(track);
      return this;
    }

    /** Replaces the track prompts. */
    public Builder tracks(List<TrackPrompt> tracks) {
      this.tracks.clear();
      this.tracks.addAll(Values.required(tracks, "tracks"));
      return this;
    }

    public Builder config(InferenceConfig config) {
      this.config = config;
      return this;
    }

    public Builder controls(PieceControls controls) {
      this.controls = controls;
      return this;
    }

    public GenerationRequest build() {
      return new GenerationRequest(tracks, config, controls);
    }
  }
}
