package io.midigpt.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.midigpt.engine.InferenceEngine;
import io.midigpt.score.Score;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /generate} as plain JSON over the tiny random checkpoint, which rarely ends a bar by
 * itself: requests cap the notes per bar with {@code density_hard_limit}.
 */
class GenerateEndpointTest {
  private static InferenceEngine engine;
  private static TestServer server;

  @BeforeAll
  static void start() {
    engine = TestServer.engine();
    server = TestServer.start(engine, settings -> settings);
  }

  @AfterAll
  static void stop() {
    server.close();
    engine.close();
  }

  /** The curl example of the README, sent as it is written there. */
  @Test
  void readmeExampleGeneratesFourBars() throws IOException {
    String readme = Files.readString(TestServer.ROOT.resolve("README.md"));
    Matcher curl = Pattern.compile("curl -s localhost:8000/generate .*?-d '(.*?)'", Pattern.DOTALL)
        .matcher(readme);
    assertTrue(curl.find(), "the README has a curl example");
    TestServer.Reply reply = server.post("/generate", curl.group(1));
    assertEquals(200, reply.status(), reply.body());
    JsonNode body = reply.json();
    assertEquals("completed", body.get("status").asText());
    assertEquals(7, body.get("seed").asLong());
    String id = body.get("request_id").asText();
    assertEquals(id, reply.header("X-Request-Id"));
    Score score = Score.fromJson(body.get("score").toString());
    assertEquals(1, score.tracks().size());
    assertEquals(4, score.barCount());
    assertTrue(score.noteCount() > 0);
    for (var bar : score.tracks().get(0).bars()) {
      assertTrue(bar.notes().size() <= 8, "density_hard_limit holds");
    }
    JsonNode tokens = body.get("tokens");
    assertTrue(tokens.get("generated_tokens").asInt() > 0);
    assertTrue(tokens.get("context_tokens").asInt() > 0);
    assertEquals(engine.modelConfig().nPositions(), tokens.get("max_context_tokens").asInt());
    assertTrue(body.get("timing").get("model_forward_s").asDouble() > 0);
  }

  @Test
  void multitrackInfillKeepsUntouchedBars() {
    Score song = Score.read(TestServer.SHARED.resolve("midi/d6caebd1964d9e4a3c5ea59525230e2a.mid"))
        .window(0, 8);
    ObjectNode body = TestServer.JSON.createObjectNode();
    body.set("score", Json.tree(song.toJson()));
    ObjectNode request = body.putObject("request");
    ArrayNode tracks = request.putArray("tracks");
    Set<String> chosen = Set.of("0:2", "0:3", "1:5");
    tracks.addObject().put("id", 0).set("bars", TestServer.JSON.valueToTree(List.of(2, 3)));
    tracks.addObject().put("id", 1).set("bars", TestServer.JSON.valueToTree(List.of(5)));
    for (int t = 2; t < song.tracks().size(); t++) {
      tracks.addObject().put("id", t).put("ignore", true).putArray("bars");
    }
    request.set("config", config(5));
    body.put("request_id", "infill-1");
    TestServer.Reply reply = server.post("/generate", body.toString());
    assertEquals(200, reply.status(), reply.body());
    assertEquals("infill-1", reply.json().get("request_id").asText());
    Score after = Score.fromJson(reply.json().get("score").toString());
    assertEquals(song.tracks().size(), after.tracks().size());
    int ratio = after.resolution() / song.resolution();
    for (int t = 0; t < song.tracks().size(); t++) {
      for (int bar = 0; bar < 8; bar++) {
        if (chosen.contains(t + ":" + bar)) {
          continue;
        }
        assertEquals(notes(song, t, bar, ratio), notes(after, t, bar, 1), "track " + t + " bar " + bar);
      }
    }
  }

  private static List<Integer> pitches(Score score, int track, int bar) {
    return score.tracks().get(track).bars().get(bar).notes().stream()
        .map(note -> note.pitch()).sorted().toList();
  }

  private static List<String> notes(Score score, int track, int bar, int scale) {
    List<String> notes = new ArrayList<>();
    for (var note : score.tracks().get(track).bars().get(bar).notes()) {
      notes.add(note.pitch() + "@" + note.onset() * scale);
    }
    notes.sort(null);
    return notes;
  }

