package io.midigpt.training;

import io.midigpt.InvalidConfigException;
import io.midigpt.engine.model.SafeTensors;
import io.midigpt.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resolves {@code encoder_config_path}: a built-in name, an encoder JSON or a checkpoint. */
public final class EncoderConfigs {
  private EncoderConfigs() {}

  public static String resolve(String spec) {
    if (Tokenizer.BUILTIN_ENCODERS.contains(spec)) {
      return Tokenizer.builtinConfig(spec);
    }
    Path path = Path.of(spec);
    if (!Files.isRegularFile(path)) {
      throw new InvalidConfigException("encoder config '" + spec + "' is neither one of "
          + Tokenizer.BUILTIN_ENCODERS + " nor a file");
    }
    if (spec.endsWith(".safetensors")) {
      try (SafeTensors file = SafeTensors.open(path)) {
        String json = file.metadata().get("encoder_config");
        if (json == null) {
          throw new InvalidConfigException(spec + " has no encoder_config in its metadata");
        }
        return json;
      }
    }
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new InvalidConfigException("cannot read encoder config " + spec + ": " + e.getMessage());
    }
  }
}
