package io.midigpt.cli;

import io.midigpt.InvalidArgumentException;
import io.midigpt.engine.model.SafeTensors;
import io.midigpt.training.ModelExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Rewrites a checkpoint with another weight precision (e.g. fp16 to halve its size). */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = "Writes a checkpoint's weights in another precision (f32, f16, bf16), keeping"
        + " its config and encoder config; the engine loads all three.")
final class ExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL", description = "A format_version 2 checkpoint.")
  Path model;

  @Option(names = "--dtype", defaultValue = "f16", paramLabel = "TYPE",
      description = "f32, f16 or bf16 (default: ${DEFAULT-VALUE}).")
  String dtype;

  @Option(names = "--out", required = true, paramLabel = "FILE.safetensors",
      description = "The new checkpoint.")
  Path out;

  @Option(names = "--force", description = "Replace the output file if it exists.")
  boolean force;

  @Override
  public Integer call() throws Exception {
    SafeTensors.DType type = switch (dtype.toLowerCase(Locale.ROOT)) {
      case "f32", "fp32", "float32" -> SafeTensors.DType.F32;
      case "f16", "fp16", "float16" -> SafeTensors.DType.F16;
      case "bf16", "bfloat16" -> SafeTensors.DType.BF16;
      default -> throw new InvalidArgumentException(
          "--dtype " + dtype + ": expected f32, f16 or bf16");
    };
    OutputFile.checkWritable(out, force);
    ModelExport.convert(model, out, type);
    spec.commandLine().getOut().printf("%s: %,d bytes%n", out, Files.size(out));
    return 0;
  }
}
