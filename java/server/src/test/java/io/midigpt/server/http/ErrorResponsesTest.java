package io.midigpt.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.midigpt.engine.InferenceEngine;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every way a request can be refused: status, the field named, the rule, no stack trace. */
class ErrorResponsesTest {
  private static InferenceEngine engine;
  private static TestServer server;

  @BeforeAll
  static void start() {
    engine = TestServer.engine();
    server = TestServer.start(engine, settings -> settings
        .withMaxBodyBytes(64 * 1024)
        .withLimits(new RequestLimits(4, 64, 1000, 3)));
  }

  @AfterAll
  static void stop() {
    server.close();
    engine.close();
  }

  private static final String SCORE =
      "{\"tracks\": [{\"bars\": [{\"notes\": []}, {\"notes\": []}, {\"notes\": []}, {\"notes\": []}]}]}";

  private static String request(String config) {
    return "{\"tracks\": [{\"id\": 0, \"bars\": [0, 1]}], \"config\": " + config + "}";
  }

  private static String body(String request) {
    return "{\"score\": " + SCORE + ", \"request\": " + request + "}";
  }

  private static final String GOOD_CONFIG =
      "{\"mask_mode\": \"attention\", \"seed\": 1, \"density_hard_limit\": 4, \"max_attempts\": 8}";

  /** Sends {@code body} and checks the refusal; returns the error body. */
  private static JsonNode refused(String body, int status, String field, String ruleFragment) {
    TestServer.Reply reply = server.post("/generate", body);
    assertEquals(status, reply.status(), reply.body());
    JsonNode error = reply.json();
    assertEquals(field, error.get("field").isNull() ? null : error.get("field").asText(), reply.body());
    assertTrue(error.get("rule").asText().contains(ruleFragment), reply.body());
    assertTrue(error.get("detail").asText().contains(ruleFragment), reply.body());
    assertNotNull(reply.header("X-Request-Id"));
    assertEquals(reply.header("X-Request-Id"), error.get("request_id").asText());
    assertFalse(reply.body().contains("Exception"), "no Java internals: " + reply.body());
    assertFalse(reply.body().contains("\tat "), "no stack trace: " + reply.body());
    return error;
  }

  @Test
  void malformedBodiesAre400() {
    refused("{\"score\": ", 400, "body", "not valid JSON");
    refused("", 400, "body", "empty body");
    refused("[1, 2]", 400, "body", "expected a JSON object");
    refused("{\"score\": {}} trailing", 400, "body", "not valid JSON");
    refused("{\"score\": 1, \"score\": 2}", 400, "body", "Duplicate field");
    refused("{\"request\": " + request(GOOD_CONFIG) + "}", 400, "score", "required");
    refused("{\"score\": " + SCORE + "}", 400, "request", "required");
    refused(body(request(GOOD_CONFIG)).replace("{\"score\"", "{\"extra\": 1, \"score\""), 400,
        "extra", "unknown field");
    refused(body(request(GOOD_CONFIG)).replace("\"notes\": []}]}]", "\"notes\": [], \"colour\": 1}]}]"),
        400, "score", "colour");
    refused("{\"score\": [], \"request\": " + request(GOOD_CONFIG) + "}", 400, "score", "expected an object");
    refused("{\"score\": " + SCORE + ", \"request\": []}", 400, "request", "expected an object");
    refused(body(request("{\"temperature\": \"hot\"}")), 400, "request.config.temperature",
        "expected a number");
    refused(body(request("{\"tempreature\": 1.0}")), 400, "request.config.tempreature",
        "unknown field");
    refused(body("{\"tracks\": [{\"bars\": [0]}]}"), 400, "request.tracks[0].id", "required");
    refused(body("{\"tracks\": 3}"), 400, "request.tracks", "expected an array");
    refused(body(request("{\"num_candidates\": 1.5}")), 400, "request.config.num_candidates",
        "integer");
    refused(body(request("{\"batch_attempts\": 1}")), 400, "request.config.batch_attempts",
        "boolean");
    refused(body(request(GOOD_CONFIG)).replace("{\"score\"", "{\"request_id\": \"a b\", \"score\""),
        400, "request_id", "letters, digits");
    refused(body(request(GOOD_CONFIG)).replace("{\"score\"", "{\"stream\": \"yes\", \"score\""),
        400, "stream", "boolean");
    String twoStreamed = body(request("{\"num_candidates\": 2}"))
        .replace("{\"score\"", "{\"stream\": true, \"score\"");
    refused(twoStreamed, 400, "request.config.num_candidates", "streaming returns one candidate");
  }

