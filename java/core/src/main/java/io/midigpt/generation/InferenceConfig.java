package io.midigpt.generation;

/**
 * How a request is sampled and stepped: every field of the reference's {@code InferenceConfig}
 * (reference spec §6.2), with its defaults. JSON: an object with the snake_case keys below, each
 * optional; a missing key or {@code null} takes the default ({@code "model_dim": null} means 0, the
 * smallest window). {@link #DEFAULTS} holds the defaults, written once here.
 *
 * <p>The record checks no rule (ranges, {@code bars_per_step <= model_dim}, filter pairs): the
 * native validator does (§6.4 rules 1-3, 5), and completes the config ({@code model_dim} <= 0
 * becomes the smallest window of the model, {@code temperature_escalation} above 3 is clamped). It
 * only rejects doubles that JSON cannot carry (NaN, infinities).
 *
 * @param temperature JSON {@code temperature}, default 1.0: softmax temperature (must be > 0)
 * @param seed JSON {@code seed}, default -1: when >= 0 the RNG is seeded with {@code seed +
 *     attempt} before each attempt; when < 0 the RNG is left alone
 * @param maxAttempts JSON {@code max_attempts}, default 3: sampling attempts per step (>= 1)
 * @param noveltyCheck JSON {@code novelty_check}, default true: reject a candidate identical to the
 *     step input on the requested bars
 * @param silenceCheck JSON {@code silence_check}, default true: reject a candidate with no notes in
 *     the step's target bars
 * @param temperatureEscalation JSON {@code temperature_escalation}, default 1.0: attempt i samples
 *     at {@code temperature * escalation^i}; must be >= 1, clamped to at most 3.0
 * @param barsPerStep JSON {@code bars_per_step}, default 1: target bars per step (1..model_dim)
 * @param tracksPerStep JSON {@code tracks_per_step}, default 1: tracks per step (>= 1; more than
 *     one is broken for autoregressive tracks in the reference, §12)
 * @param modelDim JSON {@code model_dim}, default 4: window length in bars; must be a window size
 *     of the model ({@code num_bars_map}); <= 0 (or JSON {@code null}) selects the smallest
 * @param shuffle JSON {@code shuffle}, default false: declared by the reference, never read
 * @param maskMode JSON {@code mask_mode}, default {@code "token"}: how hidden bars are encoded
 *     (§6.8); the default is rejected for every released model, which has no MaskBar token
 * @param polyphonyHardLimit JSON {@code polyphony_hard_limit}, default 0: when > 0, at most this
 *     many notes per onset (a PolyphonyConstraint)
 * @param densityHardLimit JSON {@code density_hard_limit}, default 0: when > 0, at most this many
 *     notes per bar (a DensityConstraint)
 * @param topP JSON {@code top_p}, default 1.0: nucleus sampling mass, in (0, 1]; 1 disables it
 * @param topK JSON {@code top_k}, default 0: keep only the k most likely tokens (>= 0); 0 disables
 *     it
 * @param maskP JSON {@code mask_p}, default 0.0: anti-nucleus, drops the top of the distribution
 *     holding this mass, in [0, 1); 0 disables it
 * @param maskK JSON {@code mask_k}, default 0: drop the k most likely tokens (>= 0); 0 disables it
 */
