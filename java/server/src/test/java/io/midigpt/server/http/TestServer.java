package io.midigpt.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.midigpt.engine.InferenceEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** A real server on a free loopback port over the tiny checkpoint, and a real client for it. */
final class TestServer implements AutoCloseable {
  static final Path SHARED = Path.of(System.getProperty("midigpt.shared", "../../../shared"));
  static final Path ROOT = Path.of(System.getProperty("midigpt.root", "../.."));
  static final Path MODEL = SHARED.resolve("golden/model/tiny_gpt2.safetensors");
  static final ObjectMapper JSON = new ObjectMapper();

  final HttpServer server;
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final URI base;

  private TestServer(HttpServer server) {
    this.server = server;
    this.base = URI.create("http://127.0.0.1:" + server.port());
  }

  static InferenceEngine engine() {
    return InferenceEngine.fromCheckpoint(MODEL);
  }

  static TestServer start(InferenceEngine engine, UnaryOperator<HttpServerSettings> settings) {
    HttpServerSettings base = HttpServerSettings.defaults("tiny_gpt2").withPort(0);
    return new TestServer(HttpServer.start(engine, settings.apply(base)));
  }

  record Reply(int status, String body, HttpHeaders headers) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(3));
  }

  Reply get(String path) {
    return send(request(path).GET().build());
  }

  Reply post(String path, String json) {
    return send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  Reply send(HttpRequest request) {
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response.body(), response.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
