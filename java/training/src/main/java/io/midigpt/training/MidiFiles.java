package io.midigpt.training;

import io.midigpt.InvalidArgumentException;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Resolves what users pass as training data (folders, files, globs) into sorted paths of MIDI
 * files and parquet shards.
 */
public final class MidiFiles {
  private MidiFiles() {}

  /**
   * Every {@code .mid}/{@code .midi} file and {@code .parquet} shard named by the arguments: a folder is searched
   * recursively, a file is taken as is, anything else is a glob such as {@code data/**.mid}
   * (relative to the working directory). The result is sorted so a run sees the same order on
   * every machine.
   */
  public static List<Path> resolve(List<String> specs) {
    TreeSet<Path> found = new TreeSet<>();
    for (String spec : specs) {
      Path path = Path.of(spec);
      if (Files.isDirectory(path)) {
        found.addAll(walk(path, MidiFiles::isMidi));
      } else if (Files.isRegularFile(path)) {
        found.add(path.toAbsolutePath().normalize());
      } else if (spec.contains("*") || spec.contains("?") || spec.contains("{")) {
        found.addAll(glob(spec));
      } else {
        throw new InvalidArgumentException("training data '" + spec + "' does not exist");
      }
    }
    if (found.isEmpty()) {
      throw new InvalidArgumentException(
          "no MIDI files (.mid, .midi) or parquet shards found in " + specs);
    }
    return List.copyOf(found);
  }

  private static List<Path> glob(String spec) {
    // Strings, not Paths: '*' is not a legal path character on every platform.
    String cwd = Path.of("").toAbsolutePath().toString();
    String absolute = new File(spec).isAbsolute() ? spec : cwd + File.separator + spec;
    int cut = absolute.lastIndexOf(File.separatorChar, firstWildcard(absolute));
    Path base = Path.of(absolute.substring(0, Math.max(cut, 1)));
    if (!Files.isDirectory(base)) {
      return List.of();
    }
    String pattern = absolute.replace("\\", "\\\\");
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
    return walk(base, p -> matcher.matches(p) && isMidi(p));
  }

  private static int firstWildcard(String spec) {
    int index = spec.length();
    for (char c : new char[] {'*', '?', '{', '['}) {
      int at = spec.indexOf(c);
      if (at >= 0) {
        index = Math.min(index, at);
      }
    }
    return index;
  }

  private static List<Path> walk(Path root, java.util.function.Predicate<Path> keep) {
    try (Stream<Path> files = Files.walk(root)) {
      List<Path> out = new ArrayList<>();
      files.filter(Files::isRegularFile)
          .map(p -> p.toAbsolutePath().normalize())
          .filter(keep)
          .forEach(out::add);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
    }
  }

  static boolean isMidi(Path path) {
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".mid") || name.endsWith(".midi") || ParquetShards.isParquet(path);
  }
}
