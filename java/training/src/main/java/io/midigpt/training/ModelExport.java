package io.midigpt.training;

import io.midigpt.InvalidCheckpointException;
import io.midigpt.engine.model.Gpt2Config;
import io.midigpt.engine.model.SafeTensors;
import java.nio.file.Path;

/** Rewrites a checkpoint's weights in another precision, metadata unchanged. */
public final class ModelExport {
  private ModelExport() {}

  public static void convert(Path from, Path to, SafeTensors.DType dtype) {
    Gpt2Config config;
    String encoder;
    try (SafeTensors file = SafeTensors.open(from)) {
      String json = file.metadata().get("config");
      encoder = file.metadata().get("encoder_config");
      if (json == null || encoder == null) {
        throw new InvalidCheckpointException(
            from + ": not a format_version 2 checkpoint (no config or encoder_config)");
      }
      config = Gpt2Config.fromJson(json);
    }
    try (TrainableGpt2 model = TrainableGpt2.create(config, "cpu", 0, 0.0)) {
      model.loadWeights(from);
      model.save(to, encoder, dtype);
    }
  }
}
