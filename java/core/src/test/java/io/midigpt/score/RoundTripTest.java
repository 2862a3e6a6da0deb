package io.midigpt.score;

import static io.midigpt.testing.ScoreDiff.assertScoreEquals;
import static io.midigpt.testing.ScoreDiff.withoutDeltas;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.midigpt.testing.GoldenFixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sound.midi.InvalidMidiDataException;
import javax.sound.midi.MetaMessage;
import javax.sound.midi.MidiEvent;
import javax.sound.midi.MidiSystem;
import javax.sound.midi.Sequence;
import javax.sound.midi.ShortMessage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Scores written with {@link Score#toMidi()} read back unchanged, and independent MIDI parsers
 * (Java Sound, python3-mido) see exactly the notes, tempo and time signatures the writer promises
 * (spec §2.3): note at bar start + onset, drums on channel 10, a program change per track.
 */
class RoundTripTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");

  /**
   * Prints what mido sees: "note chunk start duration pitch velocity drum|melodic program",
   * "tempo tick mspq", "ts tick num den". Notes pair note-on/off FIFO per (channel, pitch), as the
   * reader does.
   */
  private static final String MIDO_DUMP =
      String.join(
          "\n",
          "import sys, collections, mido",
          "mid = mido.MidiFile(sys.argv[1])",
          "for chunk, track in enumerate(mid.tracks):",
          "    tick = 0",
          "    program = collections.defaultdict(int)",
          "    pending = collections.defaultdict(collections.deque)",
          "    for msg in track:",
          "        tick += msg.time",
          "        if msg.type == 'set_tempo':",
          "            print('tempo', tick, msg.tempo)",
          "        elif msg.type == 'time_signature':",
          "            print('ts', tick, msg.numerator, msg.denominator)",
          "        elif msg.type == 'program_change':",
          "            program[msg.channel] = msg.program",
          "        elif msg.type == 'note_on' and msg.velocity > 0:",
          "            pending[(msg.channel, msg.note)].append((tick, msg.velocity))",
          "        elif msg.type in ('note_on', 'note_off'):",
          "            opened = pending[(msg.channel, msg.note)]",
          "            if opened:",
          "                start, velocity = opened.popleft()",
          "                kind = 'drum' if msg.channel == 9 else 'melodic'",
          "                print('note', chunk, start, tick - start, msg.note, velocity, kind,",
          "                      program[msg.channel])");

  private static boolean midoAvailable;

  @BeforeAll
  static void probeMido() throws InterruptedException {
    try {
      Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import mido").start();
      midoAvailable = probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0;
    } catch (IOException e) {
      midoAvailable = false;
    }
  }

  static Stream<Named<Path>> midiFiles() {
    return GoldenFixtures.midiFiles().stream()
        .map(path -> Named.of(path.getFileName().toString(), path));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("midiFiles")
  void writtenFileReadsBackAsTheSameScore(Path file) {
    Score original = Score.read(file);
    Score back = Score.fromMidi(original.toMidi());
    assertScoreEquals(
        whatSurvivesMidi(original), back, file.getFileName() + " toMidi -> fromMidi");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("midiFiles")
  void sequenceRoundTripKeepsTheScore(Path file) {
    Score original = Score.read(file);
    Sequence sequence = original.toSequence();
    assertAll(
        () -> assertEquals(Sequence.PPQ, sequence.getDivisionType(), "division type"),
        () -> assertEquals(original.resolution(), sequence.getResolution(), "ticks per quarter"),
        () ->
            assertScoreEquals(
                whatSurvivesMidi(original),
                Score.fromSequence(sequence),
                file.getFileName() + " toSequence -> fromSequence"));
  }

  /**
   * The score a MIDI round trip gives back. MIDI has no field for the microtiming residual, so
   * the writer drops deltas (spec §2.3); and the reader, like symusic, makes no track without
   * notes (spec §2.1), while the writer does write note-less tracks (a track whose notes all
   * quantised onto the next bar line, as in Aicha.mid).
   */
  private static Score whatSurvivesMidi(Score score) {
    Score withoutDeltas = withoutDeltas(score);
    return Score.builder()
        .resolution(score.resolution())
        .tempo(score.tempo())
        .tracks(withoutDeltas.tracks().stream().filter(track -> track.noteCount() > 0).toList())
        .build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("midiFiles")
  void javaSoundSeesTheWrittenNotes(Path file) throws InvalidMidiDataException, IOException {
    Score score = Score.read(file);
    Sequence sequence = MidiSystem.getSequence(new ByteArrayInputStream(score.toMidi()));
    assertEquals(score.resolution(), sequence.getResolution(), "ticks per quarter");
    assertSameEvents(expectedEvents(score), javaSoundEvents(sequence), file + " via Java Sound");
    // Every track is written, note-less ones included, each announcing its instrument.
    assertEquals(
        score.tracks().stream().map(Track::instrument).toList(),
        programChanges(sequence),
        file + ": program change of each written track");
  }

  /** The first program change of each chunk that has one, in chunk order. */
  private static List<Integer> programChanges(Sequence sequence) {
    List<Integer> programs = new ArrayList<>();
    for (javax.sound.midi.Track chunk : sequence.getTracks()) {
      for (int i = 0; i < chunk.size(); i++) {
        if (chunk.get(i).getMessage() instanceof ShortMessage message
            && message.getCommand() == ShortMessage.PROGRAM_CHANGE) {
          programs.add(message.getData1());
          break;
        }
      }
    }
    return programs;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("midiFiles")
  void midoSeesTheWrittenNotes(Path file, @TempDir Path dir)
      throws IOException, InterruptedException {
    assumeTrue(midoAvailable, "python3 with mido is not available");
    Score score = Score.read(file);
    Path written = dir.resolve("written.mid");
    score.write(written);
    Process python =
        new ProcessBuilder(PYTHON.toString(), "-c", MIDO_DUMP, written.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, python.waitFor(), "mido failed on the written file:\n" + output);
    assertSameEvents(expectedEvents(score), parseMidoDump(output), file + " via mido");
  }

  /**
   * What a parser should find in a written file. Notes are per chunk, only chunks with notes
   * (the writer may add a conductor chunk and emits empty tracks), each sorted as a multiset.
   */
  record MidiEvents(
      List<List<String>> noteTracks, List<String> tempos, List<String> timeSignatures) {
    MidiEvents {
      noteTracks =
          noteTracks.stream().filter(notes -> !notes.isEmpty()).map(MidiEvents::sorted).toList();
    }

    private static List<String> sorted(List<String> notes) {
      return notes.stream().sorted().toList();
    }
  }

  /** Spec §2.3: bar starts from the first longest track, tempo at 0, TS at every change. */
  private static MidiEvents expectedEvents(Score score) {
    Track geometry =
        score.tracks().stream()
            .filter(track -> track.bars().size() == score.barCount())
            .findFirst()
            .orElse(null);
    List<Long> barStarts = new ArrayList<>();
    List<String> timeSignatures = new ArrayList<>();
    if (geometry != null) {
      double position = 0;
      Bar previous = null;
      for (Bar bar : geometry.bars()) {
        long start = Math.round(position);
        barStarts.add(start);
        if (previous == null
            || previous.numerator() != bar.numerator()
            || previous.denominator() != bar.denominator()) {
          timeSignatures.add(start + " " + bar.numerator() + " " + bar.denominator());
        }
        previous = bar;
        position += score.resolution() * bar.beatLength();
      }
    }
    List<List<String>> noteTracks = new ArrayList<>();
    for (Track track : score.tracks()) {
      List<String> notes = new ArrayList<>();
      for (int b = 0; b < track.bars().size(); b++) {
        for (Note note : track.bars().get(b).notes()) {
          notes.add(
              noteLine(
                  barStarts.get(b) + note.onset(),
                  note.duration(),
                  note.pitch(),
                  note.velocity(),
                  track.isDrum(),
                  track.instrument()));
        }
      }
      noteTracks.add(notes);
    }
    return new MidiEvents(noteTracks, List.of("0 " + score.tempo()), timeSignatures);
  }

  private static MidiEvents javaSoundEvents(Sequence sequence) {
    List<List<String>> noteTracks = new ArrayList<>();
    TreeMap<Long, List<String>> tempos = new TreeMap<>();
    TreeMap<Long, List<String>> timeSignatures = new TreeMap<>();
    for (javax.sound.midi.Track chunk : sequence.getTracks()) {
      List<String> notes = new ArrayList<>();
      int[] programs = new int[16];
      Map<Integer, Deque<long[]>> pending = new HashMap<>();
      for (int i = 0; i < chunk.size(); i++) {
        MidiEvent event = chunk.get(i);
        long tick = event.getTick();
        if (event.getMessage() instanceof MetaMessage meta) {
          byte[] data = meta.getData();
          if (meta.getType() == 0x51) {
            long mspq = ((data[0] & 0xff) << 16) | ((data[1] & 0xff) << 8) | (data[2] & 0xff);
            tempos.computeIfAbsent(tick, t -> new ArrayList<>()).add(tick + " " + mspq);
          } else if (meta.getType() == 0x58) {
            timeSignatures
                .computeIfAbsent(tick, t -> new ArrayList<>())
                .add(tick + " " + (data[0] & 0xff) + " " + (1 << (data[1] & 0xff)));
          }
        } else if (event.getMessage() instanceof ShortMessage message) {
          int channel = message.getChannel();
          int command = message.getCommand();
          if (command == ShortMessage.PROGRAM_CHANGE) {
            programs[channel] = message.getData1();
            continue;
          }
          if (command != ShortMessage.NOTE_ON && command != ShortMessage.NOTE_OFF) {
            continue;
          }
          Deque<long[]> opened =
              pending.computeIfAbsent(channel * 128 + message.getData1(), k -> new ArrayDeque<>());
          if (command == ShortMessage.NOTE_ON && message.getData2() > 0) {
            opened.addLast(new long[] {tick, message.getData2()});
          } else if (!opened.isEmpty()) {
            long[] start = opened.removeFirst();
            notes.add(
                noteLine(
                    start[0],
                    (int) (tick - start[0]),
                    message.getData1(),
                    (int) start[1],
                    channel == 9,
                    programs[channel]));
          }
        }
      }
      noteTracks.add(notes);
    }
    return new MidiEvents(noteTracks, flatten(tempos), flatten(timeSignatures));
  }

  private static MidiEvents parseMidoDump(String output) {
    Map<Integer, List<String>> notesByChunk = new TreeMap<>();
    List<String> tempos = new ArrayList<>();
    List<String> timeSignatures = new ArrayList<>();
    for (String line : output.split("\n")) {
      String[] field = line.trim().split(" ");
      switch (field[0]) {
        case "note" -> notesByChunk
            .computeIfAbsent(Integer.parseInt(field[1]), c -> new ArrayList<>())
            .add(
                noteLine(
                    Long.parseLong(field[2]),
                    Integer.parseInt(field[3]),
                    Integer.parseInt(field[4]),
                    Integer.parseInt(field[5]),
                    field[6].equals("drum"),
                    Integer.parseInt(field[7])));
        case "tempo" -> tempos.add(field[1] + " " + field[2]);
        case "ts" -> timeSignatures.add(field[1] + " " + field[2] + " " + field[3]);
        default -> {
          if (!line.isBlank()) {
            throw new IllegalStateException("unexpected mido output: " + line);
          }
        }
      }
    }
    // Meta events of all chunks, in time order, as the reader collects them.
    tempos.sort((a, b) -> Long.compare(tickOf(a), tickOf(b)));
    timeSignatures.sort((a, b) -> Long.compare(tickOf(a), tickOf(b)));
    return new MidiEvents(new ArrayList<>(notesByChunk.values()), tempos, timeSignatures);
  }

  private static void assertSameEvents(MidiEvents expected, MidiEvents actual, String label) {
    assertEquals(expected.tempos(), actual.tempos(), label + ": tempo events");
    assertEquals(expected.timeSignatures(), actual.timeSignatures(), label + ": time signatures");
    assertEquals(
        expected.noteTracks().size(), actual.noteTracks().size(), label + ": tracks with notes");
    for (int t = 0; t < expected.noteTracks().size(); t++) {
      List<String> want = expected.noteTracks().get(t);
      List<String> got = actual.noteTracks().get(t);
      for (int n = 0; n < Math.min(want.size(), got.size()); n++) {
        assertEquals(
            want.get(n),
            got.get(n),
            label + ": track " + t + ", note " + n + " (sorted; start duration pitch velocity"
                + " kind program)");
      }
      assertEquals(want.size(), got.size(), label + ": note count of track " + t);
    }
  }

  private static String noteLine(
      long start, int duration, int pitch, int velocity, boolean drum, int program) {
    // Zero-padded so that string order is time order in the sorted multisets.
    return String.format(
        "%010d %d %d %d %s %d",
        start, duration, pitch, velocity, drum ? "drum" : "melodic", program);
  }

  private static List<String> flatten(TreeMap<Long, List<String>> byTick) {
    return byTick.values().stream().flatMap(List::stream).toList();
  }

  private static long tickOf(String event) {
    return Long.parseLong(event.substring(0, event.indexOf(' ')));
  }
}
