package io.midigpt.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.midigpt.score.Bar;
import io.midigpt.score.Score;
import io.midigpt.score.Track;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * generate, infill and attributes over the tiny random-weight checkpoint. Its notes are random,
 * and it rarely ends a bar by itself, so runs cap the notes per bar.
 */
class GenerationCommandsTest {
  private static final Path SHARED = CliRun.SHARED;
  private static final String MODEL =
      SHARED.resolve("golden/model/tiny_gpt2.safetensors").toString();
  private static final Path SONG = SHARED.resolve("midi/d6caebd1964d9e4a3c5ea59525230e2a.mid");

  @TempDir Path temp;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  private static String[] sampling(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--model", MODEL, "--seed", "3", "--max-notes-per-bar", "6",
        "--max-attempts", "8"));
    return all.toArray(String[]::new);
  }

  @Test
  void generateWritesANewPieceAndNeverOverwritesWithoutForce() throws IOException {
    Path out = temp.resolve("new.mid");
    CliRun run = run(sampling("generate", "--instrument", "0", "--drums", "--bars", "4",
        "--time-signature", "3/4", "--attr", "min_polyphony=0", "--out", out.toString()));
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.err().contains("seed 3"), run.err());
    Score score = Score.read(out);
    assertEquals(2, score.tracks().size());
    assertTrue(score.tracks().get(1).isDrum());
    assertTrue(score.tracks().get(0).noteCount() > 0);

    byte[] first = Files.readAllBytes(out);
    CliRun again = run(sampling("generate", "--instrument", "0", "--drums", "--bars", "4",
        "--time-signature", "3/4", "--attr", "min_polyphony=0", "--out", out.toString()));
    assertEquals(1, again.exitCode());
    assertTrue(again.err().contains("exists; pass --force"), again.err());
    assertArrayEquals(first, Files.readAllBytes(out));

    CliRun forced = run(sampling("generate", "--instrument", "0", "--drums", "--bars", "4",
        "--time-signature", "3/4", "--attr", "min_polyphony=0", "--out", out.toString(),
        "--force"));
    assertEquals(0, forced.exitCode(), forced.err());
    // Same seed, same model, same request: the same file.
    assertArrayEquals(first, Files.readAllBytes(out));
  }

  @Test
  void generateAddsATrackToAnExistingPiece() {
    Path in = temp.resolve("in.mid");
    Score.read(SONG).window(0, 4).write(in);
    Path out = temp.resolve("more.mid");
    CliRun run = run(sampling("generate", "--in", in.toString(), "--instrument", "40",
        "--out", out.toString()));
    assertEquals(0, run.exitCode(), run.err());
    Score before = Score.read(in);
    Score after = Score.read(out);
    assertEquals(before.tracks().size() + 1, after.tracks().size());
    assertTrue(after.tracks().get(after.tracks().size() - 1).noteCount() > 0);
  }

  @Test
  void infillRewritesOnlyTheChosenBars() {
    Path in = temp.resolve("in.mid");
    Score.read(SONG).window(0, 8).write(in);
    Path out = temp.resolve("infilled.mid");
    CliRun run = run(sampling("infill", in.toString(), "--track", "0", "--bars", "2-3",
        "--track", "1", "--bars", "5", "--out", out.toString()));
    assertEquals(0, run.exitCode(), run.err());
    Score before = Score.read(in);
    Score after = Score.read(out);
    assertEquals(before.tracks().size(), after.tracks().size());
    // Every bar not chosen comes back note for note, also after the chosen ones: infilled
    // onsets stay inside their bar, so no generated note lands in a neighbour.
    Set<String> chosen = Set.of("0:2", "0:3", "1:5");
    for (int t = 0; t < before.tracks().size(); t++) {
      for (int bar = 0; bar < 8; bar++) {
        if (chosen.contains(t + ":" + bar)) {
          continue;
        }
        assertEquals(pitches(before.tracks().get(t), bar), pitches(after.tracks().get(t), bar),
            "track " + t + " bar " + bar);
      }
    }
  }

  /** The first track with notes that is not a drum track, of the first 8 bars of SONG. */
  private static int melodicTrack(Score score) {
    for (int t = 0; t < score.tracks().size(); t++) {
      if (!score.tracks().get(t).isDrum() && score.tracks().get(t).noteCount() > 0) {
        return t;
      }
    }
    throw new AssertionError("no melodic track");
  }

  @Test
  void infillHonoursPitchMasksRhythmSchedulesAndRemix() {
    Path in = temp.resolve("in.mid");
    Score.read(SONG).window(0, 8).write(in);
    Score before = Score.read(in);
    int track = melodicTrack(before);
    String t = track + ":";

    Path scaled = temp.resolve("scaled.mid");
    CliRun major = run(sampling("infill", in.toString(), "--track", "" + track, "--bars", "1-2",
        "--pitch-mask", t + "major@D", "--out", scaled.toString()));
    assertEquals(0, major.exitCode(), major.err());
    Set<Integer> dMajor = Set.of(2, 4, 6, 7, 9, 11, 1);
    Score masked = Score.read(scaled);
    for (int bar = 1; bar <= 2; bar++) {
      assertFalse(masked.tracks().get(track).bars().get(bar).notes().isEmpty());
      for (var note : masked.tracks().get(track).bars().get(bar).notes()) {
        assertTrue(dMajor.contains(note.pitch() % 12), "pitch " + note.pitch() + " in D major");
      }
    }

    Path scheduled = temp.resolve("scheduled.mid");
    CliRun rhythm = run(sampling("infill", in.toString(), "--track", "" + track, "--bars", "3",
        "--rhythm", t + "onsets=0x2,12,30", "--out", scheduled.toString()));
    assertEquals(0, rhythm.exitCode(), rhythm.err());
    Score timed = Score.read(scheduled);
    // Onsets at the model's 12-per-quarter grid, read back at the file's resolution.
    int perGrid = timed.resolution() / 12;
    assertEquals(List.of(0, 0, 12, 30), timed.tracks().get(track).bars().get(3).notes().stream()
        .map(note -> note.onset() / perGrid).sorted().toList());

    Path remixed = temp.resolve("remixed.mid");
    CliRun remix = run(sampling("infill", in.toString(), "--track", "" + track, "--bars", "4",
        "--remix", t + "0:full", "--out", remixed.toString()));
    assertEquals(0, remix.exitCode(), remix.err());
    assertEquals(pitches(before.tracks().get(track), 4),
        pitches(Score.read(remixed).tracks().get(track), 4), "amount 0 keeps every pitch");
  }

  @Test
  void generateHonoursAPitchMask() {
    Path out = temp.resolve("pentatonic.mid");
    CliRun run = run(sampling("generate", "--instrument", "0", "--bars", "4",
        "--pitch-mask", "0:classes=0,3,5,7,10+uniform:48:72", "--out", out.toString()));
    assertEquals(0, run.exitCode(), run.err());
    Score score = Score.read(out);
    assertTrue(score.noteCount() > 0);
    for (var bar : score.tracks().get(0).bars()) {
      for (var note : bar.notes()) {
        assertTrue(Set.of(0, 3, 5, 7, 10).contains(note.pitch() % 12), "pitch " + note.pitch());
        assertTrue(note.pitch() >= 48 && note.pitch() <= 72, "pitch " + note.pitch());
      }
    }
  }

  @Test
  void badControlOptionsNameTheProblem() {
    Path out = temp.resolve("never.mid");
    CliRun scale = run(sampling("infill", SONG.toString(), "--track", "0", "--bars", "1",
        "--pitch-mask", "0:majr", "--out", out.toString()));
    assertEquals(2, scale.exitCode());
    assertTrue(scale.err().contains("unknown scale 'majr'") && scale.err().contains("dorian"),
        scale.err());
    CliRun unit = run(sampling("infill", SONG.toString(), "--track", "0", "--bars", "1",
        "--rhythm", "0:eight", "--out", out.toString()));
    assertEquals(2, unit.exitCode());
    assertTrue(unit.err().contains("unknown grid unit 'eight'"), unit.err());
    CliRun elsewhere = run(sampling("infill", SONG.toString(), "--track", "0", "--bars", "1",
        "--remix", "1:0.5", "--out", out.toString()));
    assertEquals(1, elsewhere.exitCode());
    assertTrue(elsewhere.err().contains("--remix track 1: the regenerated tracks are [0]"),
        elsewhere.err());
    CliRun amount = run(sampling("infill", SONG.toString(), "--track", "0", "--bars", "1",
        "--remix", "0:1.5", "--out", out.toString()));
    assertEquals(1, amount.exitCode());
    assertTrue(amount.err().contains("remix"), amount.err());
    assertFalse(Files.exists(out));
  }

  private static List<Integer> pitches(Track track, int bar) {
    return track.bars().get(bar).notes().stream().map(n -> n.pitch()).sorted().toList();
  }

  @Test
  void badBarRangesAreClearErrors() {
    Path out = temp.resolve("never.mid");
    CliRun backwards = run(sampling("infill", SONG.toString(), "--track", "0", "--bars", "7-4",
        "--out", out.toString()));
    assertEquals(2, backwards.exitCode());
    assertTrue(backwards.err().contains("'7-4' ends before it starts"), backwards.err());

    CliRun garbage = run(sampling("infill", SONG.toString(), "--track", "0", "--bars", "four",
        "--out", out.toString()));
    assertEquals(2, garbage.exitCode());
    assertTrue(garbage.err().contains("is not a bar list"), garbage.err());

    CliRun pastTheEnd = run(sampling("infill", SONG.toString(), "--track", "0", "--bars", "95-99",
        "--out", out.toString()));
    assertEquals(1, pastTheEnd.exitCode());
    assertTrue(pastTheEnd.err().contains("bar 96 is past the end of track 0, which has 96 bars"),
        pastTheEnd.err());

    CliRun noTrack = run(sampling("infill", SONG.toString(), "--track", "42", "--bars", "1",
        "--out", out.toString()));
    assertEquals(1, noTrack.exitCode());
    assertTrue(noTrack.err().contains("--track 42"), noTrack.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void attributesListsNamesLevelsAndLabels() {
    CliRun run = run("attributes", "--model", MODEL);
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("min_polyphony (track level, "), run.out());
    assertTrue(run.out().contains("   0  "), run.out());
  }

  @Test
  void aLockedTimeSignatureHoldsInEveryGeneratedBar() {
    for (String seed : List.of("1", "2", "3")) {
      Path out = temp.resolve("waltz" + seed + ".mid");
      CliRun run = run("generate", "--instrument", "0", "--drums", "--bars", "4",
          "--time-signature", "3/4", "--model", MODEL, "--seed", seed, "--max-notes-per-bar", "6",
          "--max-attempts", "8", "--out", out.toString());
      assertEquals(0, run.exitCode(), run.err());
      Score score = Score.read(out);
      // A generated note may ring past the last bar: the file can read back one bar longer.
      assertTrue(score.barCount() == 4 || score.barCount() == 5, "seed " + seed);
      for (Track track : score.tracks()) {
        for (Bar bar : track.bars()) {
          assertEquals("3/4", bar.numerator() + "/" + bar.denominator(), "seed " + seed);
        }
      }
    }
  }

  @Test
  void barAttributesReachTheRequestForInfillAndGenerate() throws IOException {
    Path prism = RandomCheckpoint.write(temp.resolve("prism.safetensors"), "prism", 843);
    Path in = temp.resolve("in.mid");
    Score.read(SONG).window(0, 8).write(in);
    int melodic = firstMelodicTrack(Score.read(in));
    Path out = temp.resolve("infilled.mid");
    CliRun infill = run("infill", in.toString(), "--track", Integer.toString(melodic), "--bars",
        "2-3", "--bar-attr", melodic + ":2-3:bar_max_polyphony=1", "--model", prism.toString(),
        "--seed", "3", "--max-notes-per-bar", "6", "--max-attempts", "8", "--out", out.toString());
    assertEquals(0, infill.exitCode(), infill.err());

    // A level the attribute does not have is rejected by the request validation, naming the
    // bar_attributes field: the option did reach the request.
    CliRun tooHigh = run("infill", in.toString(), "--track", Integer.toString(melodic), "--bars",
        "2", "--bar-attr", melodic + ":2:bar_max_polyphony=99", "--model", prism.toString(),
        "--out", temp.resolve("never.mid").toString());
    assertEquals(1, tooHigh.exitCode());
    assertTrue(tooHigh.err().contains("bar_attributes"), tooHigh.err());
    assertTrue(tooHigh.err().contains("bar_max_polyphony"), tooHigh.err());

    Path generated = temp.resolve("generated.mid");
    CliRun generate = run("generate", "--instrument", "0", "--bars", "4", "--bar-attr",
        "0:0-3:pitch_class_set=5", "--model", prism.toString(), "--seed", "3",
        "--max-notes-per-bar", "6", "--max-attempts", "8", "--out", generated.toString());
    assertEquals(0, generate.exitCode(), generate.err());
    assertTrue(Score.read(generated).tracks().get(0).noteCount() > 0);
  }

  @Test
  void badBarAttributesAreClearErrors() {
    Path out = temp.resolve("never.mid");
    CliRun syntax = run(sampling("infill", SONG.toString(), "--track", "0", "--bars", "2",
        "--bar-attr", "0:2:bar_max_polyphony", "--out", out.toString()));
    assertEquals(2, syntax.exitCode());
    assertTrue(syntax.err().contains("expected TRACK:BARS:NAME=LEVEL"), syntax.err());

    CliRun trackLevel = run(sampling("infill", SONG.toString(), "--track", "0", "--bars", "2",
        "--bar-attr", "0:2:min_polyphony=1", "--out", out.toString()));
    assertEquals(1, trackLevel.exitCode());
    assertTrue(trackLevel.err().contains("min_polyphony is a track-level attribute; set it with"
        + " --attr"), trackLevel.err());

    CliRun notRegenerated = run(sampling("infill", SONG.toString(), "--track", "0", "--bars", "2",
        "--bar-attr", "1:2:bar_max_polyphony=1", "--out", out.toString()));
    assertEquals(1, notRegenerated.exitCode());
    assertTrue(notRegenerated.err().contains("--bar-attr track 1 is not regenerated"),
        notRegenerated.err());

    CliRun notNew = run(sampling("generate", "--instrument", "0", "--bars", "4",
        "--bar-attr", "1:0:bar_max_polyphony=1", "--out", out.toString()));
    assertEquals(1, notNew.exitCode());
    assertTrue(notNew.err().contains("--bar-attr track 1 is not a new track: the new tracks are 0"),
        notNew.err());
    assertFalse(Files.exists(out));
  }

  private static int firstMelodicTrack(Score score) {
    for (int t = 0; t < score.tracks().size(); t++) {
      if (!score.tracks().get(t).isDrum()) {
        return t;
      }
    }
    throw new AssertionError("no melodic track");
  }
}
