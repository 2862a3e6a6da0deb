package io.midigpt.cli;

import io.midigpt.InvalidArgumentException;
import io.midigpt.MidigptException;
import io.midigpt.score.Score;
import io.midigpt.tokenizer.EncodeOptions;
import io.midigpt.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Speed figures of the pipeline, printed (never asserted by tests). */
@Command(
    name = "tokenizer",
    mixinStandardHelpOptions = true,
    description = "Measures MIDI read + tokenize throughput on one thread: each file is read"
        + " whole and its first --bars bars encoded, as training does.")
final class BenchTokenizerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "DIR",
      defaultValue = "../shared/midi",
      description = "Folder of .mid files (default: ${DEFAULT-VALUE}).")
  Path directory;

  @Mixin EncoderOption encoder;

  @Option(names = "--bars", defaultValue = "8", description = "Bars encoded per file (default: ${DEFAULT-VALUE}).")
  int bars;

  @Option(names = "--seconds", defaultValue = "5", description = "Measuring time per figure (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Override
  public Integer call() {
    List<byte[]> files = readAll(directory);
    PrintWriter out = spec.commandLine().getOut();
    EncodeOptions options = EncodeOptions.builder().windowBars(bars).build();
    try (Tokenizer tokenizer = encoder.open()) {
      out.printf("%d MIDI files from %s, encoder %s, first %d bars, 1 thread%n",
          files.size(), directory, encoder.encoder, bars);
      // Warm-up: JIT and the native library's first use.
      measure(files, 1.0, bytes -> encodeNative(tokenizer, bytes, options));
      Figures nativePath = measure(files, seconds, bytes -> encodeNative(tokenizer, bytes, options));
      Figures javaPath = measure(files, seconds, bytes -> encodeThroughRecords(tokenizer, bytes, options));
      report(out, "read+tokenize (one native call)", nativePath);
      report(out, "read+tokenize (via Java Score)", javaPath);
      out.printf("files shorter than %d bars (read, not encoded): %d%n", bars, nativePath.skippedPerPass);
    }
    out.flush();
    return 0;
  }

  private static int encodeNative(Tokenizer tokenizer, byte[] midi, EncodeOptions options) {
    return tokenizer.encodeMidi(midi, options.windowBars(), options).length;
  }

  private static int encodeThroughRecords(Tokenizer tokenizer, byte[] midi, EncodeOptions options) {
    Score score = Score.fromMidi(midi);
    if (score.barCount() < options.windowBars()) {
      throw new InvalidArgumentException("piece shorter than the window");
    }
    return tokenizer.encode(score.window(0, options.windowBars()), options).length;
  }

  private interface Encoding {
    int tokens(byte[] midi);
  }

  private record Figures(long files, long tokens, double elapsedSeconds, long skippedPerPass) {
    double filesPerSecond() {
      return files / elapsedSeconds;
    }

    double tokensPerSecond() {
      return tokens / elapsedSeconds;
    }
  }

  /** Passes over the whole set until {@code seconds} have elapsed. */
  private static Figures measure(List<byte[]> files, double seconds, Encoding encoding) {
    long files0 = 0;
    long tokens = 0;
    long skipped = 0;
    long start = System.nanoTime();
    long deadline = start + (long) (seconds * 1e9);
    do {
      skipped = 0;
      for (byte[] midi : files) {
        try {
          tokens += encoding.tokens(midi);
        } catch (MidigptException e) {
          skipped++;
        }
        files0++;
      }
    } while (System.nanoTime() < deadline);
    return new Figures(files0, tokens, (System.nanoTime() - start) / 1e9, skipped);
  }

  private static void report(PrintWriter out, String label, Figures figures) {
    out.printf("%-34s %9.0f files/s %12.0f tokens/s (%d files in %.1f s)%n",
        label, figures.filesPerSecond(), figures.tokensPerSecond(), figures.files(),
        figures.elapsedSeconds());
  }

  private static List<byte[]> readAll(Path directory) {
    try (Stream<Path> paths = Files.list(directory)) {
      List<byte[]> files = new ArrayList<>();
      for (Path path : paths.filter(p -> p.toString().endsWith(".mid")).sorted().toList()) {
        files.add(Files.readAllBytes(path));
      }
      if (files.isEmpty()) {
        throw new InvalidArgumentException("no .mid files in " + directory);
      }
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + directory + ": " + e.getMessage(), e);
    }
  }
}
