package io.midigpt.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.midigpt.engine.InferenceEngine;
import io.midigpt.score.Score;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Server-sent events, cancellation, the bounded queue, timeouts and shutdown. */
class StreamingAndCancelTest {
  private static InferenceEngine engine;

  @BeforeAll
  static void load() {
    engine = TestServer.engine();
  }

  @AfterAll
  static void unload() {
    engine.close();
  }

  /** A generation of {@code bars} bars: long enough to stop in the middle at 200 bars. */
  private static String generation(int bars, String requestId, boolean stream) {
    ObjectNode config = GenerateEndpointTest.config(21);
    config.put("density_hard_limit", 12);
    ObjectNode body = (ObjectNode) Json.tree(GenerateEndpointTest.body(
        1, bars, IntStream.range(0, bars).boxed().toList(), config));
    body.put("request_id", requestId);
    body.put("stream", stream);
    return body.toString();
  }

  /** The {@code data:} frames of an event stream, as they arrive. */
  private static Iterator<JsonNode> frames(TestServer server, String body) {
    try {
      HttpResponse<Stream<String>> response = server.client.send(
          server.request("/generate").header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofLines());
      assertEquals(200, response.statusCode());
      assertEquals("text/event-stream;charset=utf-8",
          response.headers().firstValue("Content-Type").orElse("").replace(" ", "").toLowerCase());
      assertNotNull(response.headers().firstValue("X-Request-Id").orElse(null));
      return response.body().filter(line -> line.startsWith("data: "))
          .map(line -> Json.tree(line.substring(6))).iterator();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What a client drawing the stream shows: notes frames add, retract frames take bars back. */
  private static final class StreamedNotes {
    final Map<Integer, List<String>> byBar = new TreeMap<>();
    int noteFrames;
    int retractFrames;
    int largestNoteFrame;

    /** Applies a notes or retract frame; false for the final frame. */
    boolean apply(JsonNode frame) {
      switch (frame.get("type").asText()) {
        case "notes" -> {
          noteFrames++;
          largestNoteFrame = Math.max(largestNoteFrame, frame.get("notes").size());
          for (JsonNode note : frame.get("notes")) {
            assertEquals(0, note.get("track").asInt());
            byBar.computeIfAbsent(note.get("bar").asInt(), b -> new ArrayList<>())
                .add(key(note.get("pitch").asInt(), note.get("onset_tick").asInt(),
                    note.get("duration_tick").asInt(), note.get("velocity").asInt()));
          }
          return true;
        }
        case "retract" -> {
          retractFrames++;
          assertEquals(0, frame.get("track").asInt());
          frame.get("bars").forEach(bar -> byBar.remove(bar.asInt()));
          return true;
        }
        default -> {
          return false;
        }
      }
    }

    /** Every streamed note is in the result's bar and every note of a streamed bar was sent. */
    void assertMatches(Score score) {
      var bars = score.tracks().get(0).bars();
      byBar.forEach((bar, notes) -> {
        List<String> expected = new ArrayList<>();
        bars.get(bar).notes().forEach(note -> expected.add(
            key(note.pitch(), note.onset(), note.duration(), note.velocity())));
        Collections.sort(expected);
        List<String> sent = new ArrayList<>(notes);
        Collections.sort(sent);
        assertEquals(expected, sent, "bar " + bar);
      });
    }

    private static String key(int pitch, int onset, int duration, int velocity) {
      return pitch + "@" + onset + "+" + duration + "v" + velocity;
    }
  }

  @Test
  void notesArriveOneByOneBeforeDoneAndMatchTheResult() {
    try (TestServer server = TestServer.start(engine, settings -> settings)) {
      Iterator<JsonNode> frames = frames(server, generation(8, "stream-1", true));
      StreamedNotes streamed = new StreamedNotes();
      JsonNode last = null;
      while (frames.hasNext()) {
        JsonNode frame = frames.next();
        if (!streamed.apply(frame)) {
          last = frame;
        }
      }
      assertNotNull(last);
      assertEquals("done", last.get("type").asText(), last.toString());
      // One frame per decoded note: the model completes one note per token.
      assertEquals(1, streamed.largestNoteFrame);
      JsonNode response = last.get("response");
      assertEquals("stream-1", response.get("request_id").asText());
      assertEquals("completed", response.get("status").asText());
      Score score = Score.fromJson(response.get("score").toString());
      assertEquals(score.noteCount(),
          streamed.byBar.values().stream().mapToInt(List::size).sum(),
          "every note of the result was streamed");
      streamed.assertMatches(score);
    }
  }

  @Test
  void aRejectedAttemptIsRetractedBeforeItsRetry() {
    // A drum hit on the downbeat, infilled under a schedule and pitch set that allow exactly that
    // hit: every attempt streams it, and the novelty check rejects every attempt.
    String body = """
        {"score": {"tracks": [{"instrument": 0, "track_type": "drum", "bars": [
           {"notes": [{"pitch": 36, "velocity": 100, "onset_ticks": 0, "duration_ticks": 120}]},
           {"notes": []}, {"notes": []}, {"notes": []}]}]},
         "request": {"tracks": [{"id": 0, "bars": [0], "controls": {
           "rhythm_mask": {"positions": [{"pos": 0, "polyphony": 1}]},
           "pitch_mask": {"pitches": [36]}}}],
           "config": {"mask_mode": "attention", "seed": 5, "max_attempts": 3}},
         "stream": true}""";
    try (TestServer server = TestServer.start(engine, settings -> settings)) {
      TestServer.Reply probe = server.post("/generate", body.replace("true}", "false}"));
      assertEquals(500, probe.status(), probe.body());
      Iterator<JsonNode> frames = frames(server, body);
      StreamedNotes streamed = new StreamedNotes();
      List<String> types = new ArrayList<>();
      JsonNode last = null;
      while (frames.hasNext()) {
        last = frames.next();
        types.add(last.get("type").asText());
        if (streamed.apply(last)) {
          streamed.byBar.values().forEach(notes -> assertEquals(1, notes.size(), notes.toString()));
        }
      }
      assertEquals(List.of("notes", "retract", "notes", "retract", "notes", "error"), types);
      assertTrue(last.get("error").asText().contains("novelty"), last.toString());
    }
  }

  @Test
  void cancellingAStreamReturnsThePartialScore() {
    try (TestServer server = TestServer.start(engine, settings -> settings)) {
      Iterator<JsonNode> frames = frames(server, generation(200, "long-1", true));
      StreamedNotes streamed = new StreamedNotes();
      // A note of bar 2 means the steps of bars 0 and 1 were accepted.
      JsonNode first;
      do {
        first = frames.next();
        assertTrue(streamed.apply(first), first.toString());
      } while (streamed.byBar.keySet().stream().noneMatch(bar -> bar >= 2));
      TestServer.Reply cancel = server.post("/generate/long-1/cancel", "");
      assertEquals(200, cancel.status(), cancel.body());
      assertEquals("cancelling", cancel.json().get("status").asText());
      JsonNode last = first;
      while (frames.hasNext()) {
        last = frames.next();
        streamed.apply(last);
      }
      assertEquals("cancelled", last.get("type").asText(), last.toString());
      JsonNode response = last.get("response");
      assertEquals("cancelled", response.get("status").asText());
      Score partial = Score.fromJson(response.get("score").toString());
      assertEquals(200, partial.barCount());
      assertTrue(partial.noteCount() > 0, "the steps before the cancel are kept");
      assertTrue(partial.tracks().get(0).bars().get(199).notes().isEmpty(), "stopped early");
      // The unfinished attempt's notes were retracted: the stream shows the partial score.
      streamed.assertMatches(partial);
      assertEquals(partial.noteCount(),
          streamed.byBar.values().stream().mapToInt(List::size).sum());
    }
  }

  @Test
  void cancellingAPlainRequestAnswersItsCaller() throws Exception {
    try (TestServer server = TestServer.start(engine, settings -> settings)) {
      CompletableFuture<HttpResponse<String>> pending = server.client.sendAsync(
          server.request("/generate").header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(generation(200, "long-2", false))).build(),
          HttpResponse.BodyHandlers.ofString());
      TestServer.Reply cancel = waitUntilCancelled(server, "long-2");
      assertEquals("long-2", cancel.json().get("request_id").asText());
      HttpResponse<String> response = pending.get();
      assertEquals(200, response.statusCode(), response.body());
      JsonNode body = Json.tree(response.body());
      assertEquals("cancelled", body.get("status").asText());
      assertTrue(body.get("score").isObject());
    }
  }

  private static TestServer.Reply waitUntilCancelled(TestServer server, String id)
      throws InterruptedException {
    for (int i = 0; i < 500; i++) {
      TestServer.Reply cancel = server.post("/generate/" + id + "/cancel", "");
      if (cancel.status() == 200) {
        return cancel;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the generation never showed up in flight");
  }

  @Test
  void aStreamClientThatLeavesStopsItsGeneration() throws Exception {
    try (TestServer server = TestServer.start(engine, settings -> settings)) {
      byte[] body = generation(400, "drop-1", true).getBytes(StandardCharsets.UTF_8);
      try (Socket socket = new Socket("127.0.0.1", server.server.port())) {
        OutputStream out = socket.getOutputStream();
        out.write(("POST /generate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.write(body);
        out.flush();
        BufferedReader in = new BufferedReader(
            new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.contains("\"type\":\"notes\"")) {
          // headers, then wait for the first notes frame
        }
        assertNotNull(line);
      }
      long left = System.nanoTime();
      // The generation is gone from the in-flight table once it has really stopped.
      while (server.post("/generate/drop-1/cancel", "").status() == 200) {
        assertTrue(System.nanoTime() - left < Duration.ofSeconds(10).toNanos(),
            "the generation kept running after its client left");
        Thread.sleep(50);
      }
      TestServer.Reply next = server.post("/generate", generation(4, "after-drop", false));
      assertEquals(200, next.status(), next.body());
    }
  }

  @Test
  void aFullQueueAnswers503WithRetryAfter() {
    try (TestServer server = TestServer.start(engine, settings -> settings.withMaxQueue(0))) {
      Iterator<JsonNode> frames = frames(server, generation(200, "busy-1", true));
      assertEquals("notes", frames.next().get("type").asText());
      TestServer.Reply refused = server.post("/generate", generation(4, "busy-2", false));
      assertEquals(503, refused.status(), refused.body());
      assertTrue(Long.parseLong(refused.header("Retry-After")) >= 1);
      assertEquals(200, server.post("/generate/busy-1/cancel", "").status());
      frames.forEachRemaining(frame -> {});
      TestServer.Reply later = server.post("/generate", generation(4, "busy-3", false));
      assertEquals(200, later.status(), later.body());
    }
  }

  @Test
  void aDuplicateIdInFlightIs409() {
    try (TestServer server = TestServer.start(engine, settings -> settings)) {
      Iterator<JsonNode> frames = frames(server, generation(200, "twice", true));
      frames.next();
      TestServer.Reply again = server.post("/generate", generation(4, "twice", false));
      assertEquals(409, again.status(), again.body());
      assertEquals("request_id", again.json().get("field").asText());
      server.post("/generate/twice/cancel", "");
      frames.forEachRemaining(frame -> {});
    }
  }

  @Test
  void aGenerationPastItsTimeoutIsCancelled() {
    try (TestServer server = TestServer.start(engine,
        settings -> settings.withGenerationTimeout(Duration.ofMillis(300)))) {
      TestServer.Reply reply = server.post("/generate", generation(200, "slow", false));
      assertEquals(200, reply.status(), reply.body());
      assertEquals("cancelled", reply.json().get("status").asText());
      assertTrue(reply.json().get("detail").asText().contains("timed out"), reply.body());
    }
  }

  @Test
  void shutdownCancelsRunningWorkAfterItsGrace() throws Exception {
    TestServer server = TestServer.start(engine,
        settings -> settings.withShutdownGrace(Duration.ofMillis(200)));
    Iterator<JsonNode> frames = frames(server, generation(200, "at-close", true));
    assertEquals("notes", frames.next().get("type").asText());
    Thread closer = new Thread(server::close);
    closer.start();
    List<JsonNode> rest = new ArrayList<>();
    frames.forEachRemaining(rest::add);
    closer.join();
    JsonNode last = rest.get(rest.size() - 1);
    assertEquals("cancelled", last.get("type").asText(), last.toString());
    assertTrue(last.get("response").get("detail").asText().contains("shutting down"));
    assertFalse(last.get("response").get("score").isNull());
  }
}
