package io.midigpt.cli;

import io.midigpt.engine.model.ModelBenchmark;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Prefill and decode speed of random-weight models of the official sizes. */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = "Measures, on the CPU, the prefill time of a prompt and the decode time per"
        + " token of random-weight GPT-2 models of the official sizes (256/4/4, 512/6/8,"
        + " 768/12/12 = embedding/layers/heads), with the peak resident memory.")
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

  @Override
  public Integer call() {
    List<ModelBenchmark.Result> results =
        ModelBenchmark.measureAll(ModelBenchmark.SIZES, threads, prefillTokens, decodeSteps, repeats);
    PrintWriter out = spec.commandLine().getOut();
    out.print(ModelBenchmark.table(results));
    out.flush();
    return 0;
  }
}
