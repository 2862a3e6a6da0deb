package io.midigpt.server.osc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.midigpt.engine.InferenceEngine;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated packets for a few seconds ({@code -Dmidigpt.fuzz.seconds=N} for longer;
 * {@code midigpt bench osc-fuzz} reports memory over minutes): the server refuses the bad ones,
 * handles the valid ones and still answers afterwards.
 */
class OscFuzzTest {
  @Test
  void survivesRandomAndMutatedPackets() {
    long seconds = Long.getLong("midigpt.fuzz.seconds", 5);
    try (InferenceEngine engine = InferenceEngine.fromCheckpoint(OscTestServer.TINY_MODEL);
        OscTestServer osc = OscTestServer.start(engine, s -> s)) {
      OscFuzzer.Stats stats = new OscFuzzer(osc.client, 42).run(seconds * 1000);
      assertTrue(stats.packets() > 100, "sent only " + stats.packets());
      osc.assertAlive();
      assertTrue(osc.server.messagesHandled() > stats.validPackets() / 2,
          "handled " + osc.server.messagesHandled() + " of " + stats);
      assertTrue(osc.server.errorsReplied() > stats.randomPackets() / 2,
          "refused " + osc.server.errorsReplied() + " of " + stats);
      // A session still works from scratch after the storm.
      osc.client.drain();
      osc.startSession();
    }
  }
}
