package io.midigpt.cli;

import io.midigpt.training.EncoderConfigs;
import io.midigpt.training.MidiFiles;
import io.midigpt.training.ValidIndex;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Builds the valid-file index that training reads, so later runs start at once. */
@Command(
    name = "preprocess",
    mixinStandardHelpOptions = true,
    description = "Checks every MIDI file of a data set once (parses, has enough bars and tracks,"
        + " time signatures the encoder knows) and caches the result under $MIDIGPT_CACHE"
        + " (default ~/.midigpt). Prints files read, skipped with reasons, and tokens.")
final class PreprocessCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "DATA",
      description = "MIDI files, parquet shards, folders of them, or globs.")
  List<String> data;

  @Option(names = "--encoder", defaultValue = "yellow", paramLabel = "NAME|FILE",
      description = "Encoder: yellow, prism, expressive, a JSON file or a checkpoint"
          + " (default: ${DEFAULT-VALUE}).")
  String encoder;

  @Option(names = "--min-bars", defaultValue = "4", paramLabel = "N",
      description = "Bars every track needs (default: ${DEFAULT-VALUE}).")
  int minBars;

  @Option(names = "--min-tracks", defaultValue = "1", paramLabel = "N",
      description = "Tracks a file needs (default: ${DEFAULT-VALUE}).")
  int minTracks;

  @Option(names = "--workers", defaultValue = "2", paramLabel = "N",
      description = "Parser threads (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--show-skipped", description = "List every skipped file with its reason.")
  boolean showSkipped;

  @Override
  public Integer call() {
    List<Path> files = MidiFiles.resolve(data);
    String encoderJson = EncoderConfigs.resolve(encoder);
    PrintWriter out = spec.commandLine().getOut();
    ValidIndex index = ValidIndex.load(files, encoderJson, minBars, minTracks,
        ValidIndex.cacheDir(), workers, done -> {});
    out.printf("%d files read, %d usable, %d skipped, %,d tokens (cache: %s)%n", files.size(),
        index.files().size(), index.skipped().size(), index.tokens(), ValidIndex.cacheDir());
    java.util.Map<String, Long> reasons = new java.util.TreeMap<>();
    for (ValidIndex.Skipped s : index.skipped()) {
      reasons.merge(s.reason().replaceAll("\\d+", "N"), 1L, Long::sum);
    }
    reasons.forEach((reason, count) -> out.printf("  %5d  %s%n", count, reason));
    if (showSkipped) {
      index.skipped().forEach(s -> out.printf("  %s: %s%n", s.file(), s.reason()));
    }
    out.flush();
    return 0;
  }
}
