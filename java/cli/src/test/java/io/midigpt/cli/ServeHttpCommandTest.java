package io.midigpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * serve-http and studio start a real server, answer, and stop when their thread is interrupted.
 */
class ServeHttpCommandTest {
  private static final String MODEL =
      CliRun.SHARED.resolve("golden/model/tiny_gpt2.safetensors").toString();

  @Test
  void servesUntilInterrupted() throws Exception {
    RunningCommand serving =
        RunningCommand.start("serve-http", "--model", MODEL, "--port", "0", "--max-queue", "2");
    int port = Integer.parseInt(serving.awaitOutput("on http://127\\.0\\.0\\.1:(\\d+)"));
    HttpResponse<String> health = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, health.statusCode());
    assertTrue(health.headers().firstValue("X-Request-Id").isPresent());

    assertEquals(0, serving.stop(), serving.err());
  }

  @Test
  void studioPrintsItsUrlAndServesThePageThere() throws Exception {
    RunningCommand serving = RunningCommand.start("studio", "--model", MODEL, "--port", "0");
    String url = serving.awaitOutput("studio for .* at (http://127\\.0\\.0\\.1:\\d+/) ");
    HttpResponse<String> page = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("/studio/app.js"), page.body());

    assertEquals(0, serving.stop(), serving.err());
  }

  @Test
  void aPortInUseIsAClearError() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      CliRun run = CliRun.of("studio", "--model", MODEL, "--port",
          Integer.toString(taken.getLocalPort()));
      assertEquals(1, run.exitCode(), run.out() + run.err());
      assertTrue(run.err().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()),
          run.err());
    }
  }

  @Test
  void benchHttpReportsThroughputLatencyAndStatuses() {
    CliRun run = CliRun.of("bench", "http", "--model", MODEL, "--clients", "3", "--seconds", "2");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("requests/s"), run.out());
    assertTrue(run.out().matches("(?s).*p50 \\d+ ms, p90 \\d+ ms, p99 \\d+ ms.*"), run.out());
    assertTrue(run.out().contains("answers by status: {200="), run.out());
  }

  @Test
  void aBadLogLevelIsAClearError() {
    assertEquals("warn", levelOf("WARNING"));
    try {
      ServerLogging.configure("loud");
      throw new AssertionError("accepted a bad level");
    } catch (io.midigpt.InvalidArgumentException e) {
      assertTrue(e.getMessage().contains("MIDIGPT_LOG_LEVEL=loud"), e.getMessage());
    } finally {
      ServerLogging.configure("info");
    }
  }

  private static String levelOf(String level) {
    ServerLogging.configure(level);
    return System.getProperty("org.slf4j.simpleLogger.defaultLogLevel");
  }
}
