package io.midigpt.server.osc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.midigpt.engine.InferenceEngine;
import io.midigpt.score.Score;
import io.midigpt.score.Track;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The default model in real time: a piano and drums clip played bar by bar at 120 BPM (a bar every 2
 * s), generated bars requested one bar ahead. Every requested bar either arrives complete, with
 * pitches in the agent's range, before the bar starts, or is reported as dropped: never late.
 * How fast is not asserted here ({@code midigpt bench osc} measures it).
 */
class OscRealTimeTest {
  private static final long BAR_NANOS = 2_000_000_000L;
  /** Loopback and thread scheduling between the server's clock and the client's. */
  private static final long CLOCK_SLACK_NANOS = 100_000_000L;
  /** A late bar, or one skipped because the model was still busy with the one before. */
  private static final Pattern DROPPED = Pattern.compile(
      "^(?:bar (\\d+) of track 9 dropped|generation of bar (\\d+) skipped): .*");

  @Test
  void generatedBarsArriveBeforeTheirBarStartsOrAreReportedDropped() {
    assumeTrue(Files.exists(OscTestServer.DEFAULT_MODEL), "the default model is not installed");
    // Piano and drums, 4/4 at 120 BPM: its first 4 bars are the loop.
    Score song = Score.read(OscTestServer.SHARED.resolve("midi/edge_drums_and_melodic.mid"));
    List<Track> tracks = new ArrayList<>();
    for (Track track : song.tracks()) {
      tracks.add(track.toBuilder().bars(track.bars().subList(0, 4)).build());
    }
    ClipPlayer clip = new ClipPlayer(
        Score.builder().resolution(song.resolution()).tracks(tracks).build());
    try (InferenceEngine engine = InferenceEngine.fromCheckpoint(OscTestServer.DEFAULT_MODEL);
        OscTestServer osc = OscTestServer.start(engine, s -> s)) {
      osc.client.send("/midigpt/session/init", "realtime");
      osc.expect("/midigpt/session/ready");
      clip.createTracks(osc.client);
      osc.client.send("/midigpt/track/create", 9, 33, 10, 1);
      // Track 9 is the agent; its pitch range keeps a bass line a bass line.
      osc.client.send("/midigpt/track/param/set", 9, "min_pitch", 28);
      osc.client.send("/midigpt/track/param/set", 9, "max_pitch", 60);
      osc.client.send("/midigpt/param/set", "buffer_bars", 2);
      osc.client.send("/midigpt/param/set", "bpm", 120f);
      osc.client.send("/midigpt/session/start");
      osc.expect("/midigpt/session/started");

      // Buffer 2, lookahead 1: the end of bar b asks for bar b + 2.
      int played = 4;
      long start = System.nanoTime() + 100_000_000L;
      for (int bar = 0; bar < played; bar++) {
        sleepUntil(start + bar * BAR_NANOS);
        clip.sendBar(osc.client, bar);
        sleepUntil(start + (bar + 1) * BAR_NANOS);
        int[] ts = clip.timeSignature(bar);
        osc.client.send("/midigpt/bar/end", bar, ts[0], ts[1]);
      }
      sleepUntil(start + (played + 2) * BAR_NANOS);

      Map<Integer, Integer> announced = new HashMap<>();
      Map<Integer, Integer> received = new HashMap<>();
      Map<Integer, Long> closed = new HashMap<>();
      List<Integer> dropped = new ArrayList<>();
      List<String> otherErrors = new ArrayList<>();
      for (OscClient.Received reply : osc.client.drain()) {
        switch (reply.address()) {
          case "/midigpt/generated/open" -> announced.put(reply.intArg(1), reply.intArg(2));
          case "/midigpt/generated/note" -> {
            assertEquals(9, reply.intArg(0));
            int pitch = reply.intArg(2);
            assertTrue(pitch >= 28 && pitch <= 60, "pitch outside the agent's range: " + reply);
            received.merge(reply.intArg(1), 1, Integer::sum);
          }
          case "/midigpt/generated/close" -> closed.put(reply.intArg(1), reply.nanos());
          case "/midigpt/error" -> {
            Matcher drop = DROPPED.matcher(reply.stringArg(1));
            if (reply.intArg(0) == OscError.GENERATION.code() && drop.matches()) {
              String bar = drop.group(1) != null ? drop.group(1) : drop.group(2);
              dropped.add(Integer.parseInt(bar));
            } else {
              otherErrors.add(reply.arguments().toString());
            }
          }
          default -> { }
        }
      }
      assertTrue(otherErrors.isEmpty(), "unexpected errors: " + otherErrors);
      for (int target = 2; target < played + 2; target++) {
        boolean delivered = closed.containsKey(target);
        assertTrue(delivered ^ dropped.contains(target),
            "bar " + target + " must be delivered or reported dropped, once: " + closed.keySet()
                + " delivered, " + dropped + " dropped");
        if (delivered) {
          long barStarts = start + target * BAR_NANOS;
          long lateness = closed.get(target) - barStarts;
          assertTrue(lateness <= CLOCK_SLACK_NANOS,
              "bar " + target + " arrived " + lateness / 1_000_000 + " ms after it started");
          assertEquals(announced.get(target), received.getOrDefault(target, 0),
              "notes of bar " + target);
        }
      }
      assertFalse(closed.isEmpty(), "no bar arrived in time at all; dropped: " + dropped);
    }
  }

  private static void sleepUntil(long nanos) {
    long left;
    while ((left = nanos - System.nanoTime()) > 0) {
      LockSupport.parkNanos(left);
    }
  }
}
