package io.midigpt;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.midigpt.score.Bar;
import io.midigpt.score.Note;
import io.midigpt.score.Score;
import io.midigpt.score.Track;
import io.midigpt.testing.GoldenFixtures;
import io.midigpt.tokenizer.EncodeOptions;
import io.midigpt.tokenizer.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input of every kind ends in the matching domain exception with a message, never in
 * another exception type or a crashed JVM.
 */
class ErrorsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Tokenizer YELLOW = Tokenizer.forEncoder("yellow");

  /** A small real file with a melodic and a drum track. */
  private static final byte[] VALID =
      GoldenFixtures.readBytes(GoldenFixtures.midiDir().resolve("edge_drums_and_melodic.mid"));

  @AfterAll
  static void closeTokenizer() {
    YELLOW.close();
  }

  @Test
  void emptyBytesAreInvalidMidi() {
    InvalidMidiException error =
        assertThrows(InvalidMidiException.class, () -> Score.fromMidi(new byte[0]));
    assertFalse(error.getMessage().isBlank());
  }

  /** Cut inside the header, inside the first chunk header and inside chunk data. */
  @ParameterizedTest(name = "first {0} bytes")
  @ValueSource(ints = {1, 4, 8, 13, 18, 27, -2, -1})
  void truncatedFilesAreInvalidMidi(int length) {
    // Negative lengths count from the end: the last chunk then lacks bytes it declares.
    int kept = length > 0 ? length : VALID.length + length;
    byte[] truncated = Arrays.copyOf(VALID, kept);
    InvalidMidiException error =
        assertThrows(InvalidMidiException.class, () -> Score.fromMidi(truncated));
    assertFalse(error.getMessage().isBlank());
  }

  static Stream<Arguments> corruptFiles() {
    byte[] noteOn = {0x00, (byte) 0x90, 60, 100, 0x60, (byte) 0x80, 60, 0};
    byte[] endOfTrack = {0x00, (byte) 0xFF, 0x2F, 0x00};
    return Stream.of(
        Arguments.of("wrong header magic", withBytes(VALID, 0, "MTxd".getBytes())),
        Arguments.of("header length 2^31", withBytes(VALID, 4, new byte[] {0x7F, -1, -1, -1})),
        Arguments.of(
            "chunk length past the end", withBytes(VALID, 18, new byte[] {0x7F, -1, -1, -1})),
        Arguments.of(
            "data byte without a running status",
            smf(concat(new byte[] {0x00, 0x40, 0x40}, noteOn, endOfTrack))),
        Arguments.of(
            "delta time longer than four bytes",
            smf(concat(new byte[] {-1, -1, -1, -1, 0x7F}, noteOn, endOfTrack))),
        Arguments.of(
            "meta event longer than its chunk",
            smf(concat(noteOn, new byte[] {0x00, (byte) 0xFF, 0x01, 0x7F, 'x'}))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corruptFiles")
  void corruptFilesAreInvalidMidi(String corruption, byte[] bytes) {
    InvalidMidiException error =
        assertThrows(InvalidMidiException.class, () -> Score.fromMidi(bytes), corruption);
    assertFalse(error.getMessage().isBlank());
  }

  @Test
  void randomBytesAreInvalidMidi() {
    Random random = new Random(20240611);
    for (int i = 0; i < 200; i++) {
      byte[] bytes = new byte[1 + random.nextInt(2048)];
      random.nextBytes(bytes);
      int attempt = i;
      InvalidMidiException error =
          assertThrows(
              InvalidMidiException.class,
              () -> Score.fromMidi(bytes),
              "random file " + attempt + " (" + bytes.length + " bytes)");
      assertFalse(error.getMessage().isBlank());
    }
  }

  /** Random track data behind a valid header: whatever it holds, parse it or reject it. */
  @Test
  void randomTrackDataParsesOrIsRejected() {
    Random random = new Random(7);
    for (int i = 0; i < 300; i++) {
      byte[] data = new byte[random.nextInt(512)];
      random.nextBytes(data);
      parsesOrIsRejected(smf(data), "random track data " + i);
    }
  }

  /** Real files with a few bytes overwritten, the typical damaged download. */
  @Test
  void mutatedRealFilesParseOrAreRejected() {
    Random random = new Random(42);
    for (String name : List.of("edge_drums_and_melodic.mid", "edge_time_sig_change.mid")) {
      byte[] original = GoldenFixtures.readBytes(GoldenFixtures.midiDir().resolve(name));
      for (int i = 0; i < 200; i++) {
        byte[] mutated = original.clone();
        int flips = 1 + random.nextInt(8);
        for (int f = 0; f < flips; f++) {
          mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
        }
        parsesOrIsRejected(mutated, name + " mutation " + i);
      }
    }
  }

  /** Files that once crashed or hung the reader (native/tests/corpus/midi_crashers). */
  @TestFactory
  Stream<DynamicTest> crashCorpusParsesOrIsRejected() throws IOException {
    Path corpus = GoldenFixtures.repoRoot().resolve("native/tests/corpus/midi_crashers");
    if (!Files.isDirectory(corpus)) {
      // Reported as skipped, where an aborted factory would vanish from the report.
      return Stream.of(
          DynamicTest.dynamicTest(
              "no crash corpus", () -> assumeTrue(false, "no crash corpus at " + corpus)));
    }
    List<Path> files;
    try (Stream<Path> listed = Files.list(corpus)) {
      files = listed.filter(Files::isRegularFile).sorted().toList();
    }
    return files.stream()
        .map(
            file ->
                DynamicTest.dynamicTest(
                    file.getFileName().toString(),
                    () -> parsesOrIsRejected(Files.readAllBytes(file), file.toString())));
  }

  static Stream<Arguments> badConfigs() {
    return Stream.of(
        Arguments.of("truncated JSON", "{\"resolution\": 12,", "JSON"),
        Arguments.of("not an object", "[1, 2]", ""),
        Arguments.of(
            "unknown token type",
            yellowConfigWith(
                config -> {
                  ((ArrayNode) config.get("token_domains"))
                      .addObject()
                      .put("type", "NoSuchToken")
                      .put("domain_size", 3);
                  return config;
                }),
            "NoSuchToken"),
        Arguments.of(
            "resolution of the wrong type",
            yellowConfigWith(config -> config.put("resolution", "twelve")),
            "resolution"),
        Arguments.of(
            "unknown attribute control",
            yellowConfigWith(
                config -> {
                  ((ArrayNode) config.get("attribute_controls"))
                      .addObject()
                      .put("name", "loudness");
                  return config;
                }),
            "loudness"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badConfigs")
  void badConfigsAreInvalidConfig(String problem, String json, String mentioned) {
    InvalidConfigException error =
        assertThrows(InvalidConfigException.class, () -> Tokenizer.fromConfigJson(json), problem);
    assertTrue(
        error.getMessage().contains(mentioned),
        "the message should mention \"" + mentioned + "\": " + error.getMessage());
  }

  @Test
  void unknownEncoderNamesAreInvalidConfig() {
    InvalidConfigException error =
        assertThrows(InvalidConfigException.class, () -> Tokenizer.forEncoder("no_such_encoder"));
    assertTrue(error.getMessage().contains("no_such_encoder"), error.getMessage());
    assertThrows(InvalidConfigException.class, () -> Tokenizer.builtinConfig("no_such_encoder"));
  }

  @Test
  void tokensOutsideTheVocabularyAreInvalidTokens() {
    int size = YELLOW.vocabulary().size();
    InvalidTokensException past =
        assertThrows(InvalidTokensException.class, () -> YELLOW.decode(new int[] {0, 2, size}));
    InvalidTokensException negative =
        assertThrows(InvalidTokensException.class, () -> YELLOW.decode(new int[] {0, -1}));
    assertAll(
        () -> assertTrue(past.getMessage().contains(String.valueOf(size)), past.getMessage()),
        () -> assertTrue(negative.getMessage().contains("-1"), negative.getMessage()),
        () -> assertThrows(InvalidTokensException.class, () -> YELLOW.vocabulary().domainOf(size)));
  }

  /** Nonsense made of valid ids: the decoder makes what it can of it or rejects it. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"yellow", "prism", "expressive"})
  void randomInVocabularyTokensDecodeOrAreRejected(String encoder) {
    Random random = new Random(encoder.hashCode());
    try (Tokenizer tokenizer = Tokenizer.forEncoder(encoder)) {
      int size = tokenizer.vocabulary().size();
      for (int i = 0; i < 200; i++) {
        int[] tokens = random.ints(random.nextInt(400), 0, size).toArray();
        try {
          tokenizer.decode(tokens);
        } catch (InvalidTokensException e) {
          assertFalse(e.getMessage().isBlank());
        }
      }
    }
  }

  /** Appendix B lists x/2 only for x in 1, 2, 3, 4, 6 and no x/3 at all. */
  @ParameterizedTest(name = "{0}/{1}")
  @MethodSource("timeSignaturesOutsideTheList")
  void timeSignaturesOutsideTheEncoderListAreInvalidScores(int numerator, int denominator) {
    Score score = oneBarScore(numerator, denominator);
    EncodeOptions options = EncodeOptions.builder().windowBars(4).build();
    InvalidScoreException error =
        assertThrows(InvalidScoreException.class, () -> YELLOW.encode(score, options));
    assertTrue(
        error.getMessage().contains(numerator + "/" + denominator),
        "the message should name the time signature: " + error.getMessage());
    // The same bar in a listed meter encodes: the failure is about the meter alone.
    assertDoesNotThrow(() -> YELLOW.encode(oneBarScore(6, 8), options));
  }

  static Stream<Arguments> timeSignaturesOutsideTheList() {
    return Stream.of(Arguments.of(5, 2), Arguments.of(7, 3), Arguments.of(7, 16));
  }

  @Test
  void timeSignatureWithoutAMidiDenominatorCannotBeWritten() {
    // A MIDI time signature stores log2 of the denominator: 7/3 has no faithful encoding.
    InvalidScoreException error =
        assertThrows(InvalidScoreException.class, () -> oneBarScore(7, 3).toMidi());
    assertTrue(error.getMessage().contains("denominator"), error.getMessage());
  }

  @Test
  void windowSizesOutsideTheNumBarsMapAreInvalidArguments() {
    InvalidArgumentException error =
        assertThrows(
            InvalidArgumentException.class,
            () -> YELLOW.encode(oneBarScore(4, 4), EncodeOptions.builder().windowBars(5).build()));
    assertTrue(error.getMessage().contains("5"), error.getMessage());
  }

  @Test
  void validFileStillParsesAfterAllThat() {
    // The corrupt inputs above must not have left the native reader in a broken state.
    Score score = Score.fromMidi(VALID);
    assertEquals(2, score.tracks().size());
  }

  private static void parsesOrIsRejected(byte[] bytes, String label) {
    Score score;
    try {
      score = Score.fromMidi(bytes);
    } catch (InvalidMidiException e) {
      assertFalse(e.getMessage().isBlank(), label + ": empty message");
      return;
    }
    // A parsed score keeps the reader's invariant: every track has every bar.
    int bars = score.barCount();
    for (Track track : score.tracks()) {
      assertEquals(bars, track.bars().size(), label + ": tracks with different bar counts");
    }
  }

  private static Score oneBarScore(int numerator, int denominator) {
    Bar bar =
        Bar.builder()
            .timeSignature(numerator, denominator)
            .addNote(Note.of(60, 100, 0, 240))
            .build();
    return Score.builder().addTrack(Track.builder().addBar(bar).build()).build();
  }

  private static String yellowConfigWith(UnaryOperator<ObjectNode> change) {
    try {
      ObjectNode config = (ObjectNode) MAPPER.readTree(Tokenizer.builtinConfig("yellow"));
      return MAPPER.writeValueAsString(change.apply(config));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A format 0 file at 96 ticks per quarter with one track chunk holding {@code data}. */
  private static byte[] smf(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("MThd".getBytes());
    out.writeBytes(new byte[] {0, 0, 0, 6, 0, 0, 0, 1, 0, 96});
    out.writeBytes("MTrk".getBytes());
    out.writeBytes(
        new byte[] {
          (byte) (data.length >>> 24), (byte) (data.length >>> 16), (byte) (data.length >>> 8),
          (byte) data.length
        });
    out.writeBytes(data);
    return out.toByteArray();
  }

  private static byte[] withBytes(byte[] original, int offset, byte[] replacement) {
    byte[] changed = original.clone();
    System.arraycopy(replacement, 0, changed, offset, replacement.length);
    return changed;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
