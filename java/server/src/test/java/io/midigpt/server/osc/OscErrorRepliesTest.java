package io.midigpt.server.osc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.midigpt.engine.InferenceEngine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every error code of reference §9.2 is reachable over UDP, bad input of every kind is refused
 * with a {@code /midigpt/error} naming the problem, and the server keeps answering afterwards.
 */
class OscErrorRepliesTest {
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
  void invalidState() {
    try (OscTestServer osc = OscTestServer.start(engine, s -> s)) {
      String text = osc.expectError(OscError.INVALID_STATE, "/midigpt/note", 0, 60, 90, 0f, .25f, 0);
      assertTrue(text.startsWith("Message not allowed in state 'UNINITIALIZED'"), text);
      osc.expectError(OscError.INVALID_STATE, "/midigpt/track/create", 0, 0, 10, 0);
      osc.client.send("/midigpt/session/init");
      osc.expect("/midigpt/session/ready");
      osc.client.send("/midigpt/track/create", 1, 4, 10, 1);
      text = osc.expectError(OscError.INVALID_STATE, "/midigpt/session/start");
      assertTrue(text.contains("conditioning track"), text);
      osc.client.send("/midigpt/track/create", 0, 0, 10, 0);
      osc.expectError(OscError.INVALID_STATE, "/midigpt/bar/end", 0, 4, 4);
      osc.expectError(OscError.INVALID_STATE, "/midigpt/track/remove", 1);
      osc.client.send("/midigpt/session/start");
      osc.expect("/midigpt/session/started");
      osc.expectError(OscError.INVALID_STATE, "/midigpt/session/start");
      osc.client.send("/midigpt/session/stop");
      osc.expect("/midigpt/session/stopped");
      text = osc.expectError(OscError.INVALID_STATE, "/midigpt/bar/end", 0, 4, 4);
      assertTrue(text.contains("'STOPPED'"), text);
    }
  }

  @Test
  void trackErrors() {
    try (OscTestServer osc = OscTestServer.start(engine, s -> s)) {
      osc.startSession();
      osc.expectError(OscError.UNKNOWN_TRACK, "/midigpt/note", 9, 60, 90, 0f, .25f, 0);
      osc.expectError(OscError.UNKNOWN_TRACK, "/midigpt/track/remove", 9);
      osc.expectError(OscError.UNKNOWN_TRACK, "/midigpt/track/param/set", 9, "ignore", 1);
      osc.expectError(OscError.DUPLICATE_TRACK, "/midigpt/track/create", 0, 0, 10, 0);
      String text = osc.expectError(OscError.MULTI_AGENT, "/midigpt/track/create", 2, 0, 10, 1);
      assertTrue(text.contains("--max-agents"), text);
      osc.expectError(OscError.AGENT_NOTE, "/midigpt/note", 1, 60, 90, 0f, .25f, 0);
      osc.expectError(OscError.INVALID_PARAM, "/midigpt/track/param/set", 1, "ignore", 1);
      osc.expectError(OscError.INVALID_PARAM, "/midigpt/track/param/set", 1, "min_pitch", 200);
      osc.expectError(OscError.INVALID_PARAM, "/midigpt/track/create", 3, 0, 10);
    }
  }

  @Test
  void noAgent() {
    try (OscTestServer osc = OscTestServer.start(engine, s -> s)) {
      osc.client.send("/midigpt/session/init", "x");
      osc.expect("/midigpt/session/ready");
      osc.client.send("/midigpt/track/create", 0, 0, 10, 0);
      osc.expectError(OscError.NO_AGENT, "/midigpt/session/start");
    }
  }

  @Test
  void severalAgentsWhenTheServerAllowsThem() {
    try (OscTestServer osc = OscTestServer.start(engine, s -> s.withMaxAgents(2))) {
      osc.startSession();
      osc.client.send("/midigpt/track/create", 2, 33, 10, 1);
      osc.expectError(OscError.MULTI_AGENT, "/midigpt/track/create", 3, 0, 11, 1);
    }
  }

