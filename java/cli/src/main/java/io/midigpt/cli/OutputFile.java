package io.midigpt.cli;

import io.midigpt.InvalidArgumentException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import picocli.CommandLine.Option;

/**
 * The {@code --out FILE [--force]} pair: an existing file is never replaced unless asked, and
 * the file appears only once fully written.
 */
final class OutputFile {
  @Option(names = "--out", required = true, paramLabel = "FILE.mid", description = "Output file.")
  Path path;

  @Option(names = "--force", description = "Replace the output file if it exists.")
  boolean force;

  /** Fails before any work is done when the output exists and --force is absent. */
  Path checkWritable() {
    return checkWritable(path, force);
  }

  /** The same rule for commands whose output is named otherwise (export, plot). */
  static Path checkWritable(Path path, boolean force) {
    if (Files.exists(path) && !force) {
      throw new InvalidArgumentException(path + " exists; pass --force to replace it");
    }
    return path;
  }

  void write(byte[] content) {
    checkWritable();
    Path absolute = path.toAbsolutePath();
    try {
      Path temporary = io.midigpt.TempFiles.beside(absolute);
      try {
        Files.write(temporary, content);
        Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
    }
  }
}
