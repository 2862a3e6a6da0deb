package io.midigpt.cli;

import io.midigpt.training.EvaluationReport;
import io.midigpt.training.Evaluator;
import io.midigpt.training.MidiFiles;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Measures a model on held-out MIDI against an n-gram baseline. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = "Evaluates a model on held-out MIDI: loss and grammar-masked bits per note"
        + " next to an n-gram baseline trained on --train-data, then generation probes"
        + " (grammar-valid bars, attribute-control accuracy, infill note F1, bars copied from"
        + " the training set). Prints a Markdown table; --json writes every figure.")
final class EvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "PATH", description = "Checkpoint.")
  Path model;

  @Option(names = "--data", required = true, arity = "1..*", paramLabel = "PATH",
      description = "Held-out MIDI folders, files or globs.")
  List<String> data;

  @Option(names = "--train-data", required = true, arity = "1..*", paramLabel = "PATH",
      description = "The model's training MIDI: the n-gram baseline and copy detection use it.")
  List<String> trainData;

  @Option(names = "--max-files", defaultValue = "0", paramLabel = "N",
      description = "Held-out pieces scored for likelihood (default: all).")
  int maxFiles;

  @Option(names = "--generation-pieces", defaultValue = "40", paramLabel = "N",
      description = "Held-out pieces used for generation probes (default: ${DEFAULT-VALUE}).")
  int generationPieces;

  @Option(names = "--ngram-order", defaultValue = "5", paramLabel = "N",
      description = "Tokens per n-gram of the baseline (default: ${DEFAULT-VALUE}).")
  int ngramOrder;

  @Option(names = "--seed", defaultValue = "1234", paramLabel = "N",
      description = "Seed for piece choice and sampling (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON.")
  Path json;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    Evaluator evaluator = new Evaluator(
        new Evaluator.Settings(maxFiles, generationPieces, ngramOrder, seed), line -> {
          err.println("midigpt: " + line);
          err.flush();
        });
    EvaluationReport report = evaluator.run(model, MidiFiles.resolve(data),
        MidiFiles.resolve(trainData));
    PrintWriter out = spec.commandLine().getOut();
    out.print(report.toMarkdown());
    out.flush();
    if (json != null) {
      Files.writeString(json, report.toJson());
    }
    return 0;
  }
}
