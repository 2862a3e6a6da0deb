package io.midigpt.training;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.midigpt.InvalidConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Everything a training run needs, read from JSON with the reference's TrainConfig field names
 * and defaults (spec §10.4) where they apply. Unknown keys are ignored, as in the reference, so
 * its config files load unchanged; fields this trainer adds are marked below.
 *
 * <p>Fields of the reference that do not apply here: {@code logger}, {@code wandb_*} (metrics go
 * to {@code metrics.jsonl}), {@code num_workers = 0} meaning "in process" (loading always runs on
 * background threads; 0 picks one per spare core).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TrainConfig(
    @JsonProperty("output_dir") String outputDir,
    /** A built-in encoder name (yellow, prism, expressive), an encoder JSON or a .safetensors. */
    @JsonProperty("encoder_config_path") String encoderConfigPath,
    @JsonProperty("learning_rate") double learningRate,
    @JsonProperty("weight_decay") double weightDecay,
    @JsonProperty("max_grad_norm") double maxGradNorm,
    @JsonProperty("warmup_steps") int warmupSteps,
    @JsonProperty("lr_scheduler_type") String lrSchedulerType,
    @JsonProperty("num_epochs") int numEpochs,
    @JsonProperty("max_steps") long maxSteps,
    @JsonProperty("per_device_batch_size") int batchSize,
    @JsonProperty("gradient_accumulation_steps") int gradientAccumulationSteps,
    @JsonProperty("seed") long seed,
    @JsonProperty("num_workers") int numWorkers,
    @JsonProperty("n_embd") int nEmbd,
    @JsonProperty("n_layer") int nLayer,
    @JsonProperty("n_head") int nHead,
    @JsonProperty("precision") String precision,
    @JsonProperty("max_seq_len") int maxSeqLen,
    @JsonProperty("save_steps") int saveSteps,
    @JsonProperty("eval_steps") int evalSteps,
    @JsonProperty("limit_val_batches") int limitValBatches,
    @JsonProperty("logging_steps") int loggingSteps,
    @JsonProperty("max_tracks") int maxTracks,
    @JsonProperty("min_tracks") int minTracks,
    @JsonProperty("min_fill_ratio") double minFillRatio,
    @JsonProperty("infill_probability") double infillProbability,
    @JsonProperty("infill_bar_fraction") double infillBarFraction,
    @JsonProperty("mask_apply_probability") double maskApplyProbability,
    /** Ours: checkpoints kept on disk (older ones are deleted after each save). */
    @JsonProperty("keep_checkpoints") int keepCheckpoints,
    /** Ours: transposition drawn uniformly from -range..+range semitones (reference: 6). */
    @JsonProperty("transpose_range") int transposeRange,
    /** Ours: velocity scale drawn from [1 - spread, 1 + spread] (reference: 0.2). */
    @JsonProperty("velocity_spread") double velocitySpread,
    /** Ours: chance that each melodic track's program is replaced by another of its family. */
    @JsonProperty("instrument_swap_probability") double instrumentSwapProbability,
    /** Ours: dropout on embeddings, attention and residual branches (HF GPT-2 uses 0.1). */
    @JsonProperty("dropout") double dropout,
    /** Ours: libtorch intra-op threads. */
    @JsonProperty("threads") int threads,
    /** Ours: auto, cpu, cuda, cuda:N or mps. */
    @JsonProperty("device") String device) {

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private static final List<String> SCHEDULES = List.of("linear", "cosine", "constant");

  public TrainConfig {
    outputDir = outputDir == null ? "checkpoints" : outputDir;
    encoderConfigPath = encoderConfigPath == null || encoderConfigPath.isBlank()
        ? "yellow" : encoderConfigPath;
    lrSchedulerType = lrSchedulerType == null ? "linear"
        : lrSchedulerType.toLowerCase(Locale.ROOT);
    precision = precision == null ? "fp32" : precision.toLowerCase(Locale.ROOT);
    device = device == null || device.isBlank() ? "auto" : device;
    require(learningRate > 0, "learning_rate must be > 0");
    require(weightDecay >= 0, "weight_decay must be >= 0");
    require(maxGradNorm >= 0, "max_grad_norm must be >= 0 (0 turns clipping off)");
    require(warmupSteps >= 0, "warmup_steps must be >= 0");
    require(SCHEDULES.contains(lrSchedulerType),
        "lr_scheduler_type must be one of " + SCHEDULES + ", got '" + lrSchedulerType + "'");
    require(numEpochs >= 1 || maxSteps > 0, "num_epochs must be >= 1 unless max_steps is set");
    require(maxSteps >= 0, "max_steps must be >= 0");
    require(batchSize >= 1, "per_device_batch_size must be >= 1");
    require(gradientAccumulationSteps >= 1, "gradient_accumulation_steps must be >= 1");
    require(numWorkers >= 0, "num_workers must be >= 0");
    require(nEmbd >= 1 && nLayer >= 1 && nHead >= 1, "n_embd, n_layer and n_head must be >= 1");
    require(nEmbd % nHead == 0, "n_embd must be a multiple of n_head");
    // Mixed precision needs autocast, which the JavaCPP presets do not expose.
    require(precision.equals("fp32") || precision.equals("32"),
        "precision '" + precision + "' is not supported: this trainer runs fp32 (use \"fp32\")");
    require(maxSeqLen >= 16, "max_seq_len must be >= 16");
    require(saveSteps >= 1 && evalSteps >= 1 && loggingSteps >= 1,
        "save_steps, eval_steps and logging_steps must be >= 1");
    require(limitValBatches >= 0, "limit_val_batches must be >= 0 (0 = all)");
    require(minTracks >= 1 && maxTracks >= minTracks, "need 1 <= min_tracks <= max_tracks");
    require(minFillRatio >= 0 && minFillRatio <= 1, "min_fill_ratio must be in [0, 1]");
    require(infillProbability >= 0 && infillProbability <= 1,
        "infill_probability must be in [0, 1]");
    require(infillBarFraction > 0 && infillBarFraction <= 1,
        "infill_bar_fraction must be in (0, 1]");
    require(maskApplyProbability == 0,
        "mask_apply_probability must be 0: the released encoders have no MaskBar token");
    require(keepCheckpoints >= 1, "keep_checkpoints must be >= 1");
    require(transposeRange >= 0 && transposeRange <= 12, "transpose_range must be in 0..12");
    require(velocitySpread >= 0 && velocitySpread < 1, "velocity_spread must be in [0, 1)");
    require(instrumentSwapProbability >= 0 && instrumentSwapProbability <= 1,
        "instrument_swap_probability must be in [0, 1]");
    require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1)");
    require(threads >= 1, "threads must be >= 1");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new InvalidConfigException("training config: " + message);
    }
  }

  /** The defaults of spec §10.4, with mask_apply_probability 0 (released encoders) and fp32. */
  public static TrainConfig defaults() {
    return fromJson("{}");
  }

  public static TrainConfig read(Path file) {
    try {
      return fromJson(Files.readString(file));
    } catch (IOException e) {
      throw new InvalidConfigException("cannot read training config " + file + ": " + e.getMessage());
    }
  }

  /** Parses JSON over the defaults: absent keys keep their default, unknown keys are ignored. */
  public static TrainConfig fromJson(String json) {
    try {
      return JSON.readerForUpdating(new Defaults()).<Defaults>readValue(json).toConfig();
    } catch (JsonMappingException e) {
      Throwable cause = e.getCause() instanceof InvalidConfigException ? e.getCause() : e;
      if (cause instanceof InvalidConfigException invalid) {
        throw invalid;
      }
      String field = e.getPath().isEmpty() ? "" : "field '" + e.getPath().get(0).getFieldName()
          + "': ";
      throw new InvalidConfigException("training config: " + field + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidConfigException("training config is not valid JSON: " + e.getMessage());
    }
  }

  public String toJson() {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Optimizer steps of the run: max_steps, or enough steps for num_epochs passes. */
  public long totalSteps(long samplesPerEpoch) {
    if (maxSteps > 0) {
      return maxSteps;
    }
    long perStep = (long) batchSize * gradientAccumulationSteps;
    return Math.max(1, (samplesPerEpoch + perStep - 1) / perStep) * numEpochs;
  }

  /** Mutable holder Jackson fills, starting from the defaults of spec §10.4. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  private static final class Defaults {
    public String outputDir = "checkpoints";
    public String encoderConfigPath = "yellow";
    public double learningRate = 5e-5;
    public double weightDecay = 0.01;
    public double maxGradNorm = 1.0;
    public int warmupSteps = 500;
    public String lrSchedulerType = "linear";
    public int numEpochs = 10;
    public long maxSteps = 0;
    @JsonProperty("per_device_batch_size")
    public int batchSize = 4;
    public int gradientAccumulationSteps = 8;
    public long seed = 42;
    public int numWorkers = 0;
    public int nEmbd = 512;
    public int nLayer = 6;
    public int nHead = 8;
    public String precision = "fp32";
    public int maxSeqLen = 2048;
    public int saveSteps = 1000;
    public int evalSteps = 500;
    public int limitValBatches = 0;
    public int loggingSteps = 50;
    public int maxTracks = 12;
    public int minTracks = 1;
    public double minFillRatio = 0.75;
    public double infillProbability = 0.75;
    public double infillBarFraction = 0.5;
    public double maskApplyProbability = 0.0;
    public int keepCheckpoints = 3;
    public int transposeRange = 6;
    public double velocitySpread = 0.2;
    public double instrumentSwapProbability = 0.0;
    public double dropout = 0.0;
    public int threads = 1;
    public String device = "auto";

    TrainConfig toConfig() {
      return new TrainConfig(outputDir, encoderConfigPath, learningRate, weightDecay,
          maxGradNorm, warmupSteps, lrSchedulerType, numEpochs, maxSteps, batchSize,
          gradientAccumulationSteps, seed, numWorkers, nEmbd, nLayer, nHead, precision,
          maxSeqLen, saveSteps, evalSteps, limitValBatches, loggingSteps, maxTracks, minTracks,
          minFillRatio, infillProbability, infillBarFraction, maskApplyProbability,
          keepCheckpoints, transposeRange, velocitySpread, instrumentSwapProbability, dropout,
          threads, device);
    }
  }
}
