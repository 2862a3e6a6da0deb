package io.midigpt.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.midigpt.InvalidArgumentException;
import io.midigpt.engine.InferenceEngine;
import io.midigpt.engine.NewTracks;
import io.midigpt.generation.GenerationRequest;
import io.midigpt.generation.PieceControls;
import io.midigpt.generation.TrackControls;
import io.midigpt.generation.TrackPrompt;
import io.midigpt.score.Bar;
import io.midigpt.score.Score;
import io.midigpt.score.Track;
import io.midigpt.tokenizer.AttributeInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntPredicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Writes new tracks, into a new piece or next to the tracks of an existing one. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Generates new tracks left to right: a new piece, or new tracks added to --in.",
      "Example: midigpt generate --instrument 0 --instrument 33 --drums --bars 8 --out song.mid"
    })
final class GenerateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin MaskOptions masks;

  @Mixin ModelOption model;

  @Mixin SamplingOptions sampling;

  @Mixin OutputFile output;

  @Option(
      names = "--in",
      paramLabel = "FILE.mid",
      description = "Add the new tracks to this piece; its tracks are kept and heard as context.")
  Path input;

  @Option(
      names = "--instrument",
      paramLabel = "PROGRAM",
      description = "General MIDI program 0-127 of a new melodic track (repeatable).")
  List<Integer> instruments = new ArrayList<>();

  @Option(names = "--drums", description = "Add a drum track.")
  boolean drums;

  @Option(
      names = "--bars",
      paramLabel = "N",
      description = "Length of a new piece in bars (default: 8). With --in the new tracks span"
          + " the whole piece.")
  Integer bars;

  @Option(
      names = "--time-signature",
      defaultValue = "4/4",
      paramLabel = "N/D",
      description = "Time signature of a new piece, kept in every generated bar (default:"
          + " ${DEFAULT-VALUE}).")
  String timeSignature;

  @Option(
      names = "--attr",
      paramLabel = "NAME=LEVEL",
      description = "Attribute level for every new track, e.g. min_polyphony=2 (repeatable; see"
          + " 'midigpt attributes' for names and levels).")
  Map<String, Integer> attributes = new LinkedHashMap<>();

  @Option(
      names = "--bar-attr",
      paramLabel = "TRACK:BARS:NAME=LEVEL",
      converter = BarAttribute.Converter.class,
      description = "Bar-level attribute level for bars of a new track, e.g."
          + " 1:0-3:bar_max_polyphony=2 (repeatable). Tracks are numbered as in the output: the"
          + " tracks of --in first, then the new ones in the order --instrument..., --drums.")
  List<BarAttribute> barAttributes = new ArrayList<>();

  @Override
  public Integer call() {
    if (instruments.isEmpty() && !drums) {
      throw new InvalidArgumentException("nothing to generate: give --instrument PROGRAM or --drums");
    }
    Score base = input != null ? Score.read(input) : null;
    if (base != null && bars != null) {
      throw new InvalidArgumentException(
          "--bars sets the length of a new piece; with --in the new tracks span its "
              + base.barCount() + " bars");
    }
    int length = bars != null ? bars : 8;
    if (length < 1) {
      throw new InvalidArgumentException("--bars " + length + ": a piece needs at least one bar");
    }
    int[] signature = timeSignature();
    output.checkWritable();

    List<Track> fresh = new ArrayList<>();
    for (int program : instruments) {
      if (program < 0 || program > 127) {
        throw new InvalidArgumentException("--instrument " + program + " is not a GM program 0-127");
      }
      fresh.add(NewTracks.empty(program, false, length, signature[0], signature[1]));
    }
    if (drums) {
      fresh.add(NewTracks.empty(0, true, length, signature[0], signature[1]));
    }
    int piece = (base != null ? base.tracks().size() : 0) + fresh.size();
    for (BarAttribute attribute : barAttributes) {
      if (attribute.track() < piece - fresh.size() || attribute.track() >= piece) {
        throw new InvalidArgumentException("--bar-attr track " + attribute.track()
            + " is not a new track: the new tracks are " + (piece - fresh.size())
            + (fresh.size() > 1 ? "-" + (piece - 1) : ""));
      }
      int lastBar = attribute.bars().get(attribute.bars().size() - 1);
      int barCount = base != null ? base.barCount() : length;
      if (lastBar >= barCount) {
        throw new InvalidArgumentException("--bar-attr bar " + lastBar + " is past the end of"
            + " the piece, which has " + barCount + " bars (0-" + (barCount - 1) + ")");
      }
    }
    String newTracks = "the new tracks are " + (piece - fresh.size())
        + (fresh.size() > 1 ? "-" + (piece - 1) : "");
    IntPredicate isNew = track -> track >= piece - fresh.size() && track < piece;
    masks.checkTracks(isNew, newTracks);
    Score score = base != null
        ? NewTracks.append(base, fresh)
        : new Score(Score.DEFAULT_RESOLUTION, Score.DEFAULT_TEMPO, fresh);

    int first = score.tracks().size() - fresh.size();
    List<Integer> allBars = new ArrayList<>();
    for (int b = 0; b < score.barCount(); b++) {
      allBars.add(b);
    }
    try (InferenceEngine engine = model.open()) {
      Map<String, AttributeInfo> known = new LinkedHashMap<>();
      engine.attributes().forEach(info -> known.put(info.name(), info));
      List<String> signatures = timeSignatures(engine);
      List<TrackPrompt> prompts = new ArrayList<>();
      for (int t = 0; t < score.tracks().size(); t++) {
        if (t < first) {
          prompts.add(TrackPrompt.ignored(t));
          continue;
        }
        Track track = score.tracks().get(t);
        TrackPrompt.Builder prompt = TrackPrompt.builder(t).bars(allBars).autoregressive(true)
            .attributes(attributesFor(track, known))
            .controls(masks.controlsFor(t, List.of()));
        BarAttribute.applyAll(barAttributes, t, track.isDrum(), known, prompt);
        // A new track writes its own TimeSig tokens: lock each bar to the piece's signature.
        for (int b = 0; b < track.bars().size(); b++) {
          Bar bar = track.bars().get(b);
          prompt.barControls(b, TrackControls.ofTimeSignature(
              signatureIndex(signatures, bar.numerator(), bar.denominator())));
        }
        prompts.add(prompt.build());
      }
      for (String name : attributes.keySet()) {
        if (prompts.stream().noneMatch(prompt -> prompt.attributes().containsKey(name))) {
          throw new InvalidArgumentException("--attr " + name + " applies to "
              + known.get(name).trackType() + " tracks only, and no new track is one");
        }
      }
      GenerationRequest request =
          new GenerationRequest(prompts, sampling.config(), PieceControls.NONE);
      GenerationRun.run(spec.commandLine().getErr(), engine, score, request, output);
    }
    return 0;
  }

  /**
   * The --attr levels that apply to {@code track}: a melodic-only attribute such as
   * min_polyphony is left off a drum track instead of failing the whole request. Unknown names
   * are passed on for the request validation to reject by name.
   */
  private Map<String, Integer> attributesFor(Track track, Map<String, AttributeInfo> known) {
    Map<String, Integer> applicable = new LinkedHashMap<>();
    attributes.forEach((name, level) -> {
      AttributeInfo info = known.get(name);
      String kind = track.isDrum() ? "drum" : "melodic";
      if (info == null || info.trackType().equals("both") || info.trackType().equals(kind)) {
        applicable.put(name, level);
      }
    });
    return applicable;
  }

  /** The encoder's time signatures ("3/4", ...); a request names one by its index. */
  private static List<String> timeSignatures(InferenceEngine engine) {
    try {
      JsonNode list = new ObjectMapper().readTree(engine.tokenizer().configJson())
          .path("time_signatures");
      List<String> signatures = new ArrayList<>();
      list.forEach(node -> signatures.add(node.asText()));
      return signatures;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the model's encoder config is not JSON", e);
    }
  }

  private static int signatureIndex(List<String> signatures, int numerator, int denominator) {
    int index = signatures.indexOf(numerator + "/" + denominator);
    if (index < 0) {
      throw new InvalidArgumentException("time signature " + numerator + "/" + denominator
          + " is not one the model knows: " + String.join(" ", signatures));
    }
    return index;
  }

  private int[] timeSignature() {
    String[] parts = timeSignature.split("/", -1);
    try {
      if (parts.length == 2) {
        int numerator = Integer.parseInt(parts[0].trim());
        int denominator = Integer.parseInt(parts[1].trim());
        if (numerator > 0 && denominator > 0 && Integer.bitCount(denominator) == 1) {
          return new int[] {numerator, denominator};
        }
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidArgumentException(
        "--time-signature " + timeSignature + ": expected N/D with D a power of two, e.g. 3/4");
  }
}
