package io.midigpt.cli;

import io.midigpt.tokenizer.Tokenizer;
import picocli.CommandLine.Option;

/** The {@code --encoder} option shared by the commands that tokenize. */
final class EncoderOption {
  @Option(
      names = "--encoder",
      defaultValue = "yellow",
      paramLabel = "NAME|PATH",
      description = "Encoder config: yellow, prism, expressive or a *_encoder.json file "
          + "(default: ${DEFAULT-VALUE}).")
  String encoder;

  Tokenizer open() {
    return Tokenizer.forEncoder(encoder);
  }
}
