package io.midigpt.server.osc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.midigpt.generation.MaskMode;
import io.midigpt.generation.TrackPrompt;
import io.midigpt.score.Note;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Reference §9.3-9.4: how notes become bars and how a session becomes the engine's request. */
class RequestBuilderTest {
  private final PieceState piece = new PieceState(12, OscServerSettings.Limits.DEFAULTS);
  private final OscTrack piano = new OscTrack(7, 0, false, false);
  private final OscTrack bass = new OscTrack(3, 33, false, true);

  RequestBuilderTest() {
    piece.addTrack(piano);
    piece.addTrack(bass);
  }

  private static OscParams.Snapshot params(Object... pairs) {
    OscParams params = new OscParams(false, Map.of());
    for (int i = 0; i < pairs.length; i += 2) {
      params.set((String) pairs[i], pairs[i + 1]);
    }
    return params.snapshot();
  }

  private void playBars(int bars) {
    for (int bar = 0; bar < bars; bar++) {
      piece.addNote(piano, new OscTrack.PendingNote(60, 90, 0.5, 0.25), bar);
      piece.endBar(bar, 4, 4);
    }
  }

  @Test
  void notesBecomeTicksOfTheirBarWhenItEnds() {
    piece.addNote(piano, new OscTrack.PendingNote(60, 90, 0.5, 0.01), 0);
    piece.addNote(piano, new OscTrack.PendingNote(62, 90, 0.26, 0.5), 1);
    assertTrue(piece.notes(piano, 0).isEmpty(), "buffered until the bar ends");
    piece.endBar(0, 3, 4);
    // L = int(3·4·12/4) = 36: onset int(0.5·36) = 18, duration max(1, int(0.36)) = 1.
    assertEquals(List.of(Note.of(60, 90, 18, 1)), piece.notes(piano, 0));
    assertEquals(1, piece.barsCompleted());
    piece.endBar(1, 7, 8); // L = int(7·48/8) = 42
    assertEquals(List.of(Note.of(62, 90, 10, 21)), piece.notes(piano, 1));
    // A late note for a bar that has ended goes straight into it.
    piece.addNote(piano, new OscTrack.PendingNote(64, 90, 0.0, 1.0), 0);
    assertEquals(Note.of(64, 90, 0, 36), piece.notes(piano, 0).get(1));
    assertTrue(piece.notes(bass, 1).isEmpty());
    assertEquals(2, bass.bars.size(), "every track has every bar");
  }

  @Test
  void boundsWhatAClientCanBuffer() {
    OscProtocolException ahead = assertThrows(OscProtocolException.class,
        () -> piece.addNote(piano, new OscTrack.PendingNote(60, 90, 0, 0.1), 16));
    assertEquals(OscError.INVALID_PARAM, ahead.error());
    for (int i = 0; i < 512; i++) {
      piece.addNote(piano, new OscTrack.PendingNote(60, 90, 0, 0.1), 3);
    }
    assertThrows(OscProtocolException.class,
        () -> piece.addNote(piano, new OscTrack.PendingNote(60, 90, 0, 0.1), 3));
  }

  @Test
  void theAgentContinuesFromTheTargetAndFutureContextIsMasked() {
    playBars(4);
    piece.extendTo(8);
    RequestBuilder.Built built = RequestBuilder.build(
        piece, bass, Set.of(), 5, 1, 4, params(), Map.of("max_polyphony", 2));
    assertEquals(0, built.offset());
    assertEquals(8, built.score().barCount(), "score_bars = max(target + n, model_dim)");
    assertEquals(12, built.score().resolution());
    TrackPrompt conditioning = built.request().tracks().get(0);
    TrackPrompt agent = built.request().tracks().get(1);
    assertEquals(List.of(), conditioning.bars());
    assertEquals(List.of(4, 5, 6, 7), conditioning.maskBars(), "bars not yet played");
    assertTrue(agent.autoregressive());
    assertEquals(List.of(5, 6, 7), agent.bars());
    assertEquals(Map.of("max_polyphony", 2), agent.attributes());
    assertEquals(1, built.agentIndex());
    assertEquals(5, built.firstBar());
    assertEquals(MaskMode.ATTENTION, built.request().config().maskMode(),
        "the default for a model without MaskBar");
    assertEquals(8, built.request().config().modelDim());
    assertEquals(1, built.request().config().barsPerStep());
    assertTrue(built.promptState().contains("\"target_bar\":5"), built.promptState());
  }