  @Test
  void candidatesUseConsecutiveSeedsAndAPickedSeedIsReported() {
    ObjectNode config = config(-1);
    config.put("num_candidates", 2);
    TestServer.Reply reply = server.post("/generate", body(1, 4, List.of(0, 1, 2, 3), config));
    assertEquals(200, reply.status(), reply.body());
    JsonNode body = reply.json();
    long base = body.get("base_seed").asLong();
    assertTrue(base >= 0, "the server picked a seed");
    assertEquals(2, body.get("candidates").size());
    assertEquals(base, body.get("candidates").get(0).get("seed").asLong());
    assertEquals(base + 1, body.get("candidates").get(1).get("seed").asLong());
    assertEquals(2, body.get("summary").get("succeeded").asInt());

    // The same seed again gives candidate 1 again.
    TestServer.Reply again = server.post("/generate", body(1, 4, List.of(0, 1, 2, 3), config(base + 1)));
    assertEquals(200, again.status(), again.body());
    assertEquals(body.get("candidates").get(1).get("score"), again.json().get("score"));
  }

  @Test
  void healthAndInfo() {
    assertEquals("{\"status\":\"ok\"}", server.get("/health").body());
    JsonNode info = server.get("/info").json();
    assertEquals("tiny_gpt2", info.get("checkpoint").asText());
    assertEquals(engine.tokenizer().resolution(), info.get("resolution").asInt());
    JsonNode capabilities = info.get("capabilities");
    assertTrue(capabilities.get("supports_streaming").asBoolean());
    assertTrue(capabilities.get("supports_remove").asBoolean());
    assertFalse(info.get("attributes").isEmpty());
    info.get("attributes").fieldNames().forEachRemaining(
        name -> assertTrue(capabilities.get(name).asBoolean(), name));
  }

  @Test
  void midiInMidiOut() throws IOException {
    byte[] midi = Score.read(TestServer.SHARED.resolve("midi/d6caebd1964d9e4a3c5ea59525230e2a.mid"))
        .window(0, 4).toMidi();
    String request = "{\"tracks\": [{\"id\": 0, \"bars\": [1]}"
        + ", {\"id\": 1, \"ignore\": true, \"bars\": []}, {\"id\": 2, \"ignore\": true, \"bars\": []}"
        + ", {\"id\": 3, \"ignore\": true, \"bars\": []}], \"config\": " + config(11) + "}";
    int tracks = Score.fromMidi(midi).tracks().size();
    StringBuilder prompts = new StringBuilder("{\"tracks\": [{\"id\": 0, \"bars\": [1]}");
    for (int t = 1; t < tracks; t++) {
      prompts.append(", {\"id\": ").append(t).append(", \"ignore\": true, \"bars\": []}");
    }
    request = prompts + "], \"config\": " + config(11) + "}";
    Multipart form = new Multipart()
        .file("midi", "in.mid", "audio/midi", midi)
        .field("request", request);
    TestServer.Reply reply = server.send(server.request("/generate/midi")
        .header("Content-Type", form.contentType()).POST(form.publisher()).build());
    assertEquals(200, reply.status(), reply.body());
    assertEquals("11", reply.header("X-Seed"));
    assertEquals("completed", reply.header("X-Generation-Status"));
    assertNotNull(reply.header("X-Request-Id"));
  }

  @Test
  void aMajorScaleMaskNeverYieldsABlackKey() {
    ObjectNode body = (ObjectNode) Json.tree(body(1, 4, List.of(0, 1, 2, 3), config(13)));
    ObjectNode prompt = (ObjectNode) body.get("request").get("tracks").get(0);
    prompt.putObject("controls").putObject("pitch_mask").put("scale", "major").put("root", 0);
    TestServer.Reply reply = server.post("/generate", body.toString());
    assertEquals(200, reply.status(), reply.body());
    Score score = Score.fromJson(reply.json().get("score").toString());
    assertTrue(score.noteCount() > 0);
    for (var bar : score.tracks().get(0).bars()) {
      for (var note : bar.notes()) {
        assertTrue(Set.of(0, 2, 4, 5, 7, 9, 11).contains(note.pitch() % 12), "pitch " + note.pitch());
      }
    }
    JsonNode presets = server.get("/info").json().get("capabilities").get("pitch_mask_scale_presets");
    assertEquals(14, presets.size());
    assertEquals("major", presets.get(1).asText());
  }

