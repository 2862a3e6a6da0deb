package io.midigpt.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * {@code metrics.jsonl}: one JSON object per logged step or evaluation, flushed as written so a
 * killed run keeps its curve. A resumed run appends; readers take the last line of each step.
 */
final class MetricsLog implements AutoCloseable {
  static final String FILE = "metrics.jsonl";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Null for a log that writes nothing (data-parallel ranks other than 0). */
  private final BufferedWriter out;

  private MetricsLog() {
    out = null;
  }

  static MetricsLog discarding() {
    return new MetricsLog();
  }

  MetricsLog(Path outputDir) {
    try {
      Files.createDirectories(outputDir);
      out = Files.newBufferedWriter(outputDir.resolve(FILE), StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + outputDir.resolve(FILE), e);
    }
  }

  void write(Map<String, Object> record) {
    if (out == null) {
      return;
    }
    try {
      out.write(JSON.writeValueAsString(record));
      out.newLine();
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + FILE + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (out == null) {
      return;
    }
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
