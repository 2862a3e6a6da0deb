package io.midigpt.engine.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.Tensor;

/**
 * Speed and memory of {@link Gpt2Model} with random weights at the project's model sizes: one
 * prefill of {@code prefillTokens} tokens, then {@code decodeSteps} cached one-token steps.
 * Times are the best and the median of the repeats after a warm-up (on a shared machine the best
 * is the closer estimate of an idle one); memory is the process's resident set.
 *
 * <p>Run: {@code ./midigpt bench model [--threads 1,2]}.
 * Unless the JVM runs with {@code -Dorg.bytedeco.javacpp.maxPhysicalBytes=0}, JavaCPP reads the
 * process's memory use on every native allocation; decode allocates a few tensors per step, and
 * that check cost ~15% of a 256/4/4 step here.
 */
public final class ModelBenchmark {
  /** The sizes the targets are given for: embd/layers/heads, n_positions 2048, yellow's vocab. */
  public static final List<Gpt2Config> SIZES =
      List.of(
          new Gpt2Config(647, 2048, 256, 4, 4),
          new Gpt2Config(647, 2048, 512, 6, 8),
          new Gpt2Config(647, 2048, 768, 12, 12));

  private ModelBenchmark() {}

  /**
   * One model's figures.
   *
   * @param peakResidentBytes the largest resident set seen while measuring this model
   * @param residentBeforeBytes the resident set before the model was built
   */
  public record Result(
      Gpt2Config config,
      int threads,
      int prefillTokens,
      double prefillMsBest,
      double prefillMsMedian,
      int decodeSteps,
      double decodeMsPerTokenBest,
      double decodeMsPerTokenMedian,
      long peakResidentBytes,
      long residentBeforeBytes) {
    public String size() {
      return config.nEmbd() + "/" + config.nLayer() + "/" + config.nHead();
    }
  }

  /** Measures every config at every thread count on the CPU. */
  public static List<Result> measureAll(
      List<Gpt2Config> configs, int[] threadCounts, int prefillTokens, int decodeSteps,
      int repeats) {
    List<Result> results = new ArrayList<>();
    for (Gpt2Config config : configs) {
      for (int threads : threadCounts) {
        results.add(measure(config, new ModelOptions("cpu", threads), prefillTokens, decodeSteps,
            repeats));
      }
    }
    return results;
  }

  /** Measures one model: prefill time, then decode time per token, each best and median. */
  public static Result measure(
      Gpt2Config config, ModelOptions options, int prefillTokens, int decodeSteps, int repeats) {
    if (prefillTokens + decodeSteps > config.nPositions()) {
      throw new IllegalArgumentException("prefill + decode exceed n_positions");
    }
    Torch.init();
    long before = Pointer.physicalBytes();
    long peak = before;
    Random random = new Random(1234);
    int[] prompt = random.ints(prefillTokens, 0, config.vocabSize()).toArray();
    int[] continuation = random.ints(decodeSteps, 0, config.vocabSize()).toArray();
    double[] prefill = new double[repeats];
    double[] decode = new double[repeats];
    try (Gpt2Model model = Gpt2Model.random(config, options, 42);
        KvCache cache = model.newCache()) {
      // Warm-up: first calls pay for lazy initialisation in libtorch and the JIT.
      runPrefill(model, cache, prompt);
      runDecode(model, cache, continuation, Math.min(decodeSteps, 32));
      for (int r = 0; r < repeats; r++) {
        cache.truncate(0);
        long t0 = System.nanoTime();
        runPrefill(model, cache, prompt);
        prefill[r] = (System.nanoTime() - t0) / 1e6;
        peak = Math.max(peak, Pointer.physicalBytes());
        t0 = System.nanoTime();
        runDecode(model, cache, continuation, decodeSteps);
        decode[r] = (System.nanoTime() - t0) / 1e6 / decodeSteps;
        peak = Math.max(peak, Pointer.physicalBytes());
      }
    }
    return new Result(
        config, options.threads(), prefillTokens, min(prefill), median(prefill), decodeSteps,
        min(decode), median(decode), peak, before);
  }

  private static void runPrefill(Gpt2Model model, KvCache cache, int[] prompt) {
    try (Tensor logits = model.forward(cache, prompt)) {
      // Only the time matters; the logits are freed here.
    }
  }

  private static void runDecode(Gpt2Model model, KvCache cache, int[] tokens, int steps) {
    int start = cache.length();
    for (int i = 0; i < steps; i++) {
      try (Tensor logits = model.decode(cache, tokens[i])) {
        // As above.
      }
    }
    cache.truncate(start);
  }

  private static double min(double[] values) {
    return Arrays.stream(values).min().orElseThrow();
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** A fixed-width table of results. */
  public static String table(List<Result> results) {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "%-10s %7s %7s %22s %24s %9s %9s%n", "model", "params", "threads",
        "prefill ms best/median", "decode ms/token best/med", "peak MiB", "base MiB"));
    for (Result r : results) {
      out.append(String.format(Locale.ROOT,
          "%-10s %6.1fM %7d %8.1f %7.1f (%4d) %8.2f %7.2f (%4d) %9.0f %9.0f%n",
          r.size(), r.config().parameterCount() / 1e6, r.threads(), r.prefillMsBest(),
          r.prefillMsMedian(), r.prefillTokens(), r.decodeMsPerTokenBest(),
          r.decodeMsPerTokenMedian(), r.decodeSteps(), r.peakResidentBytes() / 1048576.0,
          r.residentBeforeBytes() / 1048576.0));
    }
    return out.toString();
  }
}
