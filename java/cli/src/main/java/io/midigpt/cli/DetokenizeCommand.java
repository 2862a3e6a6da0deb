package io.midigpt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.midigpt.InvalidArgumentException;
import io.midigpt.InvalidTokensException;
import io.midigpt.score.Score;
import io.midigpt.tokenizer.DecodeOptions;
import io.midigpt.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Writes the MIDI file that a token sequence describes. */
@Command(
    name = "detokenize",
    mixinStandardHelpOptions = true,
    description = "Reads token ids as JSON on stdin ({\"tokens\":[...]} or a bare array) and writes"
        + " the decoded piece as a MIDI file.")
final class DetokenizeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin EncoderOption encoder;

  @Mixin OutputFile output;

  @Option(
      names = "--reference-decoder",
      description = "Decode exactly as the reference does: integer bar lengths and silent"
          + " 128-level velocities (spec §12.5, §12.7).")
  boolean referenceDecoder;

  @Override
  public Integer call() {
    int[] tokens = readTokens();
    Path target = output.checkWritable();
    try (Tokenizer tokenizer = encoder.open()) {
      Score score =
          tokenizer.decode(tokens, new DecodeOptions(true, referenceDecoder));
      output.write(score.toMidi());
      spec.commandLine()
          .getErr()
          .printf(
              "midigpt: wrote %s (%d tracks, %d bars, %d notes)%n",
              target, score.tracks().size(), score.barCount(), score.noteCount());
    }
    return 0;
  }

  private int[] readTokens() {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(System.in);
    } catch (IOException e) {
      throw new InvalidTokensException("stdin is not JSON: " + e.getMessage());
    }
    JsonNode array = root != null && root.isObject() ? root.get("tokens") : root;
    if (array == null || !array.isArray()) {
      throw new InvalidTokensException("expected {\"tokens\":[...]} or a JSON array on stdin");
    }
    int[] tokens = new int[array.size()];
    for (int i = 0; i < tokens.length; i++) {
      JsonNode token = array.get(i);
      if (!token.canConvertToInt()) {
        throw new InvalidTokensException("token " + i + " is not an integer: " + token);
      }
      tokens[i] = token.asInt();
    }
    return tokens;
  }
}
