package io.midigpt.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Appends each failed generation (request and error) as one JSON line, to reproduce it later. */
final class FailureLog {
  private static final Logger LOG = LoggerFactory.getLogger(FailureLog.class);

  private final Path file;

  /** @param file the JSONL file; null logs nothing */
  FailureLog(Path file) {
    this.file = file;
  }

  synchronized void append(String requestId, String body, String error) {
    if (file == null) {
      return;
    }
    ObjectNode line = Json.object();
    line.put("time", Instant.now().toString());
    line.put("request_id", requestId);
    line.put("error", error);
    line.put("body", body);
    try {
      Files.writeString(file, Json.write(line) + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      LOG.warn("could not append to the failure log {}: {}", file, e.toString());
    }
  }
}