  @Test
  void aHardRhythmScheduleIsReproducedExactly() {
    ObjectNode body = (ObjectNode) Json.tree(body(1, 4, List.of(0, 1, 2, 3), config(17)));
    ((ObjectNode) body.get("request").get("config")).put("density_hard_limit", 0);
    ObjectNode prompt = (ObjectNode) body.get("request").get("tracks").get(0);
    ArrayNode positions = prompt.putObject("controls").putObject("rhythm_mask").putArray("positions");
    positions.addObject().put("pos", 0).put("polyphony", 2);
    positions.addObject().put("pos", 12).put("polyphony", 1);
    positions.addObject().put("pos", 30).put("polyphony", 1);
    TestServer.Reply reply = server.post("/generate", body.toString());
    assertEquals(200, reply.status(), reply.body());
    Score score = Score.fromJson(reply.json().get("score").toString());
    int perGridTick = score.resolution() / engine.tokenizer().resolution();
    for (var bar : score.tracks().get(0).bars()) {
      List<Integer> onsets = bar.notes().stream().map(n -> n.onset() / perGridTick).sorted().toList();
      assertEquals(List.of(0, 0, 12, 30), onsets);
    }
    JsonNode units = server.get("/info").json().get("capabilities").get("rhythm_mask_grid_units");
    assertEquals("whole", units.get(0).asText());
  }

  @Test
  void remixAtAmountZeroGivesBackTheNotes() {
    Score song = Score.read(TestServer.SHARED.resolve("midi/d6caebd1964d9e4a3c5ea59525230e2a.mid"))
        .window(0, 4);
    int track = 0;
    for (int t = 0; t < song.tracks().size(); t++) {
      if (!song.tracks().get(t).isDrum()
          && song.tracks().get(t).noteCount() > song.tracks().get(track).noteCount()) {
        track = t;
      }
    }
    List<Integer> bars = new ArrayList<>();
    for (int b = 0; b < 4; b++) {
      if (!song.tracks().get(track).bars().get(b).notes().isEmpty()) {
        bars.add(b);
      }
    }
    ObjectNode body = TestServer.JSON.createObjectNode();
    body.set("score", Json.tree(song.toJson()));
    ArrayNode prompts = body.putObject("request").putArray("tracks");
    for (int t = 0; t < song.tracks().size(); t++) {
      ObjectNode prompt = prompts.addObject().put("id", t);
      if (t != track) {
        prompt.put("ignore", true).putArray("bars");
        continue;
      }
      prompt.set("bars", TestServer.JSON.valueToTree(bars));
      prompt.putObject("controls").putObject("remix").put("amount", 0.0).put("mode", "full");
    }
    ObjectNode config = config(19);
    config.put("density_hard_limit", 0);
    ((ObjectNode) body.get("request")).set("config", config);
    TestServer.Reply reply = server.post("/generate", body.toString());
    assertEquals(200, reply.status(), reply.body());
    Score after = Score.fromJson(reply.json().get("score").toString());
    // The same pitches; onsets come back quantised to the model's grid (the native suite checks
    // the schedule there exactly).
    for (int bar : bars) {
      assertEquals(pitches(song, track, bar), pitches(after, track, bar), "bar " + bar);
    }
    assertTrue(server.get("/info").json().get("capabilities").get("supports_remix").asBoolean());
  }

  static ObjectNode config(long seed) {
    ObjectNode config = TestServer.JSON.createObjectNode();
    config.put("mask_mode", "attention");
    config.put("seed", seed);
    config.put("density_hard_limit", 6);
    config.put("max_attempts", 8);
    return config;
  }

  /** An empty piece of {@code tracks} piano tracks, generating {@code bars} of the first. */
  static String body(int tracks, int barCount, List<Integer> bars, ObjectNode config) {
    ObjectNode body = TestServer.JSON.createObjectNode();
    ArrayNode scoreTracks = body.putObject("score").putArray("tracks");
    for (int t = 0; t < tracks; t++) {
      ArrayNode trackBars = scoreTracks.addObject().put("instrument", 0).putArray("bars");
      for (int b = 0; b < barCount; b++) {
        trackBars.addObject().putArray("notes");
      }
    }
    ObjectNode request = body.putObject("request");
    ArrayNode prompts = request.putArray("tracks");
    prompts.addObject().put("id", 0).set("bars", TestServer.JSON.valueToTree(bars));
    for (int t = 1; t < tracks; t++) {
      prompts.addObject().put("id", t).put("ignore", true).putArray("bars");
    }
    request.set("config", config);
    return body.toString();
  }
}