  @Test
  void badArgumentsAndParameters() {
    try (OscTestServer osc = OscTestServer.start(engine, s -> s)) {
      osc.startSession();
      String text = osc.expectError(OscError.INVALID_PARAM, "/midigpt/note",
          0, "sixty", 90, 0f, .25f, 0);
      assertTrue(text.contains("argument 2 (pitch) must be an int, got string sixty"), text);
      osc.expectError(OscError.INVALID_PARAM, "/midigpt/note", 0, 60, 90);
      osc.expectError(OscError.INVALID_PARAM, "/midigpt/note", 0, 130, 90, 0f, .25f, 0);
      osc.expectError(OscError.INVALID_PARAM, "/midigpt/note", 0, 60, 90, 1.5f, .25f, 0);
      osc.expectError(OscError.INVALID_PARAM, "/midigpt/note", 0, 60, 90, Float.NaN, .25f, 0);
      text = osc.expectError(OscError.INVALID_PARAM, "/midigpt/note", 0, 60, 90, 0f, .25f, 500);
      assertTrue(text.contains("ahead of the playhead"), text);
      osc.expectError(OscError.INVALID_PARAM, "/midigpt/bar/end", 0, 4, 3);
      osc.expectError(OscError.INVALID_PARAM, "/midigpt/bar/end", 1_000_000, 4, 4);
      text = osc.expectError(OscError.INVALID_PARAM, "/midigpt/param/set", "temperature", 9f);
      assertTrue(text.contains("outside 0.1..5"), text);
      osc.expectError(OscError.INVALID_PARAM, "/midigpt/param/set", "nope", 1);
      osc.expectError(OscError.INVALID_PARAM, "/midigpt/param/set", "mask_mode", "sideways");
      osc.expectError(OscError.INVALID_PARAM, "/midigpt/param/set", "top_k", "many");
      osc.expectError(OscError.INVALID_PARAM, "/midigpt/param/reset", "nope");
      osc.expectError(OscError.INVALID_PARAM, "/midigpt/attr/set", "no_such_attribute", 1);
      osc.expectError(OscError.INVALID_PARAM, "/midigpt/attr/set", "note_density", 999);
      text = osc.expectError(OscError.INVALID_PARAM, "/midigpt/what", 1);
      assertTrue(text.contains("unknown address /midigpt/what"), text);
      // Accepted: numbers as floats (Max/MSP), strings for numeric params, T/F for flags.
      osc.client.send("/midigpt/param/set", "lookahead_bars", 2f);
      osc.client.send("/midigpt/param/set", "top_p", "0.9");
      osc.client.send("/midigpt/param/set", "novelty_check", false);
      osc.client.send("/midigpt/attr/set", "note_density", -1);
      osc.client.send("/midigpt/note", 0f, 60f, 90f, 0f, .25f, 0f);
      osc.assertAlive();
      assertTrue(osc.client.drain().isEmpty(), "accepted messages got an error reply");
    }
  }

  @Test
  void aFloodOfNotesIsBounded() {
    try (OscTestServer osc = OscTestServer.start(engine, s -> s)) {
      osc.startSession();
      for (int i = 0; i < 520; i++) {
        osc.client.send("/midigpt/note", 0, 60 + i % 12, 90, (i % 100) / 100f, .01f, 0);
        if (i % 50 == 0) {
          osc.assertAlive(); // pace the sender so the kernel's UDP buffer drops nothing
        }
      }
      for (int i = 0; i < 8; i++) {
        String text = osc.expect("/midigpt/error").stringArg(1);
        assertTrue(text.contains("512 notes in bar 0 (the per-bar limit)"), text);
      }
      osc.assertAlive();
    }
  }

  @Test
  void malformedPacketsAreRefusedAndTheServerGoesOn() {
    try (OscTestServer osc = OscTestServer.start(engine, s -> s)) {
      osc.client.sendRaw("not osc at all".getBytes(StandardCharsets.US_ASCII));
      assertEquals(OscError.INVALID_PARAM.code(), osc.expect("/midigpt/error").intArg(0));
      osc.client.sendRaw(new byte[] {'/', 'a', 0, 0, ',', 'i', 0, 0, 1});
      assertEquals(OscError.INVALID_PARAM.code(), osc.expect("/midigpt/error").intArg(0));
      osc.client.sendRaw(new byte[0]);
      osc.assertAlive();
      osc.client.send("/midigpt/session/init", "after");
      osc.expect("/midigpt/session/ready");
    }
  }

  @Test
  void generationErrorsAreReportedAndTheNextBarStillGenerates() {
    try (OscTestServer osc = OscTestServer.start(engine, s -> s)) {
      osc.startSession("model_dim", 4, "density_hard_limit", 8, "max_attempts", 8,
          "drop_late", false);
      osc.client.send("/midigpt/param/set_once", "gen_timeout", 1e-6f);
      for (int bar = 0; bar < 3; bar++) {
        osc.playBar(0, bar);
        osc.client.send("/midigpt/bar/end", bar, 4, 4);
      }
      OscClient.Received error = osc.client.await("/midigpt/error", Duration.ofSeconds(60));
      assertNotNull(error);
      assertEquals(OscError.GENERATION.code(), error.intArg(0));
      assertTrue(error.stringArg(1).contains("timed out"), error.stringArg(1));
      osc.expect("/midigpt/status");
      // As in the reference, once-only params are cleared by a successful generation only, so
      // the timeout would stay: reset it.
      osc.client.send("/midigpt/param/reset", "gen_timeout");
      osc.playBar(0, 3);
      osc.client.send("/midigpt/bar/end", 3, 4, 4);
      OscClient.Received open = osc.client.await("/midigpt/generated/open", Duration.ofSeconds(60));
      assertNotNull(open, "no generation after the failed one");
      assertEquals(5, open.intArg(1));
    }
  }
}
