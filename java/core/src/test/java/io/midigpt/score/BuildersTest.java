package io.midigpt.score;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.midigpt.InvalidArgumentException;
import io.midigpt.InvalidScoreException;
import io.midigpt.InvalidTokensException;
import io.midigpt.tokenizer.DecodeOptions;
import io.midigpt.tokenizer.EncodeOptions;
import io.midigpt.tokenizer.TokenDomain;
import io.midigpt.tokenizer.Vocabulary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Builders, defaults, defensive copies and validation of the value types. */
class BuildersTest {

  @Test
  void buildersStartFromTheDocumentedDefaults() {
    Score score = Score.builder().build();
    Track track = Track.builder().build();
    Bar bar = Bar.builder().build();
    assertAll(
        () -> assertEquals(480, score.resolution()),
        () -> assertEquals(500_000, score.tempo()),
        () -> assertEquals(List.of(), score.tracks()),
        () -> assertEquals(0, track.instrument()),
        () -> assertEquals(TrackType.MELODIC, track.type()),
        () -> assertFalse(track.isDrum()),
        () -> assertEquals(List.of(), track.bars()),
        () -> assertEquals(Map.of(), track.attributes()),
        () -> assertEquals(4, bar.numerator()),
        () -> assertEquals(4, bar.denominator()),
        () -> assertEquals(4.0, bar.beatLength()),
        () -> assertFalse(bar.future()),
        () -> assertEquals(List.of(), bar.notes()),
        () -> assertEquals(Map.of(), bar.attributes()));
  }

  @Test
  void barLengthFollowsTheTimeSignatureUnlessOverridden() {
    assertAll(
        () -> assertEquals(3.0, Bar.builder().timeSignature(6, 8).build().beatLength()),
        () -> assertEquals(3.5, Bar.builder().timeSignature(7, 8).build().beatLength()),
        () -> assertEquals(2.25, Bar.builder().timeSignature(9, 16).build().beatLength()),
        // Decoded reference scores carry truncated lengths: 3/8 as 1 quarter.
        () ->
            assertEquals(
                1.0, Bar.builder().timeSignature(3, 8).beatLength(1.0).build().beatLength()),
        () -> assertEquals(1.5, Bar.beatLengthOf(3, 8)));
  }

  @Test
  void noteOfHasNoMicrotimingAndKeepsFieldsApart() {
    Note note = Note.of(61, 99, 7, 13);
    assertEquals(new Note(7, 13, 61, 99, 0), note);
    assertAll(
        () -> assertEquals(61, note.pitch()),
        () -> assertEquals(99, note.velocity()),
        () -> assertEquals(7, note.onset()),
        () -> assertEquals(13, note.duration()),
        () -> assertEquals(0, note.delta()));
  }

  @Test
  void buildersSetEveryField() {
    Note note = new Note(3, 4, 70, 80, -2);
    Bar bar =
        Bar.builder()
            .timeSignature(5, 4)
            .future(true)
            .addNote(note)
            .attribute("bar_note_density", 3)
            .build();
    Track track =
        Track.builder()
            .instrument(33)
            .type(TrackType.DRUM)
            .addBar(bar)
            .attribute("note_density", 7)
            .build();
    Score score = Score.builder().resolution(96).tempo(400_000).addTrack(track).build();
    assertEquals(
        new Score(
            96,
            400_000,
            List.of(
                new Track(
                    33,
                    TrackType.DRUM,
                    List.of(new Bar(5, 4, 5.0, true, List.of(note), Map.of("bar_note_density", 3))),
                    Map.of("note_density", 7)))),
        score);
    assertTrue(track.isDrum());
    assertEquals(1, score.noteCount());
    assertEquals(1, score.barCount());
  }

  @Test
  void toBuilderReproducesTheValueAndLeavesItUntouched() {
    Bar bar = Bar.builder().timeSignature(3, 4).addNote(Note.of(60, 90, 0, 12)).build();
    Track track = Track.builder().instrument(40).addBar(bar).attribute("pitch_range", 5).build();
    assertEquals(bar, bar.toBuilder().build());
    assertEquals(track, track.toBuilder().build());
    Bar extended = bar.toBuilder().addNote(Note.of(64, 90, 12, 12)).build();
    assertEquals(2, extended.notes().size());
    assertEquals(1, bar.notes().size(), "the original bar must not change");
    Track retyped = track.toBuilder().type(TrackType.DRUM).attributes(Map.of()).build();
    assertAll(
        () -> assertEquals(TrackType.MELODIC, track.type()),
        () -> assertEquals(Map.of("pitch_range", 5), track.attributes()),
        () -> assertEquals(TrackType.DRUM, retyped.type()),
        () -> assertEquals(Map.of(), retyped.attributes()));
  }

