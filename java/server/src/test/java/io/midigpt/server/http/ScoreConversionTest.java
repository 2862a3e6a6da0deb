package io.midigpt.server.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.midigpt.engine.InferenceEngine;
import io.midigpt.score.Score;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /score/from-midi} and {@code /score/to-midi}: the core's reader and writer over
 * HTTP, held to the request limits, with the API's JSON errors; and the extra {@code /info} keys
 * the studio builds its controls from.
 */
class ScoreConversionTest {
  private static final Path MIDI = TestServer.SHARED.resolve("midi/d6caebd1964d9e4a3c5ea59525230e2a.mid");
  private static InferenceEngine engine;
  private static TestServer server;

  @BeforeAll
  static void start() {
    engine = TestServer.engine();
    server = TestServer.start(engine, settings -> settings.withLimits(new RequestLimits(16, 128, 5000, 4)));
  }

  @AfterAll
  static void stop() {
    server.close();
    engine.close();
  }

  private static TestServer.Reply postMidi(String path, byte[] body) {
    return server.send(server.request(path).header("Content-Type", "audio/midi")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
  }

  private static HttpResponse<byte[]> toMidi(String body) throws IOException, InterruptedException {
    return server.client.send(server.request("/score/to-midi")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The same score and bytes as the core's own reader and writer give. */
  @Test
  void aMidiFileBecomesTheCoresScoreAndTheScoreTheCoresMidiFile() throws Exception {
    Score expected = Score.read(MIDI);
    TestServer.Reply reply = postMidi("/score/from-midi", Files.readAllBytes(MIDI));
    assertEquals(200, reply.status(), reply.body());
    JsonNode body = reply.json();
    Score read = Score.fromJson(body.get("score").toString());
    assertEquals(expected, read);
    assertEquals(expected.barCount(), body.get("bar_count").asInt());
    assertEquals(expected.noteCount(), body.get("note_count").asInt());

    ObjectNode request = TestServer.JSON.createObjectNode();
    request.set("score", body.get("score"));
    request.put("filename", "my song/../x?.mid");
    HttpResponse<byte[]> midi = toMidi(request.toString());
    assertEquals(200, midi.statusCode());
    assertEquals("audio/midi", midi.headers().firstValue("Content-Type").orElseThrow());
    assertEquals("attachment; filename=\"my song_.._x_.mid\"",
        midi.headers().firstValue("Content-Disposition").orElseThrow());
    assertArrayEquals(expected.toMidi(), midi.body());
  }

  @Test
  void aWindowKeepsTheBarsAsked() throws IOException {
    TestServer.Reply reply = postMidi("/score/from-midi?first_bar=8&bars=4", Files.readAllBytes(MIDI));
    assertEquals(200, reply.status(), reply.body());
    assertEquals(Score.read(MIDI).window(8, 4), Score.fromJson(reply.json().get("score").toString()));
  }

  @Test
  void badInputIsAClearError() throws Exception {
    byte[] song = Files.readAllBytes(MIDI);
    refused(postMidi("/score/from-midi", new byte[0]), 400, "body", "empty");
    refused(postMidi("/score/from-midi", "not a midi file".getBytes()), 400, "midi", "");
    byte[] longSong = Files.readAllBytes(TestServer.SHARED.resolve("midi/Maestro_1.mid"));
    refused(postMidi("/score/from-midi", longSong), 422, "score.tracks[0].bars", "at most 128 bars");
    assertEquals(200, postMidi("/score/from-midi?first_bar=100&bars=50", longSong).status(),
        "a window of a long piece fits");
    refused(postMidi("/score/from-midi?bars=x", song), 400, "bars", "expected an integer");
    refused(postMidi("/score/from-midi?first_bar=-1&bars=4", song), 422, "first_bar", ">= 0");
    refused(postMidi("/score/from-midi?bars=0", song), 422, "bars", ">= 1");
    refused(postMidi("/score/from-midi?first_bar=96", song), 422, "first_bar",
        "the piece has 96 bars");

    refused(reply(toMidi("{")), 400, "body", "not valid JSON");
    refused(reply(toMidi("{\"tracks\": []}")), 400, "tracks", "unknown field");
    refused(reply(toMidi("{\"score\": 3}")), 400, "score", "required");
    refused(reply(toMidi("{\"score\": {\"tracks\": [{\"bars\": [{\"notes\": [{\"pitch\": 200,"
        + " \"velocity\": 90, \"onset_ticks\": 0, \"duration_ticks\": 10}]}]}]}}")), 400, "score",
        "pitch 200");
    refused(reply(toMidi("{\"score\": {\"tracks\": []}}")), 422, "score.tracks", "at least one");
    refused(reply(toMidi("{\"score\": {\"tracks\": [{\"bars\": []}]}, \"filename\": 7}")), 400,
        "filename", "expected a string");
  }

  @Test
  void infoDescribesEachAttributeAndTheEncodersChoices() {
    JsonNode info = server.get("/info").json();
    JsonNode details = info.get("attribute_info");
    assertEquals(info.get("attributes").size(), details.size());
    for (var attribute : engine.attributes()) {
      JsonNode detail = details.get(attribute.name());
      assertEquals(attribute.size(), detail.get("levels").asInt());
      assertEquals(attribute.size(), detail.get("labels").size());
      assertEquals(attribute.labels().get(0), detail.get("labels").get(0).asText());
      assertEquals(attribute.barLevel() ? "bar" : "track", detail.get("level").asText());
      assertEquals(attribute.trackType(), detail.get("track_type").asText());
      assertEquals(attribute.size(), info.get("attributes").get(attribute.name()).asInt(),
          "the API's own key is unchanged");
    }
    assertEquals(engine.tokenizer().decodeResolution(), info.get("decode_resolution").asInt());
    assertTrue(info.get("time_signatures").toString().contains("\"4/4\""));
    assertTrue(info.get("model_dims").size() > 0);
  }

  private static TestServer.Reply reply(HttpResponse<byte[]> response) {
    return new TestServer.Reply(response.statusCode(), new String(response.body()), response.headers());
  }

  private static void refused(TestServer.Reply reply, int status, String field, String rule) {
    assertEquals(status, reply.status(), reply.body());
    JsonNode error = reply.json();
    assertEquals(field, error.get("field").asText(), reply.body());
    assertTrue(error.get("rule").asText().contains(rule), reply.body());
    assertFalse(reply.body().contains("Exception"), reply.body());
  }
}
