package io.midigpt.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.midigpt.InvalidArgumentException;
import io.midigpt.RequestValidationException;
import io.midigpt.testing.GoldenFixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The request JSON of spec §6.2 as the native parser reads it: shape, defaults, strictness. */
class GenerationRequestJsonTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static JsonNode tree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  /** Every request (and validated config) of the reference's session_steps golden fixture. */
  static Stream<Arguments> goldenRequests() throws IOException {
    Path file = GoldenFixtures.sharedDir().resolve("golden/session_steps.json");
    JsonNode cases = MAPPER.readTree(file.toFile()).get("cases");
    List<Arguments> requests = new ArrayList<>();
    for (JsonNode testCase : cases) {
      testCase
          .get("modes")
          .fields()
          .forEachRemaining(
              mode ->
                  requests.add(
                      Arguments.of(
                          testCase.get("name").asText() + "/" + mode.getKey(),
                          mode.getValue().get("request"),
                          mode.getValue().get("validated_config"))));
    }
    assertFalse(requests.isEmpty(), "no requests in " + file);
    return requests.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goldenRequests")
  void goldenRequestsRoundTrip(String name, JsonNode request, JsonNode validatedConfig)
      throws IOException {
    GenerationRequest parsed = GenerationRequest.fromJson(MAPPER.writeValueAsString(request));
    // The fixture's requests are the reference's to_dict: every field written, as toJson does.
    assertEquals(request, tree(parsed.toJson()), name);
    assertEquals(parsed, GenerationRequest.fromJson(parsed.toJson()), name);
    assertEquals(request.get("tracks").size(), parsed.tracks().size(), name + ": track prompts");
    assertEquals(
        request.get("config").get("mask_mode").asText(),
        parsed.config().maskMode().jsonName(),
        name);
    if (validatedConfig != null) {
      InferenceConfig config = InferenceConfig.fromJson(validatedConfig.toString());
      assertEquals(validatedConfig, tree(config.toJson()), name + ": validated_config");
      assertEquals(config, InferenceConfig.fromJson(config.toJson()), name);
    }
  }

  @Test
  void defaultsAreTheSpecTable() {
    InferenceConfig d = InferenceConfig.DEFAULTS;
    assertEquals(1.0, d.temperature());
    assertEquals(-1L, d.seed());
    assertEquals(3, d.maxAttempts());
    assertTrue(d.noveltyCheck());
    assertTrue(d.silenceCheck());
    assertEquals(1.0, d.temperatureEscalation());
    assertEquals(1, d.barsPerStep());
    assertEquals(1, d.tracksPerStep());
    assertEquals(4, d.modelDim());
    assertFalse(d.shuffle());
    assertEquals(MaskMode.TOKEN, d.maskMode());
    assertEquals(0, d.polyphonyHardLimit());
    assertEquals(0, d.densityHardLimit());
    assertEquals(1.0, d.topP());
    assertEquals(0, d.topK());
    assertEquals(0.0, d.maskP());
    assertEquals(0, d.maskK());
    assertEquals(d, InferenceConfig.builder().build());
    assertEquals(d, InferenceConfig.fromJson("{}"));
  }

  @Test
  void minimalRequestTakesEveryDefault() {
    GenerationRequest request =
        GenerationRequest.fromJson("{\"tracks\": [{\"id\": 2, \"bars\": []}]}");
    assertEquals(InferenceConfig.DEFAULTS, request.config());
    assertEquals(PieceControls.NONE, request.controls());
    TrackPrompt prompt = request.tracks().get(0);
    assertEquals(TrackPrompt.builder(2).build(), prompt);
    assertFalse(prompt.autoregressive());
    assertFalse(prompt.ignore());
    assertEquals(List.of(), prompt.maskBars());
    assertEquals(Map.of(), prompt.attributes());
    assertEquals(TrackControls.NONE, prompt.controls());
    assertEquals(Map.of(), prompt.barAttributes());
    assertEquals(Map.of(), prompt.barControls());
    JsonNode expected =
        tree(
            "{\"tracks\": [{\"id\": 2, \"bars\": [], \"autoregressive\": false, \"ignore\": false,"
                + " \"mask_bars\": [], \"attributes\": {}, \"controls\": {}, \"bar_attributes\":"
                + " {}, \"bar_controls\": {}}], \"config\": {\"temperature\": 1.0, \"seed\": -1,"
                + " \"max_attempts\": 3, \"novelty_check\": true, \"silence_check\": true,"
                + " \"temperature_escalation\": 1.0, \"bars_per_step\": 1, \"tracks_per_step\": 1,"
                + " \"model_dim\": 4, \"shuffle\": false, \"mask_mode\": \"token\","
                + " \"polyphony_hard_limit\": 0, \"density_hard_limit\": 0, \"top_p\": 1.0,"
                + " \"top_k\": 0, \"mask_p\": 0.0, \"mask_k\": 0}}");
    assertEquals(expected, tree(request.toJson()));
  }

  @Test
  void nullMeansTheDefault() {
    GenerationRequest request =
        GenerationRequest.fromJson(
            "{\"tracks\": [{\"id\": 0, \"bars\": [0], \"autoregressive\": null, \"ignore\": null,"
                + " \"mask_bars\": null, \"attributes\": null, \"controls\": null,"
                + " \"bar_attributes\": null, \"bar_controls\": null}],"
                + " \"config\": {\"temperature\": null, \"seed\": null, \"mask_mode\": null,"
                + " \"top_p\": null}, \"controls\": null}");
    assertEquals(GenerationRequest.of(List.of(TrackPrompt.of(0, List.of(0)))), request);
    assertEquals(
        request,
        GenerationRequest.fromJson("{\"tracks\": [{\"id\": 0, \"bars\": [0]}], \"config\": null}"));
  }

  @Test
  void nullModelDimIsTheSmallestWindow() {
    assertEquals(0, InferenceConfig.fromJson("{\"model_dim\": null}").modelDim());
    assertEquals(8, InferenceConfig.fromJson("{\"model_dim\": 8}").modelDim());
  }

  @Test
  void everyConfigFieldIsRead() {
    InferenceConfig config =
        InferenceConfig.fromJson(
            "{\"temperature\": 0.9, \"seed\": 12345678901, \"max_attempts\": 5,"
                + " \"novelty_check\": false, \"silence_check\": false,"
                + " \"temperature_escalation\": 1.5, \"bars_per_step\": 2, \"tracks_per_step\": 3,"
                + " \"model_dim\": 8, \"shuffle\": true, \"mask_mode\": \"attention_skip\","
                + " \"polyphony_hard_limit\": 4, \"density_hard_limit\": 16, \"top_p\": 0.95,"
                + " \"top_k\": 40, \"mask_p\": 0.01, \"mask_k\": 2}");
    InferenceConfig expected =
        InferenceConfig.builder()
            .temperature(0.9)
            .seed(12_345_678_901L)
            .maxAttempts(5)
            .noveltyCheck(false)
            .silenceCheck(false)
            .temperatureEscalation(1.5)
            .barsPerStep(2)
            .tracksPerStep(3)
            .modelDim(8)
            .shuffle(true)
            .maskMode(MaskMode.ATTENTION_SKIP)
            .polyphonyHardLimit(4)
            .densityHardLimit(16)
            .topP(0.95)
            .topK(40)
            .maskP(0.01)
            .maskK(2)
            .build();
    assertEquals(expected, config);
    assertEquals(config, InferenceConfig.fromJson(config.toJson()));
    // Integral numbers are accepted where a double is expected.
    assertEquals(2.0, InferenceConfig.fromJson("{\"temperature\": 2}").temperature());
  }

  @Test
  void controlsAndBarMapsRoundTrip() {
    String json =
        "{\"tracks\": [{\"id\": 1, \"bars\": [3, 2], \"autoregressive\": true,"
            + " \"mask_bars\": [0], \"attributes\": {\"min_polyphony\": 2, \"max_polyphony\": 3},"
            + " \"controls\": {\"time_signature\": 1, \"pitch_mask\": {\"scale\": \"major\"}},"
            + " \"bar_attributes\": {\"3\": {\"tension\": 4}, \"-1\": {}},"
            + " \"bar_controls\": {\"2\": {\"time_signature\": 0}, \"3\": {\"swing\": 1}}}],"
            + " \"controls\": {\"genre\": \"jazz\", \"velocity\": true, \"mood\": \"happy\"}}";
    GenerationRequest request = GenerationRequest.fromJson(json);
    TrackPrompt prompt = request.tracks().get(0);
    assertEquals(List.of(3, 2), prompt.bars());
    assertTrue(prompt.autoregressive());
    assertFalse(prompt.isFullAutoregressive());
    assertEquals(Map.of("min_polyphony", 2, "max_polyphony", 3), prompt.attributes());
    assertEquals(
        List.of("max_polyphony", "min_polyphony"), List.copyOf(prompt.attributes().keySet()));
    assertEquals(
        new TrackControls(
            OptionalInt.of(1),
            Optional.of("{\"scale\":\"major\"}"),
            Optional.empty(),
            Optional.empty(),
            List.of()),
        prompt.controls());
    assertEquals(Map.of(3, Map.of("tension", 4), -1, Map.of()), prompt.barAttributes());
    assertEquals(List.of(-1, 3), List.copyOf(prompt.barAttributes().keySet()));
    assertEquals(
        Map.of(
            2,
            TrackControls.ofTimeSignature(0),
            3,
            new TrackControls(OptionalInt.empty(), List.of("swing"))),
        prompt.barControls());
    assertEquals(
        PieceControls.builder().genre("jazz").velocity(true).unknownKey("mood").build(),
        request.controls());
    assertEquals(Optional.empty(), request.controls().microtiming());

    JsonNode written = tree(request.toJson());
    JsonNode writtenPrompt = written.get("tracks").get(0);
    // Unknown control keys keep their name only, as the native toJson writes them.
    assertEquals(
        tree("{\"time_signature\": 1, \"pitch_mask\": {\"scale\": \"major\"}}"),
        writtenPrompt.get("controls"));
    assertEquals(
        tree("{\"3\": {\"tension\": 4}, \"-1\": {}}"), writtenPrompt.get("bar_attributes"));
    assertEquals(
        tree("{\"2\": {\"time_signature\": 0}, \"3\": {\"swing\": null}}"),
        writtenPrompt.get("bar_controls"));
    assertEquals(
        tree("{\"genre\": \"jazz\", \"velocity\": true, \"mood\": null}"), written.get("controls"));
    assertEquals(request, GenerationRequest.fromJson(request.toJson()));
  }

  @Test
  void noPieceControlsWritesNoControlsKey() {
    GenerationRequest request = GenerationRequest.fromJson("{\"tracks\": [], \"controls\": {}}");
    assertFalse(tree(request.toJson()).has("controls"));
    assertEquals(List.of(), request.tracks());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"tracks\": [], \"stream\": true}|stream: unknown field",
        "{\"tracks\": [{\"id\": 0, \"bars\": [], \"bar\": 1}]}|tracks[0].bar: unknown field",
        "{\"tracks\": [], \"config\": {\"batch_attempts\": true}}"
            + "|config.batch_attempts: unknown field",
        "{\"tracks\": [], \"config\": {\"temprature\": 1.0}}|config.temprature: unknown field",
      })
  void unknownFieldsAreRejectedByName(String json, String message) {
    InvalidArgumentException error =
        assertThrows(InvalidArgumentException.class, () -> GenerationRequest.fromJson(json));
    assertEquals(message, error.getMessage());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "{}|tracks: required",
        "{\"tracks\": null}|tracks: required",
        "[]|request: expected an object, got array",
        "{\"tracks\": {}}|tracks: expected an array of track prompts, got object",
        "{\"tracks\": [1]}|tracks[0]: expected an object, got number",
        "{\"tracks\": [{\"bars\": []}]}|tracks[0].id: required",
        "{\"tracks\": [{\"id\": 0}]}|tracks[0].bars: required",
        "{\"tracks\": [{\"id\": 0.0, \"bars\": []}]}|tracks[0].id: expected an integer, got number",
        "{\"tracks\": [{\"id\": \"0\", \"bars\": []}]}|tracks[0].id: expected an integer, got"
            + " string",
        "{\"tracks\": [{\"id\": 2147483648, \"bars\": []}]}"
            + "|tracks[0].id: integer 2147483648 does not fit 32 bits",
        "{\"tracks\": [{\"id\": 0, \"bars\": [1, 1.5]}]}"
            + "|tracks[0].bars[1]: expected an integer, got number",
        "{\"tracks\": [{\"id\": 0, \"bars\": 1}]}"
            + "|tracks[0].bars: expected an array of integers, got number",
        "{\"tracks\": [{\"id\": 0, \"bars\": [], \"ignore\": 1}]}"
            + "|tracks[0].ignore: expected a boolean, got number",
        "{\"tracks\": [{\"id\": 0, \"bars\": [], \"attributes\": {\"tension\": true}}]}"
            + "|tracks[0].attributes.tension: expected an integer, got boolean",
        "{\"tracks\": [{\"id\": 0, \"bars\": [], \"bar_attributes\": {\"x\": {}}}]}"
            + "|tracks[0].bar_attributes: key 'x' is not a bar index",
        "{\"tracks\": [{\"id\": 0, \"bars\": [], \"bar_controls\": {\"+1\": {}}}]}"
            + "|tracks[0].bar_controls: key '+1' is not a bar index",
        "{\"tracks\": [{\"id\": 0, \"bars\": [], \"bar_controls\": {\"99999999999\": {}}}]}"
            + "|tracks[0].bar_controls: key '99999999999' is not a bar index",
        "{\"tracks\": [{\"id\": 0, \"bars\": [], \"bar_controls\": {\"1\": []}}]}"
            + "|tracks[0].bar_controls.1: expected an object, got array",
        "{\"tracks\": [{\"id\": 0, \"bars\": [], \"controls\": {\"time_signature\": null}}]}"
            + "|tracks[0].controls.time_signature: expected an integer, got null",
        "{\"tracks\": [], \"config\": []}|config: expected an object, got array",
        "{\"tracks\": [], \"config\": {\"temperature\": \"hot\"}}"
            + "|config.temperature: expected a number, got string",
        "{\"tracks\": [], \"config\": {\"seed\": 9223372036854775808}}"
            + "|config.seed: integer 9223372036854775808 is too large",
        "{\"tracks\": [], \"config\": {\"mask_mode\": 1}}"
            + "|config.mask_mode: expected a string, got number",
        "{\"tracks\": [], \"config\": {\"model_dim\": 4.5}}"
            + "|config.model_dim: expected an integer, got number",
        "{\"tracks\": [], \"controls\": {\"velocity\": \"yes\"}}"
            + "|controls.velocity: expected a boolean, got string",
        "{\"tracks\": [], \"controls\": {\"genre\": null}}"
            + "|controls.genre: expected a string, got null",
      })
  void malformedRequestsNameTheField(String json, String message) {
    InvalidArgumentException error =
        assertThrows(InvalidArgumentException.class, () -> GenerationRequest.fromJson(json));
    assertEquals(message, error.getMessage());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"''", "'not json'", "'{\"tracks\": []} {}'", "'{\"tracks\": [}'"})
  void textThatIsNotJsonIsMalformed(String json) {
    InvalidArgumentException error =
        assertThrows(InvalidArgumentException.class, () -> GenerationRequest.fromJson(json));
    assertTrue(error.getMessage().startsWith("request: not valid JSON"), error.getMessage());
  }

  @Test
  void unknownMaskModeIsARequestError() {
    RequestValidationException error =
        assertThrows(
            RequestValidationException.class,
            () ->
                GenerationRequest.fromJson(
                    "{\"tracks\": [], \"config\": {\"mask_mode\": \"Remove\"}}"));
    assertEquals(
        "config.mask_mode: unknown mode 'Remove' (expected token, attention, attention_approx,"
            + " attention_skip or remove)",
        error.getMessage());
  }

  @Test
  void maskModeSpellings() {
    for (MaskMode mode : MaskMode.values()) {
      assertEquals(Optional.of(mode), MaskMode.fromJsonName(mode.jsonName()));
      assertEquals(
          mode,
          InferenceConfig.fromJson("{\"mask_mode\": \"" + mode.jsonName() + "\"}").maskMode());
    }
    assertEquals(
        List.of("token", "attention", "attention_approx", "attention_skip", "remove"),
        Stream.of(MaskMode.values()).map(MaskMode::jsonName).toList());
    assertEquals(Optional.empty(), MaskMode.fromJsonName("TOKEN"));
    assertTrue(MaskMode.ATTENTION_SKIP.usesSpanMasks());
    assertFalse(MaskMode.REMOVE.usesSpanMasks());
    assertFalse(MaskMode.TOKEN.usesSpanMasks());
  }
}
