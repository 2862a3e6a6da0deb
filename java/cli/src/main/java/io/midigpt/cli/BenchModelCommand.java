package io.midigpt.cli;

import io.midigpt.engine.InferenceEngine;
import io.midigpt.engine.InfillBenchmark;
import io.midigpt.engine.hub.ModelUnavailableException;
import io.midigpt.engine.model.Checkpoint;
import io.midigpt.engine.model.Gpt2Config;
import io.midigpt.engine.model.ModelBenchmark;
import io.midigpt.engine.model.ModelOptions;
import io.midigpt.tokenizer.Tokenizer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Prefill and decode speed of random-weight models of the official sizes; infill wall time. */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = {
      "Measures, on the CPU, the prefill time of a prompt and the decode time per token of"
          + " random-weight GPT-2 models of the official sizes (256/4/4, 512/6/8, 768/12/12 ="
          + " embedding/layers/heads), with the peak resident memory.",
      "Then the wall time to infill one 4/4 bar of 4 tracks (a fixed 8-bar piece, at most "
          + InfillBenchmark.NOTES_PER_BAR + " notes per bar) with --model (by default the"
          + " default model, when installed) and with the random-weight models."
    })
final class BenchModelCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--threads", split = ",", defaultValue = "1", paramLabel = "N[,N...]",
      description = "libtorch thread counts to compare (default: ${DEFAULT-VALUE}).")
  int[] threads;

  @Option(names = "--prefill", defaultValue = "512", description = "Prompt tokens (default: ${DEFAULT-VALUE}).")
  int prefillTokens;

  @Option(names = "--decode", defaultValue = "256", description = "Decoded tokens (default: ${DEFAULT-VALUE}).")
  int decodeSteps;

  @Option(names = "--repeats", defaultValue = "5", description = "Runs per figure; best and median are shown (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--model", paramLabel = "MODEL",
      description = "Also time the infill with this checkpoint file or pretrained name (default:"
          + " the default model if it is installed).")
  String model;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<ModelBenchmark.Result> results =
        ModelBenchmark.measureAll(ModelBenchmark.SIZES, threads, prefillTokens, decodeSteps, repeats);
    out.print(ModelBenchmark.table(results));
    out.println();
    out.flush();

    List<InfillBenchmark.Result> infills = new ArrayList<>();
    for (int threadCount : threads) {
      ModelOptions options = new ModelOptions("cpu", threadCount);
      String suffix = threads.length > 1 ? " (" + threadCount + " threads)" : "";
      String name = model != null ? model : "default";
      try (InferenceEngine engine = ModelOption.open(name, options, err)) {
        Gpt2Config config = engine.modelConfig();
        String label = Path.of(name).getFileName() + " " + size(config) + suffix;
        infills.add(InfillBenchmark.measure(label, engine, repeats));
      } catch (ModelUnavailableException e) {
        if (model != null) {
          throw e;
        }
        err.println("midigpt: no default model installed; timing random-weight models only");
      }
      String yellow;
      try (Tokenizer tokenizer = Tokenizer.forEncoder("yellow")) {
        yellow = tokenizer.configJson();
      }
      for (Gpt2Config config : ModelBenchmark.SIZES) {
        try (InferenceEngine engine =
            InferenceEngine.of(Checkpoint.random(config, yellow, options, 42))) {
          infills.add(InfillBenchmark.measure("random " + size(config) + suffix, engine, repeats));
        }
      }
    }
    out.print(InfillBenchmark.table(infills));
    out.flush();
    return 0;
  }

  private static String size(Gpt2Config config) {
    return config.nEmbd() + "/" + config.nLayer() + "/" + config.nHead();
  }
}
