package io.midigpt.cli;

import io.midigpt.InvalidArgumentException;
import io.midigpt.training.DataParallelGroup;
import io.midigpt.training.MidiFiles;
import io.midigpt.training.TrainConfig;
import io.midigpt.training.Trainer;
import io.midigpt.training.TrainingListener;
import io.midigpt.training.TrainingProgress;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Trains a model on MIDI files; Ctrl-C saves a checkpoint that --resume continues from. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Trains a GPT-2 model on MIDI files (folders, files or globs). Checkpoints go"
        + " to <output>/checkpoints, metrics to <output>/metrics.jsonl, the final model to"
        + " <output>/model_final.safetensors. Ctrl-C saves a checkpoint; --resume continues"
        + " exactly where the newest checkpoint stopped.")
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Training config JSON (spec §10.4 field names; unknown keys are ignored).")
  Path config;

  @Option(names = "--train-data", required = true, arity = "1..*", paramLabel = "PATH",
      description = "MIDI files, parquet shards, folders of them, or globs, to train on.")
  List<String> trainData;

  @Option(names = "--eval-data", arity = "1..*", paramLabel = "PATH",
      description = "MIDI files, parquet shards, folders or globs for validation loss.")
  List<String> evalData = new ArrayList<>();

  @Option(names = "--output-dir", paramLabel = "DIR", description = "Overrides output_dir.")
  String outputDir;

  @Option(names = "--resume", description = "Continue from the newest checkpoint in the output"
      + " folder (starts fresh when there is none).")
  boolean resume;

  @Option(names = "--max-steps", paramLabel = "N", description = "Overrides max_steps.")
  Long maxSteps;

  @Option(names = "--grad-accum", paramLabel = "N",
      description = "Overrides gradient_accumulation_steps.")
  Integer gradAccum;

  @Option(names = "--threads", paramLabel = "N", description = "Overrides threads.")
  Integer threads;

  @Option(names = "--device", paramLabel = "DEVICE", description = "Overrides device.")
  String device;

  @Option(names = "--world-size", defaultValue = "${env:WORLD_SIZE:-1}", paramLabel = "N",
      description = "Processes of a data-parallel run (gloo), one command per process or node"
          + " (default: $WORLD_SIZE or 1).")
  int worldSize;

  @Option(names = "--rank", defaultValue = "${env:RANK:-0}", paramLabel = "R",
      description = "This process's rank, 0..N-1; rank 0 logs and writes checkpoints"
          + " (default: $RANK or 0).")
  int rank;

  @Option(names = "--rendezvous", paramLabel = "HOST:PORT|FILE",
      description = "Where the ranks meet: rank 0's host:port (TCP) or a file every rank can"
          + " reach (default: $MASTER_ADDR:$MASTER_PORT).")
  String rendezvous;

  @Override
  public Integer call() throws Exception {
    TrainConfig settings = TrainConfig.fromJson(overrides());
    PrintWriter err = spec.commandLine().getErr();
    try (DataParallelGroup group = worldSize > 1
        ? new DataParallelGroup(rank, worldSize, meetingPoint()) : null) {
      Trainer trainer = new Trainer(settings, MidiFiles.resolve(trainData),
          evalData.isEmpty() ? List.of() : MidiFiles.resolve(evalData), new Progress(err),
          group);
      StopOnSignal.install(trainer::requestStop, err);
      Path result = trainer.run(resume);
      err.println();
      spec.commandLine().getOut().println(result);
      return 0;
    }
  }

  private String meetingPoint() {
    if (rendezvous != null) {
      return rendezvous;
    }
    String host = System.getenv("MASTER_ADDR");
    String port = System.getenv("MASTER_PORT");
    if (host == null || port == null) {
      throw new InvalidArgumentException("--world-size " + worldSize + " needs --rendezvous"
          + " HOST:PORT or FILE (or MASTER_ADDR and MASTER_PORT in the environment)");
    }
    return host + ":" + port;
  }

  /** The config file's JSON with the command-line overrides applied. */
  private String overrides() throws java.io.IOException {
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode node = config == null
        ? json.createObjectNode()
        : (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(config.toFile());
    if (outputDir != null) {
      node.put("output_dir", outputDir);
    }
    if (maxSteps != null) {
      node.put("max_steps", maxSteps);
    }
    if (gradAccum != null) {
      node.put("gradient_accumulation_steps", gradAccum);
    }
    if (threads != null) {
      node.put("threads", threads);
    }
    if (device != null) {
      node.put("device", device);
    }
    return json.writeValueAsString(node);
  }

  /** Messages on their own lines, and one self-overwriting progress line. */
  private static final class Progress implements TrainingListener {
    private final PrintWriter err;
    private long lastPrint;

    Progress(PrintWriter err) {
      this.err = err;
    }

    @Override
    public void message(String text) {
      err.println("\rmidigpt: " + text);
      err.flush();
    }

    @Override
    public void step(TrainingProgress p) {
      long now = System.nanoTime();
      if ((now - lastPrint) / 1_000_000 < 500 && p.step() != p.totalSteps()) {
        return;
      }
      lastPrint = now;
      int width = 24;
      int filled = (int) (width * p.step() / Math.max(1, p.totalSteps()));
      err.printf("\r[%s%s] %d/%d loss %.4f%s lr %.2e %,.0f tok/s ETA %s   ",
          "#".repeat(filled), ".".repeat(width - filled), p.step(), p.totalSteps(), p.loss(),
          Double.isNaN(p.evalLoss()) ? "" : String.format(" val %.4f", p.evalLoss()),
          p.learningRate(), p.tokensPerSecond(), duration(p.etaSeconds()));
      err.flush();
    }

    private static String duration(double seconds) {
      long s = Math.round(seconds);
      return s >= 3600 ? String.format("%dh%02dm", s / 3600, s / 60 % 60)
          : String.format("%dm%02ds", s / 60, s % 60);
    }
  }
}
