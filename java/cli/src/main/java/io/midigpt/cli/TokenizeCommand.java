package io.midigpt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.midigpt.InvalidArgumentException;
import io.midigpt.MidigptException;
import io.midigpt.tokenizer.EncodeOptions;
import io.midigpt.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Prints the token ids of MIDI files. */
@Command(
    name = "tokenize",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the token ids of MIDI files as JSON: {\"tokens\":[...]} for one file, one"
          + " {\"file\":...,\"tokens\":[...]} line per file for several.",
      "A file that cannot be read is reported on stderr; the others are still processed and"
          + " the exit code is 1."
    })
final class TokenizeCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE.mid", description = "MIDI files.")
  List<Path> files;

  @Mixin EncoderOption encoder;

  @Option(
      names = "--window",
      defaultValue = "8",
      paramLabel = "4|8|...|full",
      description = "Encode the first N bars of every track with attributes computed on them, as"
          + " in training (N must be in the encoder's num_bars_map), or the whole piece with"
          + " 'full' (NumBars token 4, as the reference's fixtures). Default: ${DEFAULT-VALUE}.")
  String window;

  @Option(
      names = "--pitch-class-set",
      description = "Also emit bar-level PitchClassSet tokens (reference spec §12.1; off in the"
          + " reference's token stream).")
  boolean pitchClassSet;

  @Override
  public Integer call() {
    int firstBars = parseWindow();
    EncodeOptions options =
        EncodeOptions.builder()
            .windowBars(firstBars == 0 ? 4 : firstBars)
            .emitPitchClassSet(pitchClassSet)
            .build();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    boolean single = files.size() == 1;
    int failures = 0;
    try (Tokenizer tokenizer = encoder.open()) {
      for (Path file : files) {
        try {
          int[] tokens = tokenizer.encodeMidi(readFile(file), firstBars, options);
          ObjectNode line = JSON.createObjectNode();
          if (!single) {
            line.put("file", file.toString());
          }
          line.set("tokens", JSON.valueToTree(tokens));
          out.println(line);
          out.flush();
        } catch (MidigptException | UncheckedIOException e) {
          failures++;
          err.println("midigpt: " + file + ": " + e.getMessage());
          err.flush();
        }
      }
    }
    return failures == 0 ? 0 : 1;
  }

  /** 0 for the whole piece, else the window length. */
  private int parseWindow() {
    if (window.equals("full")) {
      return 0;
    }
    try {
      int bars = Integer.parseInt(window);
      if (bars > 0) {
        return bars;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidArgumentException("--window must be a positive bar count or 'full', got '" + window + "'");
  }

  private static byte[] readFile(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read file (" + e.getMessage() + ")", e);
    }
  }
}
