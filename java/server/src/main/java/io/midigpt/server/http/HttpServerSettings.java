package io.midigpt.server.http;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link HttpServer} listens and what it accepts.
 *
 * @param host the interface to bind: loopback by default; {@code 0.0.0.0} serves a LAN
 * @param port the TCP port; 0 picks a free one ({@link HttpServer#port()} says which)
 * @param checkpointLabel what {@code GET /info} calls the loaded model
 * @param maxQueue generations that may wait while one runs; more get 503 with Retry-After
 * @param maxBodyBytes the largest request body (larger: 413)
 * @param limits tracks, bars, notes and candidates per request
 * @param generationTimeout a generation running longer is cancelled (its partial result returned)
 * @param shutdownGrace how long {@link HttpServer#close()} lets running work finish before it
 *     cancels it
 * @param failureLog where failed generations are appended as JSON lines; null: nowhere
 * @param studio whether the browser studio is served at {@code /} (its assets under {@code
 *     /studio/}); off, {@code /} stays a 404 as for any unknown path
 */
public record HttpServerSettings(
    String host,
    int port,
    String checkpointLabel,
    int maxQueue,
    long maxBodyBytes,
    RequestLimits limits,
    Duration generationTimeout,
    Duration shutdownGrace,
    Path failureLog,
    boolean studio) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8000;
  public static final int DEFAULT_MAX_QUEUE = 16;

  public HttpServerSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(checkpointLabel, "checkpointLabel");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(generationTimeout, "generationTimeout");
    Objects.requireNonNull(shutdownGrace, "shutdownGrace");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
    }
    if (maxQueue < 0) {
      throw new IllegalArgumentException("maxQueue must be >= 0, got " + maxQueue);
    }
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be >= 1, got " + maxBodyBytes);
    }
  }

  /** Loopback, port 8000, a queue of 16, 32 MiB bodies, 10-minute generations, no studio. */
  public static HttpServerSettings defaults(String checkpointLabel) {
    return new HttpServerSettings(
        DEFAULT_HOST,
        DEFAULT_PORT,
        checkpointLabel,
        DEFAULT_MAX_QUEUE,
        32L << 20,
        RequestLimits.DEFAULTS,
        Duration.ofMinutes(10),
        Duration.ofSeconds(10),
        null,
        false);
  }

  public HttpServerSettings withHost(String host) {
    return new HttpServerSettings(host, port, checkpointLabel, maxQueue, maxBodyBytes, limits,
        generationTimeout, shutdownGrace, failureLog, studio);
  }

  public HttpServerSettings withPort(int port) {
    return new HttpServerSettings(host, port, checkpointLabel, maxQueue, maxBodyBytes, limits,
        generationTimeout, shutdownGrace, failureLog, studio);
  }

  public HttpServerSettings withMaxQueue(int maxQueue) {
    return new HttpServerSettings(host, port, checkpointLabel, maxQueue, maxBodyBytes, limits,
        generationTimeout, shutdownGrace, failureLog, studio);
  }

  public HttpServerSettings withMaxBodyBytes(long maxBodyBytes) {
    return new HttpServerSettings(host, port, checkpointLabel, maxQueue, maxBodyBytes, limits,
        generationTimeout, shutdownGrace, failureLog, studio);
  }

  public HttpServerSettings withLimits(RequestLimits limits) {
    return new HttpServerSettings(host, port, checkpointLabel, maxQueue, maxBodyBytes, limits,
        generationTimeout, shutdownGrace, failureLog, studio);
  }

  public HttpServerSettings withGenerationTimeout(Duration generationTimeout) {
    return new HttpServerSettings(host, port, checkpointLabel, maxQueue, maxBodyBytes, limits,
        generationTimeout, shutdownGrace, failureLog, studio);
  }

  public HttpServerSettings withShutdownGrace(Duration shutdownGrace) {
    return new HttpServerSettings(host, port, checkpointLabel, maxQueue, maxBodyBytes, limits,
        generationTimeout, shutdownGrace, failureLog, studio);
  }

  public HttpServerSettings withFailureLog(Path failureLog) {
    return new HttpServerSettings(host, port, checkpointLabel, maxQueue, maxBodyBytes, limits,
        generationTimeout, shutdownGrace, failureLog, studio);
  }

  public HttpServerSettings withStudio(boolean studio) {
    return new HttpServerSettings(host, port, checkpointLabel, maxQueue, maxBodyBytes, limits,
        generationTimeout, shutdownGrace, failureLog, studio);
  }
}