  @Test
  void constructorsCopyTheirLists() {
    List<Note> notes = new ArrayList<>(List.of(Note.of(60, 90, 0, 12)));
    Map<String, Integer> attributes = new HashMap<>(Map.of("pitch_class_set", 1));
    Bar bar = new Bar(4, 4, 4.0, false, notes, attributes);
    List<Bar> bars = new ArrayList<>(List.of(bar));
    Track track = new Track(0, TrackType.MELODIC, bars, attributes);
    List<Track> tracks = new ArrayList<>(List.of(track));
    Score score = new Score(480, 500_000, tracks);

    notes.add(Note.of(62, 90, 12, 12));
    attributes.put("pitch_class_set", 9);
    bars.add(bar);
    tracks.clear();

    assertAll(
        () -> assertEquals(1, bar.notes().size()),
        () -> assertEquals(Map.of("pitch_class_set", 1), bar.attributes()),
        () -> assertEquals(1, track.bars().size()),
        () -> assertEquals(Map.of("pitch_class_set", 1), track.attributes()),
        () -> assertEquals(1, score.tracks().size()));
  }

  @Test
  void buildersDoNotShareStateWithWhatTheyBuilt() {
    Bar.Builder builder = Bar.builder().addNote(Note.of(60, 90, 0, 12));
    Bar first = builder.build();
    builder.addNote(Note.of(62, 90, 12, 12)).attribute("bar_min_polyphony", 2);
    Bar second = builder.build();
    assertAll(
        () -> assertEquals(1, first.notes().size()),
        () -> assertEquals(Map.of(), first.attributes()),
        () -> assertEquals(2, second.notes().size()),
        () -> assertNotEquals(first, second));

    List<Bar> bars = new ArrayList<>(List.of(first));
    Track.Builder trackBuilder = Track.builder().bars(bars);
    bars.add(second);
    assertEquals(1, trackBuilder.build().bars().size(), "bars(list) must copy the list");
  }

  @Test
  void exposedCollectionsAreUnmodifiable() {
    Bar bar = Bar.builder().addNote(Note.of(60, 90, 0, 12)).attribute("tension", 1).build();
    Track track = Track.builder().addBar(bar).attribute("nomml", 4).build();
    Score score = Score.builder().addTrack(track).build();
    List<Executable> mutations =
        List.of(
            () -> bar.notes().add(Note.of(61, 90, 0, 12)),
            () -> bar.attributes().put("tension", 2),
            () -> track.bars().clear(),
            () -> track.attributes().remove("nomml"),
            () -> score.tracks().add(track));
    for (Executable mutation : mutations) {
      assertThrows(UnsupportedOperationException.class, mutation);
    }
  }

