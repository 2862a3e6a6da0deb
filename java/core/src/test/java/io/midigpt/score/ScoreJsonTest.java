package io.midigpt.score;

import static io.midigpt.testing.ScoreDiff.assertScoreEquals;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.midigpt.InvalidScoreException;
import io.midigpt.testing.GoldenFixtures;
import io.midigpt.testing.GoldenFixtures.Piece;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The score JSON of the HTTP API (spec §8): shape, defaults, strictness, round trip. */
class ScoreJsonTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** A melodic and a drum track, a 6/8 bar, a future bar, attributes and a microtiming delta. */
  private static Score sample() {
    Track piano =
        Track.builder()
            .instrument(5)
            .attribute("min_polyphony", 2)
            .addBar(
                Bar.builder()
                    .addNote(Note.of(60, 100, 0, 480))
                    .addNote(new Note(240, 120, 64, 90, 3))
                    .attribute("bar_max_polyphony", 1)
                    .build())
            .addBar(Bar.builder().timeSignature(6, 8).future(true).build())
            .build();
    Track drums =
        Track.builder()
            .type(TrackType.DRUM)
            .addBar(Bar.builder().addNote(Note.of(36, 127, 0, 1)).build())
            .addBar(Bar.builder().timeSignature(6, 8).addNote(Note.of(42, 1, 720, 1)).build())
            .build();
    return Score.builder().resolution(480).tempo(600_000).addTrack(piano).addTrack(drums).build();
  }

  @Test
  void writesTheHttpApiShape() throws IOException {
    JsonNode json = MAPPER.readTree(sample().toJson());
    JsonNode piano = json.get("tracks").get(0);
    JsonNode drums = json.get("tracks").get(1);
    JsonNode firstBar = piano.get("bars").get(0);
    JsonNode delayedNote = firstBar.get("notes").get(1);
    assertAll(
        () -> assertEquals(Set.of("resolution", "tempo", "tracks"), fieldNames(json)),
        () -> assertEquals(480, json.get("resolution").asInt()),
        () -> assertEquals(600_000, json.get("tempo").asInt()),
        () ->
            assertEquals(
                Set.of("instrument", "track_type", "bars", "attributes"), fieldNames(piano)),
        () -> assertEquals(Set.of("instrument", "track_type", "bars"), fieldNames(drums)),
        () -> assertEquals(5, piano.get("instrument").asInt()),
        () -> assertEquals("melodic", piano.get("track_type").asText()),
        () -> assertEquals("drum", drums.get("track_type").asText()),
        () ->
            assertEquals(
                Set.of(
                    "ts_numerator", "ts_denominator", "beat_length", "future", "notes",
                    "attributes"),
                fieldNames(firstBar)),
        () -> assertEquals(4, firstBar.get("ts_numerator").asInt()),
        () -> assertEquals(4, firstBar.get("ts_denominator").asInt()),
        () -> assertFalse(firstBar.get("future").asBoolean()),
        () -> assertEquals(6, piano.get("bars").get(1).get("ts_numerator").asInt()),
        () -> assertEquals(8, piano.get("bars").get(1).get("ts_denominator").asInt()),
        () -> assertTrue(piano.get("bars").get(1).get("future").asBoolean()),
        () ->
            assertEquals(
                Set.of("pitch", "velocity", "onset_ticks", "duration_ticks", "delta"),
                fieldNames(delayedNote)),
        () -> assertEquals(64, delayedNote.get("pitch").asInt()),
        () -> assertEquals(90, delayedNote.get("velocity").asInt()),
        () -> assertEquals(240, delayedNote.get("onset_ticks").asInt()),
        () -> assertEquals(120, delayedNote.get("duration_ticks").asInt()),
        () -> assertEquals(3, delayedNote.get("delta").asInt()),
        // Attribute maps appear only where set.
        () -> assertEquals(2, piano.get("attributes").get("min_polyphony").asInt()),
        () -> assertEquals(1, firstBar.get("attributes").get("bar_max_polyphony").asInt()),
        () -> assertEquals(3.0, piano.get("bars").get(1).get("beat_length").asDouble()),
        () -> assertFalse(drums.has("attributes"), "empty track attributes are omitted"));
  }

  @Test
  void missingFieldsTakeTheSpecDefaults() {
    Score score =
        Score.fromJson(
            "{\"tracks\":[{\"bars\":[{\"notes\":[{\"pitch\":60,\"velocity\":90,"
                + "\"onset_ticks\":12,\"duration_ticks\":24}]},{\"ts_numerator\":3}]}]}");
    Score expected =
        Score.builder()
            .resolution(480)
            .tempo(500_000)
            .addTrack(
                Track.builder()
                    .instrument(0)
                    .type(TrackType.MELODIC)
                    .addBar(
                        new Bar(4, 4, 4.0, false, List.of(new Note(12, 24, 60, 90, 0)), Map.of()))
                    .addBar(new Bar(3, 4, 3.0, false, List.of(), Map.of()))
                    .build())
            .build();
    assertEquals(expected, score);
  }

  @Test
  void emptyObjectIsAnEmptyScore() {
    assertEquals(new Score(480, 500_000, List.of()), Score.fromJson("{}"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "{\"name\":\"song\",\"tracks\":[]}",
        "{\"tracks\":[{\"channel\":3,\"bars\":[]}]}",
        "{\"tracks\":[{\"bars\":[{\"colour\":\"red\",\"notes\":[]}]}]}",
        "{\"tracks\":[{\"bars\":[{\"notes\":[{\"pitch\":60,\"velocity\":90,\"onset_ticks\":0,"
            + "\"duration_ticks\":1,\"pitch_bend\":2}]}]}]}"
      })
  void unknownFieldsAreRejectedByName(String json) throws IOException {
    String unknown = unknownField(MAPPER.readTree(json));
    InvalidScoreException error =
        assertThrows(InvalidScoreException.class, () -> Score.fromJson(json));
    assertTrue(
        error.getMessage().contains(unknown),
        "the message should name \"" + unknown + "\": " + error.getMessage());
  }

  @Test
  void missingRequiredNoteFieldIsRejectedByName() {
    InvalidScoreException error =
        assertThrows(
            InvalidScoreException.class,
            () ->
                Score.fromJson(
                    "{\"tracks\":[{\"bars\":[{\"notes\":[{\"velocity\":90,\"onset_ticks\":0,"
                        + "\"duration_ticks\":1}]}]}]}"));
    assertTrue(error.getMessage().contains("pitch"), error.getMessage());
  }

  /** Each row: a JSON fragment replacing a valid value, and what the message must mention. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "\"pitch\":200 | pitch 200",
        "\"pitch\":-1 | pitch -1",
        "\"velocity\":128 | velocity 128",
        "\"onset_ticks\":-5 | onset -5",
        "\"duration_ticks\":-1 | duration -1",
        "\"instrument\":300 | instrument 300",
        "\"track_type\":\"bass\" | bass",
        "\"ts_denominator\":0 | 4/0",
        "\"beat_length\":-2.0 | beat length -2.0",
        "\"resolution\":0 | resolution 0",
        "\"tempo\":-1 | tempo -1"
      })
  void badValuesAreRejectedWithAClearMessage(String replacement, String mentioned) {
    String json = validJsonWith(replacement);
    InvalidScoreException error =
        assertThrows(InvalidScoreException.class, () -> Score.fromJson(json), json);
    assertTrue(
        error.getMessage().contains(mentioned),
        "the message should mention \"" + mentioned + "\": " + error.getMessage());
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "",
        "null",
        "[]",
        "{\"tracks\":[",
        "{} {}",
        "{\"tracks\":[{\"bars\":[{\"notes\":[{\"pitch\":\"sixty\",\"velocity\":90,"
            + "\"onset_ticks\":0,\"duration_ticks\":1}]}]}]}",
        "{\"tracks\":[{\"bars\":[{\"notes\":[{\"pitch\":null,\"velocity\":90,"
            + "\"onset_ticks\":0,\"duration_ticks\":1}]}]}]}"
      })
  void malformedJsonIsAnInvalidScore(String json) {
    InvalidScoreException error =
        assertThrows(InvalidScoreException.class, () -> Score.fromJson(json));
    assertFalse(error.getMessage().isBlank());
  }

  @Test
  void roundTripKeepsEveryField() {
    Score score = sample();
    assertScoreEquals(score, Score.fromJson(score.toJson()), "sample JSON round trip");
  }

  @Test
  void roundTripKeepsReferenceScores() {
    // A parsed multitrack score with drums, and a decoded one carrying bar attributes.
    Piece piece =
        GoldenFixtures.pieces().stream()
            .filter(p -> p.file().endsWith("edge_drums_and_melodic.mid"))
            .findFirst()
            .orElseThrow();
    var fixture = piece.load();
    Score parsed = fixture.score("score_480");
    Score decoded =
        GoldenFixtures.score(fixture.cases("prism").get(0).decoded());
    assertAll(
        () -> assertScoreEquals(parsed, Score.fromJson(parsed.toJson()), "score_480"),
        () -> assertScoreEquals(decoded, Score.fromJson(decoded.toJson()), "prism decoded"));
  }

  /** A one-note score JSON with {@code replacement} ("key":value) overriding that key. */
  private static String validJsonWith(String replacement) {
    String key = replacement.substring(0, replacement.indexOf(':'));
    String note =
        "{\"pitch\":60,\"velocity\":90,\"onset_ticks\":0,\"duration_ticks\":1,\"delta\":0}";
    String bar =
        "{\"ts_numerator\":4,\"ts_denominator\":4,\"beat_length\":4.0,\"future\":false,"
            + "\"notes\":[" + note + "]}";
    String track = "{\"instrument\":0,\"track_type\":\"melodic\",\"bars\":[" + bar + "]}";
    String score = "{\"resolution\":480,\"tempo\":500000,\"tracks\":[" + track + "]}";
    String replaced = score.replaceFirst(key + ":(\"[a-z]+\"|[-0-9.]+|false)", replacement);
    if (replaced.equals(score)) {
      throw new IllegalArgumentException("no key " + key + " in the template");
    }
    return replaced;
  }

  /** The one field name in {@code json} that the score shape does not know. */
  private static String unknownField(JsonNode json) {
    Set<String> known =
        Set.of(
            "resolution", "tempo", "tracks", "instrument", "track_type", "bars", "attributes",
            "ts_numerator", "ts_denominator", "beat_length", "future", "notes", "pitch",
            "velocity", "onset_ticks", "duration_ticks", "delta");
    Set<String> unknown = new HashSet<>();
    collectUnknown(json, known, unknown);
    assertEquals(1, unknown.size(), "test data should hold one unknown field: " + unknown);
    return unknown.iterator().next();
  }

  private static void collectUnknown(JsonNode node, Set<String> known, Set<String> unknown) {
    if (node.isObject()) {
      node.properties()
          .forEach(
              entry -> {
                if (!known.contains(entry.getKey())) {
                  unknown.add(entry.getKey());
                }
                collectUnknown(entry.getValue(), known, unknown);
              });
    } else if (node.isArray()) {
      node.forEach(element -> collectUnknown(element, known, unknown));
    }
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new HashSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
