package io.midigpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.midigpt.server.osc.OscClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** serve-osc answers over UDP and stops when interrupted; bench osc and osc-fuzz report. */
class ServeOscCommandTest {
  private static final String MODEL =
      CliRun.SHARED.resolve("golden/model/tiny_gpt2.safetensors").toString();

  @Test
  void servesUntilInterrupted() throws Exception {
    RunningCommand serving = RunningCommand.start("serve-osc", "--model", MODEL, "--host",
        "127.0.0.1", "--port", "0", "--buffer", "2", "--model-dim", "4");
    int port = Integer.parseInt(
        serving.awaitOutput("over OSC on udp://127\\.0\\.0\\.1:(\\d+)"));
    try (OscClient client = new OscClient(port)) {
      client.send("/midigpt/session/init", "cli");
      assertNotNull(client.await("/midigpt/session/ready", Duration.ofSeconds(10)));
      // --buffer 2 --model-dim 4 are the session's defaults, and survive /session/init: the
      // session starts (buffer 2 <= model_dim 4) and a reset keeps them.
      client.send("/midigpt/param/reset_all");
      client.send("/midigpt/track/create", 0, 0, 10, 0);
      client.send("/midigpt/track/create", 1, 33, 10, 1);
      client.send("/midigpt/param/set", "buffer_bars", 5);
      client.send("/midigpt/session/start");
      OscClient.Received error = client.await("/midigpt/error", Duration.ofSeconds(10));
      assertNotNull(error);
      assertTrue(error.stringArg(1).contains("model_dim (4)"), error.arguments().toString());
    }
    assertEquals(0, serving.stop(), serving.err());
  }

  @Test
  void anInvalidParameterDefaultIsAClearError() {
    CliRun run = CliRun.of("serve-osc", "--model", MODEL, "--port", "0", "--lookahead", "20");
    assertEquals(1, run.exitCode(), run.out());
    assertTrue(run.err().contains("lookahead_bars=20 is outside 1..8"), run.err());
  }

  @Test
  void benchOscPrintsLatencyPerAgentCount() {
    CliRun run = CliRun.of("bench", "osc", "--model", MODEL, "--agents", "1,2", "--bars", "4",
        "--bpm", "240");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("first ms"), run.out());
    assertTrue(run.out().matches("(?s).*\\n1\\s+2\\s+\\d\\s+\\d\\s+.*\\n2\\s+2\\s+.*"), run.out());
  }

  @Test
  void benchOscFuzzReportsThatTheServerSurvives() {
    CliRun run = CliRun.of("bench", "osc-fuzz", "--model", MODEL, "--seconds", "2");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("server still answers: yes"), run.out());
    assertTrue(run.out().matches("(?s).*sent \\d+ packets.*error replies.*heap after GC.*"),
        run.out());
  }
}
