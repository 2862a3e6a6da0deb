package io.midigpt.cli;

import io.midigpt.training.TrainingPlot;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Draws a training run's loss and learning-rate curves. */
@Command(
    name = "plot",
    mixinStandardHelpOptions = true,
    description = "Renders DIR/metrics.jsonl of a training run as a PNG: training and validation"
        + " loss, and the learning rate, over steps.")
final class PlotCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "The run's output folder.")
  Path runDir;

  @Option(names = "--out", paramLabel = "FILE.png", description = "Image (default: DIR/loss.png).")
  Path out;

  @Option(names = "--force", description = "Replace the image if it exists.")
  boolean force;

  @Override
  public Integer call() {
    Path png = out != null ? out : runDir.resolve("loss.png");
    OutputFile.checkWritable(png, force);
    int steps = TrainingPlot.render(runDir, png);
    spec.commandLine().getOut().printf("%s: %d logged steps%n", png, steps);
    return 0;
  }
}