  static List<Arguments> invalidValues() {
    return List.of(
        Arguments.of("pitch 128", (Executable) () -> Note.of(128, 90, 0, 1), "pitch 128"),
        Arguments.of("pitch -1", (Executable) () -> Note.of(-1, 90, 0, 1), "pitch -1"),
        Arguments.of("velocity 128", (Executable) () -> Note.of(60, 128, 0, 1), "velocity 128"),
        Arguments.of("onset -1", (Executable) () -> Note.of(60, 90, -1, 1), "onset -1"),
        Arguments.of("duration -1", (Executable) () -> Note.of(60, 90, 0, -1), "duration -1"),
        Arguments.of(
            "time signature 0/4",
            (Executable) () -> Bar.builder().timeSignature(0, 4).build(),
            "0/4"),
        Arguments.of(
            "time signature 3/0",
            (Executable) () -> Bar.builder().timeSignature(3, 0).beatLength(3).build(),
            "3/0"),
        Arguments.of(
            "beat length NaN",
            (Executable) () -> Bar.builder().beatLength(Double.NaN).build(),
            "NaN"),
        Arguments.of(
            "beat length infinite",
            (Executable) () -> Bar.builder().beatLength(Double.POSITIVE_INFINITY).build(),
            "Infinity"),
        Arguments.of(
            "beat length -1",
            (Executable) () -> Bar.builder().beatLength(-1).build(),
            "-1.0"),
        Arguments.of(
            "instrument 128",
            (Executable) () -> Track.builder().instrument(128).build(),
            "instrument 128"),
        Arguments.of(
            "missing track type",
            (Executable) () -> Track.builder().type(null).build(),
            "track type"),
        Arguments.of(
            "resolution 0",
            (Executable) () -> Score.builder().resolution(0).build(),
            "resolution 0"),
        Arguments.of(
            "tempo 0", (Executable) () -> Score.builder().tempo(0).build(), "tempo 0"),
        Arguments.of(
            "track type \"bass\"",
            (Executable) () -> TrackType.fromJsonName("bass"),
            "\"bass\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidValues")
  void invalidValuesAreRejectedWithTheirValue(String name, Executable build, String mentioned) {
    InvalidScoreException error = assertThrows(InvalidScoreException.class, build);
    assertTrue(
        error.getMessage().contains(mentioned),
        "the message should mention \"" + mentioned + "\": " + error.getMessage());
  }

  @Test
  void windowKeepsTheRequestedBarsAndDropsAttributes() {
    Track.Builder track = Track.builder().attribute("min_polyphony", 1);
    for (int b = 0; b < 4; b++) {
      track.addBar(
          Bar.builder()
              .addNote(Note.of(60 + b, 90, 0, 12))
              .attribute("bar_min_polyphony", b)
              .build());
    }
    Score score = Score.builder().tempo(450_000).addTrack(track.build()).build();
    Score window = score.window(1, 2);
    List<Bar> bars = window.tracks().get(0).bars();
    assertAll(
        () -> assertEquals(450_000, window.tempo()),
        () -> assertEquals(2, bars.size()),
        () -> assertEquals(61, bars.get(0).notes().get(0).pitch()),
        () -> assertEquals(62, bars.get(1).notes().get(0).pitch()),
        () -> assertEquals(Map.of(), bars.get(0).attributes()),
        () -> assertEquals(Map.of(), window.tracks().get(0).attributes()),
        () -> assertEquals(1, score.window(3, 5).barCount(), "clipped at the end"),
        () -> assertEquals(0, score.window(9, 2).barCount(), "past the end"),
        () -> assertThrows(InvalidArgumentException.class, () -> score.window(-1, 2)),
        () -> assertThrows(InvalidArgumentException.class, () -> score.window(0, -2)));
  }

  @Test
  void encodeOptionsDefaultToTheReferenceEncoding() {
    EncodeOptions options = EncodeOptions.builder().build();
    assertAll(
        () -> assertEquals(EncodeOptions.DEFAULTS, options),
        () -> assertEquals(0, options.windowBars()),
        () -> assertEquals(-1, options.genre()),
        () -> assertEquals(-1, options.useVelocity()),
        () -> assertEquals(-1, options.useMicrotiming()),
        () -> assertEquals(List.of(), options.infillTargets()),
        () -> assertFalse(options.spanMaskFutureBars()),
        () -> assertFalse(options.removeFutureBars()),
        () -> assertFalse(options.emitPitchClassSet()),
        () -> assertTrue(options.computeAttributes()));
  }

  @Test
  void encodeOptionsBuilderSetsEveryFieldAndCopiesTargets() {
    EncodeOptions.Builder builder =
        EncodeOptions.builder()
            .windowBars(8)
            .genre(3)
            .useVelocity(false)
            .useMicrotiming(true)
            .infill(1, 2)
            .spanMaskFutureBars(true)
            .removeFutureBars(true)
            .emitPitchClassSet(true)
            .computeAttributes(false);
    EncodeOptions options = builder.build();
    builder.infill(0, 0);
    assertAll(
        () -> assertEquals(8, options.windowBars()),
        () -> assertEquals(3, options.genre()),
        () -> assertEquals(0, options.useVelocity()),
        () -> assertEquals(1, options.useMicrotiming()),
        () -> assertEquals(List.of(new EncodeOptions.BarRef(1, 2)), options.infillTargets()),
        () -> assertTrue(options.spanMaskFutureBars()),
        () -> assertTrue(options.removeFutureBars()),
        () -> assertTrue(options.emitPitchClassSet()),
        () -> assertFalse(options.computeAttributes()),
        () -> assertEquals(2, builder.build().infillTargets().size()),
        () ->
            assertThrows(
                UnsupportedOperationException.class,
                () -> options.infillTargets().add(new EncodeOptions.BarRef(0, 1))));
  }

  @Test
  void encodeOptionsRejectNegativeValues() {
    InvalidArgumentException window =
        assertThrows(
            InvalidArgumentException.class, () -> EncodeOptions.builder().windowBars(-4).build());
    assertTrue(window.getMessage().contains("-4"), window.getMessage());
    assertThrows(InvalidArgumentException.class, () -> new EncodeOptions.BarRef(-1, 0));
    assertThrows(InvalidArgumentException.class, () -> EncodeOptions.builder().infill(0, -1));
  }

  @Test
  void decodeOptionPresetsSayWhatTheyDo() {
    assertAll(
        () -> assertTrue(DecodeOptions.DEFAULTS.normalize()),
        () -> assertFalse(DecodeOptions.DEFAULTS.referenceQuirks()),
        () -> assertFalse(DecodeOptions.REFERENCE.normalize()),
        () -> assertTrue(DecodeOptions.REFERENCE.referenceQuirks()));
  }

  @Test
  void vocabularyFindsDomainsAndNamesTokens() {
    List<TokenDomain> domains =
        new ArrayList<>(
            List.of(new TokenDomain("PieceStart", 0, 0, 2), new TokenDomain("Track", 11, 2, 5)));
    Vocabulary vocabulary = new Vocabulary(7, domains);
    domains.clear();
    assertAll(
        () -> assertEquals(2, vocabulary.domains().size(), "domains must be copied"),
        () -> assertEquals("PieceStart:1", vocabulary.describe(1)),
        () -> assertEquals("Track:0", vocabulary.describe(2)),
        () -> assertEquals("Track:4", vocabulary.describe(6)),
        () -> assertTrue(vocabulary.domainOf(3).contains(3)),
        () -> assertFalse(vocabulary.domainOf(3).contains(7)),
        () -> assertThrows(InvalidTokensException.class, () -> vocabulary.describe(7)),
        () -> assertThrows(InvalidTokensException.class, () -> vocabulary.domainOf(-1)));
  }
}
