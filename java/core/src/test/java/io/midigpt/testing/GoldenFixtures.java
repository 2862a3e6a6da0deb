package io.midigpt.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.midigpt.score.Bar;
import io.midigpt.score.Note;
import io.midigpt.score.Score;
import io.midigpt.score.Track;
import io.midigpt.score.TrackType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Loads the reference's golden fixtures from the shared folder (documented in
 * shared/golden/README.md) and turns their scores into {@link Score} records.
 */
public final class GoldenFixtures {
  public static final List<String> ENCODERS = List.of("yellow", "prism", "expressive");

  /** The order in which a piece's encoder cases are checked and reported. */
  public static final List<String> CASES = List.of("window4", "window8", "full");

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Bar-level keys in fixture attribute maps: {@code bar_<TokenType>_<barIndex>}. */
  private static final Pattern BAR_KEY = Pattern.compile("bar_([A-Za-z]+)_(\\d+)");

  /**
   * The Java name of each bar-level attribute by the token type the reference keys it with.
   * PitchClassSet is the decoder's spelling of token 51, BarLevelPitchClassSet the analyzer's.
   */
  private static final Map<String, String> BAR_ATTRIBUTE_NAMES =
      Map.of(
          "BarLevelOnsetDensity", "bar_note_density",
          "BarLevelOnsetPolyphonyMin", "bar_min_polyphony",
          "BarLevelOnsetPolyphonyMax", "bar_max_polyphony",
          "BarLevelPitchClassSet", "pitch_class_set",
          "PitchClassSet", "pitch_class_set",
          "Tension", "tension",
          "TensionDrum", "tension_drum");

  private GoldenFixtures() {}

