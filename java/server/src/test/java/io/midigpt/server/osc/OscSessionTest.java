package io.midigpt.server.osc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.illposed.osc.OSCMessage;
import io.midigpt.engine.InferenceEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A whole session over real UDP with the tiny checkpoint: lifecycle, generation, replies. */
class OscSessionTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static InferenceEngine engine;

  @BeforeAll
  static void load() {
    engine = InferenceEngine.fromCheckpoint(OscTestServer.TINY_MODEL);
  }

  @AfterAll
  static void unload() {
    engine.close();
  }

  @Test
  void initSendsCapabilitiesThenReady() throws Exception {
    try (OscTestServer osc = OscTestServer.start(engine, s -> s)) {
      osc.client.send("/midigpt/session/init", "demo");
      OscClient.Received capabilities = osc.expect("/midigpt/capabilities");
      JsonNode info = JSON.readTree(capabilities.stringArg(0));
      assertEquals("test", info.get("checkpoint").asText());
      assertTrue(info.get("capabilities").has("supports_token_mask"));
      assertEquals(engine.tokenizer().resolution(), info.get("resolution").asInt());
      osc.expect("/midigpt/session/ready");
    }
  }

  @Test
  void playingBarsGeneratesTheAgentsNextBars() {
    try (OscTestServer osc = OscTestServer.start(engine, s -> s)) {
      osc.startSession("model_dim", 4, "density_hard_limit", 8, "max_attempts", 8,
          "drop_late", false);
      List<Integer> generatedBars = new ArrayList<>();
      for (int bar = 0; bar < 5; bar++) {
        osc.playBar(0, bar);
        osc.client.send("/midigpt/bar/end", bar, 4, 4);
        // buffer_bars 4, lookahead 1: bar 2's end (playhead 3) asks for bar 4, and so on.
        if (bar >= 2) {
          OscClient.Received open = osc.client.await("/midigpt/generated/open",
              Duration.ofSeconds(60));
          assertNotNull(open, "no generated bar after bar " + bar);
          assertEquals(1, open.intArg(0));
          assertEquals(bar + 2, open.intArg(1));
          int notes = open.intArg(2);
          for (int i = 0; i < notes; i++) {
            OscClient.Received note = osc.expect("/midigpt/generated/note");
            assertEquals(bar + 2, note.intArg(1));
            assertTrue(note.intArg(2) >= 0 && note.intArg(2) <= 127, "pitch " + note);
            assertTrue(note.intArg(3) > 0 && note.intArg(3) <= 127, "velocity " + note);
            assertTrue(note.floatArg(4) >= 0 && note.floatArg(4) <= 0.9999f, "onset " + note);
            assertTrue(note.floatArg(5) >= 0.0001f && note.floatArg(5) <= 1f, "duration " + note);
          }
          OscClient.Received close = osc.expect("/midigpt/generated/close");
          assertEquals(bar + 2, close.intArg(1));
          generatedBars.add(open.intArg(1));
          osc.expect("/midigpt/status");
        }
      }
      assertEquals(List.of(4, 5, 6), generatedBars);
    }
  }

  @Test
  void barsEndingFasterThanTheModelAnswersAreReportedDroppedNotDeliveredLate() {
    try (OscTestServer osc = OscTestServer.start(engine, s -> s)) {
      osc.startSession("model_dim", 4, "density_hard_limit", 8);
      // Three bars ending in one bundle arrive at the same instant: the clock estimates bars of
      // no length, so the generation bar 2's end asks for (bar 4) is late before it starts.
      List<OSCMessage> bars = new ArrayList<>();
      for (int bar = 0; bar < 3; bar++) {
        bars.add(new OSCMessage("/midigpt/note", List.of(0, 60, 90, 0f, 0.25f, bar)));
        bars.add(new OSCMessage("/midigpt/bar/end", List.of(bar, 4, 4)));
      }
      osc.client.sendBundle(bars);
      OscClient.Received error = osc.client.await(
          reply -> reply.address().equals("/midigpt/error")
              || reply.address().equals("/midigpt/generated/open"), Duration.ofSeconds(60));
      assertNotNull(error);
      assertEquals("/midigpt/error", error.address(), "a late bar was delivered: " + error);
      assertEquals(OscError.GENERATION.code(), error.intArg(0));
      assertTrue(error.stringArg(1).matches("bar \\d+ of track 1 dropped: .* by \\d+ ms.*"),
          error.stringArg(1));
      osc.expect("/midigpt/status");
      osc.assertAlive();
    }
  }
}
