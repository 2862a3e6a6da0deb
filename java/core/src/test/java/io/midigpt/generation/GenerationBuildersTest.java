package io.midigpt.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.midigpt.InvalidArgumentException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Builders, immutability, and what the records refuse to hold (only the unrepresentable). */
class GenerationBuildersTest {

  private static GenerationRequest sample() {
    return GenerationRequest.builder()
        .addTrack(
            TrackPrompt.builder(0)
                .bars(1, 2)
                .maskBars(3)
                .attribute("min_polyphony", 1)
                .controls(TrackControls.ofTimeSignature(0))
                .barAttribute(2, "tension", 3)
                .barAttribute(1, "bar_note_density", 5)
                .barControls(1, TrackControls.ofTimeSignature(2))
                .build())
        .addTrack(TrackPrompt.builder(1).autoregressive(true).bars(2, 3).build())
        .addTrack(TrackPrompt.ignored(2))
        .config(
            InferenceConfig.builder()
                .maskMode(MaskMode.ATTENTION)
                .seed(7)
                .modelDim(8)
                .barsPerStep(2)
                .topK(20)
                .build())
        .controls(PieceControls.builder().velocity(false).build())
        .build();
  }

  @Test
  void builtRequestEqualsTheParsedJson() {
    String json =
        "{\"tracks\": ["
            + "{\"id\": 0, \"bars\": [1, 2], \"mask_bars\": [3],"
            + " \"attributes\": {\"min_polyphony\": 1}, \"controls\": {\"time_signature\": 0},"
            + " \"bar_attributes\": {\"1\": {\"bar_note_density\": 5}, \"2\": {\"tension\": 3}},"
            + " \"bar_controls\": {\"1\": {\"time_signature\": 2}}},"
            + "{\"id\": 1, \"bars\": [2, 3], \"autoregressive\": true},"
            + "{\"id\": 2, \"bars\": [], \"ignore\": true}],"
            + " \"config\": {\"mask_mode\": \"attention\", \"seed\": 7, \"model_dim\": 8,"
            + " \"bars_per_step\": 2, \"top_k\": 20},"
            + " \"controls\": {\"velocity\": false}}";
    assertEquals(GenerationRequest.fromJson(json), sample());
    assertEquals(sample(), GenerationRequest.fromJson(sample().toJson()));
  }

  @Test
  void toBuilderCopiesEverything() {
    GenerationRequest request = sample();
    assertEquals(request, request.toBuilder().build());
    for (TrackPrompt prompt : request.tracks()) {
      assertEquals(prompt, prompt.toBuilder().build());
    }
    assertEquals(request.config(), request.config().toBuilder().build());
    assertEquals(request.controls(), request.controls().toBuilder().build());
    assertNotEquals(request.config(), request.config().toBuilder().temperature(0.5).build());
    TrackPrompt changed = request.tracks().get(0).toBuilder().barAttribute(2, "tension", 0).build();
    assertEquals(Map.of("tension", 0), changed.barAttributes().get(2));
    assertEquals(Map.of("tension", 3), request.tracks().get(0).barAttributes().get(2));
  }

  @Test
  void recordsAreImmutableCopies() {
    List<Integer> bars = new ArrayList<>(List.of(1, 2));
    Map<String, Integer> attributes = new HashMap<>(Map.of("tension", 1));
    TrackPrompt prompt =
        new TrackPrompt(
            0, bars, false, false, List.of(), attributes, TrackControls.NONE, Map.of(), Map.of());
    bars.add(3);
    attributes.put("x", 2);
    assertEquals(List.of(1, 2), prompt.bars());
    assertEquals(Map.of("tension", 1), prompt.attributes());
    assertThrows(UnsupportedOperationException.class, () -> prompt.bars().add(4));
    assertThrows(UnsupportedOperationException.class, () -> prompt.attributes().put("y", 1));
    GenerationRequest request = sample();
    assertThrows(
        UnsupportedOperationException.class, () -> request.tracks().add(TrackPrompt.ignored(3)));
    assertThrows(
        UnsupportedOperationException.class,
        () -> request.tracks().get(0).barAttributes().get(2).put("tension", 0));
  }

  @Test
  void nullsAreRejected() {
    assertThrows(
        InvalidArgumentException.class,
        () -> new GenerationRequest(null, InferenceConfig.DEFAULTS, PieceControls.NONE));
    assertThrows(
        InvalidArgumentException.class, () -> GenerationRequest.builder().config(null).build());
    assertThrows(
        InvalidArgumentException.class, () -> GenerationRequest.builder().addTrack(null).build());
    assertThrows(
        InvalidArgumentException.class, () -> InferenceConfig.builder().maskMode(null).build());
    assertThrows(
        InvalidArgumentException.class,
        () -> TrackPrompt.builder(0).bars(Arrays.asList(1, null)).build());
    InvalidArgumentException maskBars =
        assertThrows(
            InvalidArgumentException.class,
            () -> TrackPrompt.builder(0).maskBars(Arrays.asList((Integer) null)).build());
    assertEquals("mask_bars[0]: must not be null", maskBars.getMessage());
    assertThrows(
        InvalidArgumentException.class, () -> TrackPrompt.builder(0).controls(null).build());
    assertThrows(
        InvalidArgumentException.class, () -> TrackPrompt.builder(0).barControls(1, null).build());
    Map<Integer, Map<String, Integer>> nullLevels = new HashMap<>();
    nullLevels.put(1, null);
    assertThrows(
        InvalidArgumentException.class,
        () -> TrackPrompt.builder(0).barAttributes(nullLevels).build());
    Map<String, Integer> nullKey = new HashMap<>();
    nullKey.put(null, 1);
    assertThrows(
        InvalidArgumentException.class, () -> TrackPrompt.builder(0).attributes(nullKey).build());
    assertThrows(InvalidArgumentException.class, () -> new TrackControls(null, List.of()));
  }