  /** The shared folder: the {@code midigpt.shared} property surefire sets, else ../shared. */
  public static Path sharedDir() {
    String configured = System.getProperty("midigpt.shared");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).normalize();
    }
    return repoRoot().resolve("../shared").normalize();
  }

  /** The repository root: the {@code midigpt.root} property, else two levels above java/core. */
  public static Path repoRoot() {
    String configured = System.getProperty("midigpt.root");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).normalize();
    }
    return Path.of("../..").toAbsolutePath().normalize();
  }

  public static Path midiDir() {
    return sharedDir().resolve("midi");
  }

  /** Every MIDI file of the shared corpus, sorted by name. */
  public static List<Path> midiFiles() {
    try (var files = Files.list(midiDir())) {
      return files.filter(path -> path.toString().endsWith(".mid")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + midiDir(), e);
    }
  }

  /** One entry of pieces_index.json. Its toString is the MIDI path, used as display name. */
  public record Piece(String file, String fixture, String sha256, int numTracks, int numBars) {
    public Path midiPath() {
      return sharedDir().resolve(file);
    }

    public byte[] midiBytes() {
      return readBytes(midiPath());
    }

    /** Loads and parses the piece's gzip-compressed fixture. */
    public PieceFixture load() {
      Path path = sharedDir().resolve("golden").resolve(fixture);
      try (InputStream in = new GZIPInputStream(Files.newInputStream(path))) {
        return new PieceFixture(this, MAPPER.readTree(in));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read fixture " + path, e);
      }
    }

    @Override
    public String toString() {
      return file;
    }
  }

  /** The pieces of pieces_index.json, in index order. */
  public static List<Piece> pieces() {
    JsonNode index = readJson(sharedDir().resolve("golden/pieces_index.json"));
    List<Piece> pieces = new ArrayList<>();
    for (JsonNode entry : index.get("pieces")) {
      pieces.add(
          new Piece(
              entry.get("file").asText(),
              entry.get("fixture").asText(),
              entry.get("sha256").asText(),
              entry.get("num_tracks").asInt(),
              entry.get("num_bars").asInt()));
    }
    return pieces;
  }

  /** vocab_&lt;encoder&gt;.json. */
  public static JsonNode vocabulary(String encoder) {
    return readJson(sharedDir().resolve("golden/vocab_" + encoder + ".json"));
  }

  /** One piece fixture. */
  public record PieceFixture(Piece piece, JsonNode root) {
    /** A stored score: score_480, score_reader12, score_model_nodelta or score_model_delta. */
    public Score score(String key) {
      JsonNode node = root.get(key);
      if (node == null) {
        throw new IllegalArgumentException(piece + " has no " + key);
      }
      return GoldenFixtures.score(node);
    }

    /** The encoder cases present for {@code encoder}, in {@link #CASES} order. */
    public List<EncoderCase> cases(String encoder) {
      JsonNode cases = root.get("encoders").get(encoder);
      List<EncoderCase> present = new ArrayList<>();
      for (String name : CASES) {
        if (cases.has(name)) {
          present.add(new EncoderCase(encoder, name, cases.get(name)));
        }
      }
      return present;
    }

    /** The reference's whole-piece encoding with default options: "ok" or its error text. */
    public String fullDefaultOptions(String encoder) {
      return root.get("encoders").get(encoder).get("full_default_opts").asText();
    }

    /** The reader12_yellow_noattr cases, in {@link #CASES} order. */
    public List<EncoderCase> reader12Cases() {
      JsonNode cases = root.get("reader12_yellow_noattr");
      List<EncoderCase> present = new ArrayList<>();
      for (String name : CASES) {
        if (cases.has(name)) {
          present.add(new EncoderCase("yellow", name, cases.get(name)));
        }
      }
      return present;
    }
  }

  /** One encoded case of a piece: window4, window8 or full under one encoder. */
  public record EncoderCase(String encoder, String name, JsonNode node) {
    /** The EncodeOptions.window_bars the reference used (0: unset). */
    public int windowBarsOption() {
      return node.get("window_bars_option").asInt();
    }

    /** Bars kept from the start of every track: N for windowN, 0 (all) for full. */
    public int firstBars() {
      return name.startsWith("window") ? Integer.parseInt(name.substring("window".length())) : 0;
    }

    public int[] tokens() {
      return ints(node.get("tokens"));
    }

    /** The per-track attribute maps the reference analyzer produced. */
    public JsonNode attributes() {
      return node.get("attributes");
    }

    /** C++ Decoder.decode(tokens), ticks at the model grid. */
    public JsonNode decoded() {
      return node.get("decoded");
    }

    /** Tokenizer.decode(tokens), resampled to the decode resolution; windows only. */
    public JsonNode decodedOutput() {
      return node.get("decoded_output");
    }

    @Override
    public String toString() {
      return encoder + " " + name;
    }
  }

  /**
   * A fixture score ({@code {resolution, tempo, tracks:[{instrument, track_type, attributes?,
   * bars:[{ts, beat_length, notes, future?}]}]}}, notes as {@code [onset, duration, pitch,
   * velocity, delta]}) as a Score. Bar-level attribute keys move onto their bars.
   */
  public static Score score(JsonNode node) {
    List<Track> tracks = new ArrayList<>();
    for (JsonNode trackNode : node.get("tracks")) {
      List<Bar> bars = new ArrayList<>();
      for (JsonNode barNode : trackNode.get("bars")) {
        JsonNode ts = barNode.get("ts");
        Bar.Builder bar =
            Bar.builder()
                .timeSignature(ts.get(0).asInt(), ts.get(1).asInt())
                .beatLength(barNode.get("beat_length").asDouble())
                .future(barNode.path("future").asBoolean(false));
        for (JsonNode note : barNode.get("notes")) {
          bar.addNote(
              new Note(
                  note.get(0).asInt(),
                  note.get(1).asInt(),
                  note.get(2).asInt(),
                  note.get(3).asInt(),
                  note.get(4).asInt()));
        }
        bars.add(bar.build());
      }
      Track track =
          Track.builder()
              .instrument(trackNode.get("instrument").asInt())
              .type(TrackType.fromJsonName(trackNode.get("track_type").asText()))
              .bars(bars)
              .build();
      JsonNode attributes = trackNode.get("attributes");
      tracks.add(attributes == null ? track : withAttributes(track, attributes));
    }
    return Score.builder()
        .resolution(node.get("resolution").asInt())
        .tempo(node.get("tempo").asInt())
        .tracks(tracks)
        .build();
  }

  /**
   * The score with the reference's per-track attribute maps ({@code [{name: level}, ...]}, one
   * per track) stored the Java way: track-level names on the track, bar keys on their bars.
   */
  public static Score withAttributes(Score score, JsonNode perTrack) {
    if (perTrack.size() != score.tracks().size()) {
      throw new IllegalArgumentException(
          perTrack.size() + " attribute maps for " + score.tracks().size() + " tracks");
    }
    List<Track> tracks = new ArrayList<>();
    for (int t = 0; t < score.tracks().size(); t++) {
      tracks.add(withAttributes(score.tracks().get(t), perTrack.get(t)));
    }
    return Score.builder()
        .resolution(score.resolution())
        .tempo(score.tempo())
        .tracks(tracks)
        .build();
  }

  private static Track withAttributes(Track track, JsonNode map) {
    Map<String, Integer> trackLevel = new LinkedHashMap<>();
    Map<Integer, Map<String, Integer>> barLevel = new HashMap<>();
    map.properties()
        .forEach(
            entry -> {
              Matcher bar = BAR_KEY.matcher(entry.getKey());
              if (!bar.matches()) {
                trackLevel.put(entry.getKey(), entry.getValue().asInt());
                return;
              }
              String name = BAR_ATTRIBUTE_NAMES.get(bar.group(1));
              if (name == null) {
                throw new IllegalArgumentException("unmapped bar attribute key " + entry.getKey());
              }
              int index = Integer.parseInt(bar.group(2));
              if (index >= track.bars().size()) {
                throw new IllegalArgumentException(
                    entry.getKey() + " names a bar past the track's " + track.bars().size());
              }
              barLevel.computeIfAbsent(index, i -> new LinkedHashMap<>())
                  .put(name, entry.getValue().asInt());
            });
    List<Bar> bars = new ArrayList<>();
    for (int b = 0; b < track.bars().size(); b++) {
      bars.add(
          track.bars().get(b).toBuilder().attributes(barLevel.getOrDefault(b, Map.of())).build());
    }
    return track.toBuilder().attributes(trackLevel).bars(bars).build();
  }

  public static int[] ints(JsonNode array) {
    int[] values = new int[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).asInt();
    }
    return values;
  }

  public static byte[] readBytes(Path path) {
    try {
      return Files.readAllBytes(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  private static JsonNode readJson(Path path) {
    try {
      return MAPPER.readTree(path.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }
}