  @Test
  void bCollapseBootstrapsTheWholeWindow() {
    playBars(9);
    piece.extendTo(11);
    RequestBuilder.Built built = RequestBuilder.build(piece, bass, Set.of(), 10, 1, 9,
        params("warmup_policy", "b_collapse"), Map.of());
    assertEquals(3, built.offset(), "target + n - model_dim");
    assertEquals(8, built.score().barCount());
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), built.request().tracks().get(1).bars());
    assertEquals(List.of(6, 7), built.request().tracks().get(0).maskBars());
    assertEquals(3, built.firstBar());
  }

  @Test
  void aMaskedHidesTheAgentsEmptyBarsBeforeTheTarget() {
    playBars(4);
    piece.extendTo(8);
    piece.setBar(bass, 1, List.of(Note.of(40, 90, 0, 12)));
    RequestBuilder.Built built = RequestBuilder.build(piece, bass, Set.of(), 5, 1, 4,
        params("warmup_policy", "a_masked"), Map.of());
    assertEquals(List.of(0, 2, 3, 4), built.request().tracks().get(1).maskBars());
  }

  @Test
  void anIgnoredConditioningTrackIsLeftOutAndAgentTrackParamsApply() {
    OscTrack drums = new OscTrack(9, 0, true, false);
    piece.addTrack(drums);
    playBars(4);
    piece.extendTo(8);
    piano.params.put("ignore", true);
    bass.params.put("min_pitch", 30);
    bass.params.put("max_pitch", 32);
    bass.params.put("temperature", 0.5);
    RequestBuilder.Built built =
        RequestBuilder.build(piece, bass, Set.of(), 5, 1, 4, params(), Map.of());
    assertEquals(2, built.score().tracks().size());
    assertTrue(built.score().tracks().get(1).isDrum());
    assertEquals(0, built.agentIndex());
    TrackPrompt agent = built.request().tracks().get(0);
    assertEquals("{\"pitches\":[30,31,32]}", agent.controls().pitchMask().orElseThrow());
    assertEquals(0.5, built.request().config().temperature());
    assertFalse(built.request().tracks().get(1).ignore());
  }

  @Test
  void otherAgentsBarsAreHiddenUntilThisRoundGeneratedThem() {
    OscTrack lead = new OscTrack(4, 73, false, true);
    piece.addTrack(lead);
    playBars(4);
    piece.extendTo(8);
    RequestBuilder.Built first =
        RequestBuilder.build(piece, bass, Set.of(), 5, 1, 4, params(), Map.of());
    assertEquals(List.of(5, 6, 7), first.request().tracks().get(2).maskBars());
    RequestBuilder.Built second =
        RequestBuilder.build(piece, lead, Set.of(bass), 5, 1, 4, params(), Map.of());
    assertEquals(List.of(6, 7), second.request().tracks().get(1).maskBars());
    assertEquals(List.of(5, 6, 7), second.request().tracks().get(2).bars());
  }

  @Test
  void parametersAreCoercedAndRangeChecked() {
    OscParams params = new OscParams(false, Map.of("lookahead_bars", 2));
    params.set("lookahead_bars", 3.9f);
    assertEquals(3, params.snapshot().integer("lookahead_bars"), "int() truncates");
    params.reset("lookahead_bars");
    assertEquals(2, params.snapshot().integer("lookahead_bars"), "the server's default");
    params.set("mask_mode", "token");
    assertEquals("attention_skip", params.snapshot().string("mask_mode"));
    params.set("novelty_check", "false");
    assertFalse(params.snapshot().bool("novelty_check"));
    params.setOnce("temperature", 2);
    assertEquals(2.0, params.snapshot().real("temperature"));
    params.clearOnce();
    assertEquals(1.0, params.snapshot().real("temperature"));
    assertThrows(OscProtocolException.class, () -> params.set("buffer_bars", 65));
    assertThrows(OscProtocolException.class, () -> params.set("warmup_policy", "c"));
    assertThrows(OscProtocolException.class, () -> params.set("top_p", Float.NaN));
    assertEquals("token", new OscParams(true, Map.of()).snapshot().string("mask_mode"),
        "the reference's default where the model has MaskBar");
  }
}
