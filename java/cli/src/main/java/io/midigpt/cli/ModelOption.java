package io.midigpt.cli;

import io.midigpt.engine.InferenceEngine;
import io.midigpt.engine.model.ModelOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model PATH [--device D] [--threads N]}: the checkpoint a command runs. */
final class ModelOption {
  @Option(
      names = "--model",
      required = true,
      paramLabel = "PATH",
      description = "Model checkpoint (format_version 2 .safetensors). Required for now: a bundled"
          + " default model comes in a later release.")
  Path model;

  @Option(
      names = "--device",
      defaultValue = "auto",
      paramLabel = "DEVICE",
      description = "auto, cpu, cuda, cuda:N or mps (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(
      names = "--threads",
      defaultValue = "1",
      paramLabel = "N",
      description = "libtorch threads (default: ${DEFAULT-VALUE}; one is fastest on small CPUs).")
  int threads;

  /** How servers and messages name the loaded model. */
  String label() {
    return model.toString();
  }

  InferenceEngine open() {
    return InferenceEngine.fromCheckpoint(model, new ModelOptions(device, threads));
  }
}