  @Test
  void invalidRequestsAre422() {
    refused(body("{\"tracks\": [{\"id\": 0, \"bars\": [9]}], \"config\": " + GOOD_CONFIG + "}"),
        422, "request.tracks[0].bars", "bar 9 is outside");
    refused(body(request("{\"mask_mode\": \"attention\", \"temperature\": 0}")), 422,
        "request.config.temperature", "must be > 0");
    refused(body(request("{\"mask_mode\": \"sideways\"}")), 422, "request.config.mask_mode",
        "unknown mode");
    refused(body(request("{\"mask_mode\": \"attention\", \"model_dim\": 3}")), 422,
        "request.config.model_dim", "is not a window size");
    refused(body("{\"tracks\": [{\"id\": 0, \"bars\": [0], \"attributes\": {\"loudness\": 1}}],"
        + " \"config\": " + GOOD_CONFIG + "}"), 422, "request.tracks[0].attributes.loudness",
        "unknown attribute");
    refused(body("{\"tracks\": [], \"config\": " + GOOD_CONFIG + "}"), 422, "request.tracks",
        "");
    String maskedPrompt = "{\"tracks\": [{\"id\": 0, \"bars\": [0], \"controls\": {\"pitch_mask\": %s}}],"
        + " \"config\": " + GOOD_CONFIG + "}";
    refused(body(maskedPrompt.formatted("{\"scale\": \"klingon\"}")), 422,
        "request.tracks[0].controls.pitch_mask.scale", "unknown scale 'klingon'");
    refused(body(maskedPrompt.formatted("{\"pitches\": [60], \"scale\": \"major\"}")), 422,
        "request.tracks[0].controls.pitch_mask", "only one of");
    refused(body(maskedPrompt.formatted("{\"pitches\": \"C\"}")), 400,
        "request.tracks[0].controls.pitch_mask.pitches", "expected an array");
    refused(body(maskedPrompt.formatted("[60]")), 400,
        "request.tracks[0].controls.pitch_mask", "expected an object");
    String rhythmPrompt = "{\"tracks\": [{\"id\": 0, \"bars\": [0], \"controls\": {\"rhythm_mask\": %s}}],"
        + " \"config\": " + GOOD_CONFIG + "}";
    refused(body(rhythmPrompt.formatted("{\"positions\": [{\"pos\": 6}]}")), 422,
        "request.tracks[0].controls.rhythm_mask.positions[0].pos", "must be at pos 0");
    refused(body(rhythmPrompt.formatted(
        "{\"positions\": [{\"pos\": 0}], \"grid\": {\"unit\": \"half\"}}")), 422,
        "request.tracks[0].controls.rhythm_mask", "mutually exclusive");
    refused(body(rhythmPrompt.formatted("{\"grid\": {\"unit\": \"bar\"}}")), 422,
        "request.tracks[0].controls.rhythm_mask.grid.unit", "unknown unit");
    refused(body(rhythmPrompt.formatted("{\"positions\": [{\"polyphony\": 1}]}")), 400,
        "request.tracks[0].controls.rhythm_mask.positions[0].pos", "required");
    refused(body(rhythmPrompt.replace("rhythm_mask", "remix").formatted("{\"amount\": 0.5}")), 422,
        "request.tracks[0].controls.remix", "has no notes to remix");
    refused(body(rhythmPrompt.replace("rhythm_mask", "remix").formatted("{\"amount\": 2}")), 422,
        "request.tracks[0].controls.remix.amount", "must be in [0, 1]");
    refused(body(rhythmPrompt.replace("rhythm_mask", "remix").formatted("{\"mode\": \"full\"}")),
        400, "request.tracks[0].controls.remix.amount", "required");
    refused(body(request("{\"num_candidates\": 4}")), 422, "request.config.num_candidates",
        "must be in [1, 3]");
    String fiveTracks = "{\"tracks\": [" + String.join(", ", List.of("{\"bars\": []}",
        "{\"bars\": []}", "{\"bars\": []}", "{\"bars\": []}", "{\"bars\": []}")) + "]}";
    refused("{\"score\": " + fiveTracks + ", \"request\": " + request(GOOD_CONFIG) + "}", 422,
        "score.tracks", "at most 4 tracks");
  }

  @Test
  void otherRefusals() {
    TestServer.Reply tooLarge = server.post("/generate", "{\"pad\": \"" + "x".repeat(70_000) + "\"}");
    assertEquals(413, tooLarge.status(), tooLarge.body());
    assertNotNull(tooLarge.json().get("detail"));

    TestServer.Reply unknownPath = server.get("/nowhere");
    assertEquals(404, unknownPath.status());
    assertNotNull(unknownPath.json().get("detail"));

    TestServer.Reply noSuchGeneration = server.post("/generate/nobody/cancel", "");
    assertEquals(404, noSuchGeneration.status());
    assertEquals("request_id", noSuchGeneration.json().get("field").asText());

    TestServer.Reply getGenerate = server.get("/generate");
    assertTrue(getGenerate.status() == 404 || getGenerate.status() == 405, getGenerate.body());

    TestServer.Reply noFile = server.send(server.request("/generate/midi")
        .header("Content-Type", new Multipart().contentType())
        .POST(new Multipart().field("request", request(GOOD_CONFIG)).publisher()).build());
    assertEquals(400, noFile.status(), noFile.body());
    assertEquals("midi", noFile.json().get("field").asText());

    Multipart garbage = new Multipart().file("midi", "x.mid", "audio/midi", new byte[] {1, 2, 3})
        .field("request", request(GOOD_CONFIG));
    TestServer.Reply badMidi = server.send(server.request("/generate/midi")
        .header("Content-Type", garbage.contentType()).POST(garbage.publisher()).build());
    assertEquals(400, badMidi.status(), badMidi.body());
    assertEquals("midi", badMidi.json().get("field").asText());
  }

  @Test
  void aFailedGenerationIs500AndLogged() {
    // One attempt whose only token budget cannot hold a bar: the step fails.
    ObjectNode config = GenerateEndpointTest.config(3);
    config.put("max_attempts", 1);
    config.put("density_hard_limit", 0);
    config.put("silence_check", true);
    TestServer.Reply reply = server.post("/generate",
        GenerateEndpointTest.body(1, 4, List.of(0, 1, 2, 3), config));
    if (reply.status() == 200) {
      return; // the random model happened to end its bars; nothing to check
    }
    assertEquals(500, reply.status(), reply.body());
    assertTrue(reply.json().get("detail").asText().startsWith("generation failed"), reply.body());
    assertFalse(reply.body().contains("\tat "));
  }
}
