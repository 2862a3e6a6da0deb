package io.midigpt.cli;

import io.midigpt.InvalidArgumentException;
import io.midigpt.engine.InferenceEngine;
import io.midigpt.engine.hub.ModelHub;
import io.midigpt.engine.hub.PretrainedSettings;
import io.midigpt.engine.model.ModelOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --model MODEL [--device D] [--threads N]}: the model a command runs. */
final class ModelOption {
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = "--model",
      defaultValue = "default",
      paramLabel = "MODEL",
      description = "A checkpoint file (format_version 2 .safetensors) or a pretrained model:"
          + " default (the model shipped in models/), yellow, yellow_small, prism_medium,"
          + " expressive, or a file name of the Hugging Face repo Metacreation/MIDI-GPT."
          + " Official models are downloaded once into the Hugging Face cache (HF_HOME,"
          + " HF_HUB_CACHE; HF_HUB_OFFLINE=1 uses only the cache). Default: ${DEFAULT-VALUE}.")
  String model;

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
    return open(model, new ModelOptions(device, threads), command.commandLine().getErr());
  }

  /**
   * Loads {@code model}: an existing file as a checkpoint, a pretrained name through the hub
   * (with a download bar on {@code err}), anything else as a checkpoint path (whose error names
   * it).
   */
  static InferenceEngine open(String model, ModelOptions options, PrintWriter err) {
    if (ModelHub.isPretrainedName(model) && !Files.exists(Path.of(model))) {
      ModelHub hub = new ModelHub(PretrainedSettings.fromEnvironment(), new DownloadBar(err));
      return InferenceEngine.fromPretrained(model, options, hub);
    }
    try {
      return InferenceEngine.fromCheckpoint(Path.of(model), options);
    } catch (InvalidPathException e) {
      throw new InvalidArgumentException("--model " + model + " is neither a file path nor a"
          + " pretrained model name (" + e.getReason() + ")");
    }
  }
}
