package io.midigpt.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.midigpt.InvalidConfigException;
import io.midigpt.bridge.MidigptNative;
import io.midigpt.bridge.NativeCalls;
import io.midigpt.bridge.ScoreWire;
import io.midigpt.score.Score;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns scores into token ids of one encoder config and back, token for token as MIDI-GPT does.
 * Owns native memory: close it when done. Thread-safe: every method only reads the config.
 */
public final class Tokenizer implements AutoCloseable {
  /** Encoder configs shipped in models/ and inside this jar. */
  public static final List<String> BUILTIN_ENCODERS = List.of("yellow", "prism", "expressive");

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final MidigptNative.TokenizerHandle handle;
  private final Vocabulary vocabulary;
  private final List<AttributeInfo> attributes;
  private final int resolution;
  private final int decodeResolution;

  private Tokenizer(String configJson) {
    this.handle = NativeCalls.translated(() -> new MidigptNative.TokenizerHandle(configJson));
    JsonNode description = readJson(handle.describeJson());
    this.resolution = description.get("resolution").asInt();
    this.decodeResolution = description.get("decode_resolution").asInt();
    List<TokenDomain> domains = new ArrayList<>();
    for (JsonNode domain : description.get("domains")) {
      domains.add(
          new TokenDomain(
              domain.get("type").asText(),
              domain.get("type_enum").asInt(),
              domain.get("offset").asInt(),
              domain.get("size").asInt()));
    }
    this.vocabulary = new Vocabulary(description.get("vocab_size").asInt(), domains);
    List<AttributeInfo> infos = new ArrayList<>();
    for (JsonNode attribute : description.get("attributes")) {
      List<String> labels = new ArrayList<>();
      attribute.get("labels").forEach(label -> labels.add(label.asText()));
      infos.add(
          new AttributeInfo(
              attribute.get("name").asText(),
              attribute.get("token_type").asText(),
              "bar".equals(attribute.get("level").asText()),
              attribute.get("track_type").asText(),
              attribute.get("size").asInt(),
              labels));
    }
    this.attributes = List.copyOf(infos);
  }

  /** A tokenizer for an encoder config given as JSON text. */
  public static Tokenizer fromConfigJson(String configJson) {
    return new Tokenizer(configJson);
  }

  /**
   * A tokenizer for a shipped encoder ("yellow", "prism", "expressive") or an encoder config
   * file path.
   */
  public static Tokenizer forEncoder(String nameOrPath) {
    if (BUILTIN_ENCODERS.contains(nameOrPath)) {
      return fromConfigJson(builtinConfig(nameOrPath));
    }
    Path path = Path.of(nameOrPath);
    if (!Files.isRegularFile(path)) {
      throw new InvalidConfigException(
          "unknown encoder \"" + nameOrPath + "\": not one of " + BUILTIN_ENCODERS
              + " and not a readable file");
    }
    try {
      return fromConfigJson(Files.readString(path, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  /** The JSON text of a shipped encoder config. */
  public static String builtinConfig(String name) {
    String resource = "/io/midigpt/models/" + name + "_encoder.json";
    try (InputStream in = Tokenizer.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new InvalidConfigException("no shipped encoder named \"" + name + "\"");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Encodes with the reference's defaults (attributes computed, NumBars from the score). */
  public int[] encode(Score score) {
    return encode(score, EncodeOptions.DEFAULTS);
  }

  /** Resamples to the encoder grid, computes attributes when asked, and encodes. */
  public int[] encode(Score score, EncodeOptions options) {
    int[] wire = ScoreWire.pack(score);
    int[] optionWords = options.toWire();
    return NativeCalls.ints(
        () ->
            live().encode(
                wire, wire.length, optionWords, optionWords.length, options.computeAttributes()));
  }

  /**
   * Reads a MIDI file and encodes its first {@code firstBars} bars of every track (all bars when
   * 0) in one native call, with attributes computed on that window: the training encoding and
   * the fast path for bulk tokenizing.
   */
  public int[] encodeMidi(byte[] midi, int firstBars, EncodeOptions options) {
    int[] optionWords = options.toWire();
    return NativeCalls.ints(
        () -> live().encodeMidi(midi, midi.length, firstBars, optionWords, optionWords.length));
  }

  /** Decodes to a score at the decode resolution, with exact bar lengths and velocities. */
  public Score decode(int[] tokens) {
    return decode(tokens, DecodeOptions.DEFAULTS);
  }

  public Score decode(int[] tokens, DecodeOptions options) {
    int[] decoded =
        NativeCalls.ints(() -> live().decode(tokens, tokens.length, options.referenceQuirks()));
    if (!options.normalize()) {
      return ScoreWire.unpack(decoded);
    }
    return ScoreWire.unpack(
        NativeCalls.ints(() -> live().normalizeOutput(decoded, decoded.length)));
  }

  /** The score resampled to the encoder grid, as the encoder sees it. */
  public Score normalize(Score score) {
    int[] wire = ScoreWire.pack(score);
    return ScoreWire.unpack(NativeCalls.ints(() -> live().normalizeInput(wire, wire.length)));
  }

  /** The score with every attribute of this encoder computed into its track and bar maps. */
  public Score annotate(Score score) {
    int[] wire = ScoreWire.pack(score);
    return ScoreWire.unpack(NativeCalls.ints(() -> live().annotate(wire, wire.length)));
  }

  /**
   * For evaluation: the tokens the sampling grammar allows at each position {@code 1 ..
   * tokens.length-1} given the tokens before it, as {@code ceil(vocab/32)} words per position
   * (bit {@code b} of word {@code w} stands for token {@code 32w+b}). Empty bars are allowed, as
   * real music has them.
   */
  public int[] grammarMasks(int[] tokens) {
    return NativeCalls.ints(() -> live().grammarMasks(tokens, tokens.length));
  }

  public Vocabulary vocabulary() {
    return vocabulary;
  }

  /** The attribute controls this encoder conditions on. */
  public List<AttributeInfo> attributes() {
    return attributes;
  }

  /** Ticks per quarter note of the token grid. */
  public int resolution() {
    return resolution;
  }

  /** Ticks per quarter note of decoded scores. */
  public int decodeResolution() {
    return decodeResolution;
  }

  /** The config in the reference's to_json() form, as checkpoints embed it. */
  public String configJson() {
    return NativeCalls.translated(() -> live().configJson());
  }

  /** Closing twice is harmless; using a closed tokenizer is an error. */
  @Override
  public void close() {
    handle.close();
  }

  private MidigptNative.TokenizerHandle live() {
    if (handle.isNull()) {
      throw new IllegalStateException("this tokenizer is closed");
    }
    return handle;
  }

  private static JsonNode readJson(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