  @Test
  void numbersJsonCannotCarryAreRejected() {
    assertThrows(
        InvalidArgumentException.class,
        () -> InferenceConfig.builder().temperature(Double.NaN).build());
    assertThrows(
        InvalidArgumentException.class,
        () -> InferenceConfig.builder().topP(Double.POSITIVE_INFINITY).build());
    assertThrows(
        InvalidArgumentException.class, () -> InferenceConfig.fromJson("{\"temperature\": 1e999}"));
  }

  @Test
  void requestRulesAreLeftToTheNativeValidator() {
    // Out-of-range values are representable: the native validator (spec §6.4) rejects them.
    InferenceConfig config =
        InferenceConfig.builder().temperature(-1).maxAttempts(0).topP(2).maskK(-3).build();
    assertEquals(config, InferenceConfig.fromJson(config.toJson()));
    TrackPrompt prompt =
        TrackPrompt.builder(-1).bars(5, 5).ignore(true).autoregressive(true).maskBars(5).build();
    assertEquals(
        prompt,
        GenerationRequest.fromJson(GenerationRequest.of(List.of(prompt)).toJson()).tracks().get(0));
  }

  @Test
  void pitchMasksAreKeptAsCompactJsonObjects() {
    TrackControls controls = TrackControls.ofPitchMask("{ \"scale\" : \"major\", \"root\": 2 }");
    assertEquals(Optional.of("{\"scale\":\"major\",\"root\":2}"), controls.pitchMask());
    assertFalse(controls.isEmpty());
    assertThrows(InvalidArgumentException.class, () -> TrackControls.ofPitchMask("[60]"));
    assertThrows(InvalidArgumentException.class, () -> TrackControls.ofPitchMask("{\"scale\""));
    TrackControls rhythm = TrackControls.ofRhythmMask("{\"grid\": {\"unit\": \"eighth\"}}");
    assertEquals(Optional.of("{\"grid\":{\"unit\":\"eighth\"}}"), rhythm.rhythmMask());
    assertThrows(
        InvalidArgumentException.class,
        () -> new TrackControls(OptionalInt.empty(), List.of("rhythm_mask")));
    TrackControls remix = TrackControls.ofRemix("{\"amount\": 0.5}");
    assertEquals(Optional.of("{\"amount\":0.5}"), remix.remix());
    TrackPrompt prompt =
        TrackPrompt.builder(0).bars(1, 2).controls(controls)
            .barControls(Map.of(1, rhythm, 2, remix)).build();
    assertEquals(
        prompt,
        GenerationRequest.fromJson(GenerationRequest.of(List.of(prompt)).toJson()).tracks().get(0));
  }

  @Test
  void unknownControlKeysAreSortedSetsOfNames() {
    TrackControls controls =
        new TrackControls(OptionalInt.empty(), List.of("mood", "swing", "mood"));
    assertEquals(List.of("mood", "swing"), controls.unknownKeys());
    assertFalse(controls.isEmpty());
    assertTrue(TrackControls.NONE.isEmpty());
    InvalidArgumentException reserved =
        assertThrows(
            InvalidArgumentException.class,
            () -> new TrackControls(OptionalInt.empty(), List.of("time_signature")));
    assertTrue(reserved.getMessage().contains("time_signature"), reserved.getMessage());
    assertThrows(
        InvalidArgumentException.class,
        () -> new TrackControls(OptionalInt.empty(), List.of("pitch_mask")));
    assertThrows(
        InvalidArgumentException.class, () -> PieceControls.builder().unknownKey("genre").build());
    PieceControls piece = PieceControls.builder().unknownKey("mood").microtiming(true).build();
    assertEquals(Optional.of(true), piece.microtiming());
    assertEquals(List.of("mood"), piece.unknownKeys());
    assertTrue(PieceControls.NONE.isEmpty());
  }

  @Test
  void fullAutoregressiveIsAsTheSpecSays() {
    assertTrue(TrackPrompt.builder(0).autoregressive(true).build().isFullAutoregressive());
    assertTrue(
        TrackPrompt.builder(0).autoregressive(true).bars(0, 1).build().isFullAutoregressive());
    assertFalse(
        TrackPrompt.builder(0).autoregressive(true).bars(2, 3).build().isFullAutoregressive());
    assertFalse(TrackPrompt.builder(0).bars(0, 1).build().isFullAutoregressive());
  }
}
