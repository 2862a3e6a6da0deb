package io.midigpt.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.midigpt.score.Score;
import io.midigpt.tokenizer.DecodeOptions;
import io.midigpt.tokenizer.Tokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the commands in-process, as the ./midigpt launcher does, and checks what they print. */
class CliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path SHARED = CliRun.SHARED;
  private static final Path MIDI = SHARED.resolve("midi");

  @TempDir Path temp;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  private static CliRun runWithStdin(String stdin, String... args) {
    InputStream saved = System.in;
    System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    try {
      return run(args);
    } finally {
      System.setIn(saved);
    }
  }

  private static int[] goldenTokens(String piece, String encoder, String window) throws IOException {
    Path fixture = SHARED.resolve("golden/pieces/" + piece + ".json.gz");
    try (InputStream in = new GZIPInputStream(Files.newInputStream(fixture))) {
      JsonNode tokens = JSON.readTree(in).path("encoders").path(encoder).path(window).path("tokens");
      return JSON.treeToValue(tokens, int[].class);
    }
  }

  private static int[] tokensOf(JsonNode line) throws IOException {
    return JSON.treeToValue(line.get("tokens"), int[].class);
  }

  @Test
  void tokenizePrintsTheReferenceTokensForOneFile() throws IOException {
    CliRun run = run("tokenize", MIDI.resolve("POP909_008.mid").toString(), "--encoder", "prism", "--window", "8");
    assertEquals(0, run.exitCode(), run.err());
    JsonNode result = JSON.readTree(run.out());
    assertFalse(result.has("file"), "a single file prints only the tokens");
    assertArrayEquals(goldenTokens("POP909_008", "prism", "window8"), tokensOf(result));
  }

  @Test
  void tokenizeFullWindowMatchesTheFixturesFullCase() throws IOException {
    CliRun run = run("tokenize", MIDI.resolve("edge_time_sig_change.mid").toString(), "--window", "full");
    assertEquals(0, run.exitCode(), run.err());
    assertArrayEquals(goldenTokens("edge_time_sig_change", "yellow", "full"), tokensOf(JSON.readTree(run.out())));
  }

  @Test
  void tokenizeSeveralFilesReportsBadOnesAndGoesOn() throws IOException {
    Path corrupt = temp.resolve("corrupt.mid");
    Files.write(corrupt, "MThd garbage".getBytes(StandardCharsets.US_ASCII));
    Path first = MIDI.resolve("Maestro_1.mid");
    Path last = MIDI.resolve("POP909_022.mid");
    CliRun run = run("tokenize", first.toString(), corrupt.toString(), last.toString(), "--window", "4");

    assertEquals(1, run.exitCode(), "a bad file makes the exit code non-zero");
    String[] lines = run.out().strip().split("\n");
    assertEquals(2, lines.length, run.out());
    JsonNode firstLine = JSON.readTree(lines[0]);
    JsonNode lastLine = JSON.readTree(lines[1]);
    assertEquals(first.toString(), firstLine.get("file").asText());
    assertEquals(last.toString(), lastLine.get("file").asText());
    assertArrayEquals(goldenTokens("Maestro_1", "yellow", "window4"), tokensOf(firstLine));
    assertArrayEquals(goldenTokens("POP909_022", "yellow", "window4"), tokensOf(lastLine));
    String[] errors = run.err().strip().split("\n");
    assertEquals(1, errors.length, run.err());
    assertTrue(errors[0].contains(corrupt.toString()), errors[0]);
  }

  @Test
  void tokenizeRejectsAnUnknownWindowAndEncoder() {
    Path file = MIDI.resolve("piano_bell.mid");
    CliRun badWindow = run("tokenize", file.toString(), "--window", "lots");
    assertTrue(badWindow.exitCode() != 0);
    assertTrue(badWindow.err().contains("--window"), badWindow.err());
    CliRun badEncoder = run("tokenize", file.toString(), "--encoder", "purple");
    assertTrue(badEncoder.exitCode() != 0);
    assertTrue(badEncoder.err().contains("purple"), badEncoder.err());
  }

  @Test
  void detokenizeWritesThePieceAndNeverOverwritesWithoutForce() throws IOException {
    int[] tokens = goldenTokens("edge_drums_and_melodic", "yellow", "window8");
    String stdin = JSON.writeValueAsString(java.util.Map.of("tokens", tokens));
    Path out = temp.resolve("out.mid");

    CliRun first = runWithStdin(stdin, "detokenize", "--out", out.toString());
    assertEquals(0, first.exitCode(), first.err());
    Score written = Score.read(out);
    try (Tokenizer tokenizer = Tokenizer.forEncoder("yellow")) {
      Score expected = tokenizer.decode(tokens, DecodeOptions.DEFAULTS);
      assertEquals(expected.noteCount(), written.noteCount());
      assertEquals(expected.tracks().size(), written.tracks().size());
    }

    byte[] before = Files.readAllBytes(out);
    CliRun refused = runWithStdin("[0, 152, 4]", "detokenize", "--out", out.toString());
    assertEquals(1, refused.exitCode());
    assertTrue(refused.err().contains("--force"), refused.err());
    assertArrayEquals(before, Files.readAllBytes(out), "the existing file is untouched");

    CliRun forced = runWithStdin("[0, 152, 4]", "detokenize", "--out", out.toString(), "--force");
    assertEquals(0, forced.exitCode(), forced.err());
    assertEquals(0, Score.read(out).noteCount());
  }

  @Test
  void detokenizeRejectsTokensOutsideTheVocabulary() {
    Path out = temp.resolve("never.mid");
    CliRun run = runWithStdin("{\"tokens\":[0, 99999]}", "detokenize", "--out", out.toString());
    assertEquals(1, run.exitCode());
    assertTrue(run.err().contains("99999"), run.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void inspectDescribesTracksAndAttributes() throws IOException {
    Path file = MIDI.resolve("edge_drums_and_melodic.mid");
    CliRun run = run("inspect", file.toString(), "--json");
    assertEquals(0, run.exitCode(), run.err());
    JsonNode report = JSON.readTree(run.out());
    Score score = Score.read(file);
    assertEquals(score.tracks().size(), report.get("tracks").size());
    assertEquals(score.noteCount(), report.get("notes").asInt());
    JsonNode drums = report.get("tracks").get(1);
    assertEquals("drum", drums.get("track_type").asText());
    assertTrue(drums.get("attributes").has("note_density"), "yellow rates drum density");

    CliRun table = run("inspect", file.toString());
    assertEquals(0, table.exitCode(), table.err());
    assertTrue(table.out().contains("4/4 from bar 0"), table.out());
  }
}