public record InferenceConfig(
    double temperature,
    long seed,
    int maxAttempts,
    boolean noveltyCheck,
    boolean silenceCheck,
    double temperatureEscalation,
    int barsPerStep,
    int tracksPerStep,
    int modelDim,
    boolean shuffle,
    MaskMode maskMode,
    int polyphonyHardLimit,
    int densityHardLimit,
    double topP,
    int topK,
    double maskP,
    int maskK) {

  /** The reference's defaults (spec §6.2): the config of a request with no {@code config}. */
  public static final InferenceConfig DEFAULTS =
      new InferenceConfig(
          1.0, -1L, 3, true, true, 1.0, 1, 1, 4, false, MaskMode.TOKEN, 0, 0, 1.0, 0, 0.0, 0);

  public InferenceConfig {
    Values.finite(temperature, "config.temperature");
    Values.finite(temperatureEscalation, "config.temperature_escalation");
    Values.required(maskMode, "config.mask_mode");
    Values.finite(topP, "config.top_p");
    Values.finite(maskP, "config.mask_p");
  }

  /**
   * Parses a config object alone (the value of a request's {@code config} key), with the same rules
   * as {@link GenerationRequest#fromJson(String)}; error messages name fields as {@code
   * config.<key>}.
   *
   * @throws io.midigpt.InvalidArgumentException when the JSON is malformed or has a key the
   *     reference does not define (HTTP 400)
   * @throws io.midigpt.RequestValidationException for an unknown {@code mask_mode} (HTTP 422)
   */
  public static InferenceConfig fromJson(String json) {
    return GenerationJson.readConfig(json);
  }

  /** This config as a JSON object with every key written. */
  public String toJson() {
    return GenerationJson.write(GenerationJson.configToJson(this));
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return DEFAULTS.toBuilder();
  }

  /** A builder starting from this config. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds a config; see the record's components for each field's meaning and default. */
  public static final class Builder {
    private double temperature;
    private long seed;
    private int maxAttempts;
    private boolean noveltyCheck;
    private boolean silenceCheck;
    private double temperatureEscalation;
    private int barsPerStep;
    private int tracksPerStep;
    private int modelDim;
    private boolean shuffle;
    private MaskMode maskMode;
    private int polyphonyHardLimit;
    private int densityHardLimit;
    private double topP;
    private int topK;
    private double maskP;
    private int maskK;

    private Builder(InferenceConfig from) {
      temperature = from.temperature;
      seed = from.seed;
      maxAttempts = from.maxAttempts;
      noveltyCheck = from.noveltyCheck;
      silenceCheck = from.silenceCheck;
      temperatureEscalation = from.temperatureEscalation;
      barsPerStep = from.barsPerStep;
      tracksPerStep = from.tracksPerStep;
      modelDim = from.modelDim;
      shuffle = from.shuffle;
      maskMode = from.maskMode;
      polyphonyHardLimit = from.polyphonyHardLimit;
      densityHardLimit = from.densityHardLimit;
      topP = from.topP;
      topK = from.topK;
      maskP = from.maskP;
      maskK = from.maskK;
    }

    public Builder temperature(double temperature) {
      this.temperature = temperature;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    public Builder noveltyCheck(boolean noveltyCheck) {
      this.noveltyCheck = noveltyCheck;
      return this;
    }

    public Builder silenceCheck(boolean silenceCheck) {
      this.silenceCheck = silenceCheck;
      return this;
    }

    public Builder temperatureEscalation(double temperatureEscalation) {
      this.temperatureEscalation = temperatureEscalation;
      return this;
    }

    public Builder barsPerStep(int barsPerStep) {
      this.barsPerStep = barsPerStep;
      return this;
    }

    public Builder tracksPerStep(int tracksPerStep) {
      this.tracksPerStep = tracksPerStep;
      return this;
    }

    public Builder modelDim(int modelDim) {
      this.modelDim = modelDim;
      return this;
    }

    public Builder shuffle(boolean shuffle) {
      this.shuffle = shuffle;
      return this;
    }

    public Builder maskMode(MaskMode maskMode) {
      this.maskMode = maskMode;
      return this;
    }

    public Builder polyphonyHardLimit(int polyphonyHardLimit) {
      this.polyphonyHardLimit = polyphonyHardLimit;
      return this;
    }

    public Builder densityHardLimit(int densityHardLimit) {
      this.densityHardLimit = densityHardLimit;
      return this;
    }

    public Builder topP(double topP) {
      this.topP = topP;
      return this;
    }

    public Builder topK(int topK) {
      this.topK = topK;
      return this;
    }

    public Builder maskP(double maskP) {
      this.maskP = maskP;
      return this;
    }

    public Builder maskK(int maskK) {
      this.maskK = maskK;
      return this;
    }

    public InferenceConfig build() {
      return new InferenceConfig(
          temperature,
          seed,
          maxAttempts,
          noveltyCheck,
          silenceCheck,
          temperatureEscalation,
          barsPerStep,
          tracksPerStep,
          modelDim,
          shuffle,
          maskMode,
          polyphonyHardLimit,
          densityHardLimit,
          topP,
          topK,
          maskP,
          maskK);
    }
  }
}
