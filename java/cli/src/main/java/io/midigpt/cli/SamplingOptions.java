package io.midigpt.cli;

import io.midigpt.InvalidArgumentException;
import io.midigpt.generation.InferenceConfig;
import io.midigpt.generation.MaskMode;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Option;

/** The sampling options of {@code generate} and {@code infill} (the request's config). */
final class SamplingOptions {
  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "Random seed (>= 0); the same seed, model and input give the same result."
          + " Default: a random one, printed at the end.")
  Long seed;

  @Option(names = "--temperature", defaultValue = "1.0", paramLabel = "T",
      description = "Softmax temperature, > 0 (default: ${DEFAULT-VALUE}).")
  double temperature;

  @Option(names = "--top-k", defaultValue = "0", paramLabel = "K",
      description = "Sample among the K likeliest tokens; 0 = all (default: ${DEFAULT-VALUE}).")
  int topK;

  @Option(names = "--top-p", defaultValue = "1.0", paramLabel = "P",
      description = "Nucleus sampling threshold in (0, 1] (default: ${DEFAULT-VALUE}).")
  double topP;

  @Option(
      names = "--mask-mode",
      defaultValue = "attention",
      paramLabel = "MODE",
      description = "How bars not yet generated are hidden: attention, attention_approx,"
          + " attention_skip or remove (token needs a MaskBar token no released model has;"
          + " default: ${DEFAULT-VALUE}).")
  String maskMode;

  @Option(names = "--model-dim", defaultValue = "4", paramLabel = "BARS",
      description = "Window length in bars the model sees per step (default: ${DEFAULT-VALUE}).")
  int modelDim;

  @Option(names = "--max-attempts", defaultValue = "3", paramLabel = "N",
      description = "Attempts per step before giving up (default: ${DEFAULT-VALUE}).")
  int maxAttempts;

  @Option(names = "--max-notes-per-bar", defaultValue = "0", paramLabel = "N",
      description = "Hard limit on notes per generated bar; 0 = none (default: ${DEFAULT-VALUE}).")
  int densityLimit;

  @Option(names = "--max-polyphony", defaultValue = "0", paramLabel = "N",
      description = "Hard limit on notes starting together; 0 = none (default: ${DEFAULT-VALUE}).")
  int polyphonyLimit;

  /** The seed to use: the given one, or a fresh one the user can pass again. */
  long resolvedSeed() {
    if (seed == null) {
      seed = ThreadLocalRandom.current().nextLong(0, Integer.MAX_VALUE);
    }
    return seed;
  }

  InferenceConfig config() {
    MaskMode mode = MaskMode.fromJsonName(maskMode).orElseThrow(() -> new InvalidArgumentException(
        "--mask-mode " + maskMode + ": expected attention, attention_approx, attention_skip,"
            + " remove or token"));
    return InferenceConfig.builder()
        .seed(resolvedSeed())
        .temperature(temperature)
        .topK(topK)
        .topP(topP)
        .maskMode(mode)
        .modelDim(modelDim)
        .maxAttempts(maxAttempts)
        .densityHardLimit(densityLimit)
        .polyphonyHardLimit(polyphonyLimit)
        .build();
  }
}
