package io.midigpt.cli;

import io.midigpt.InvalidArgumentException;
import io.midigpt.engine.InferenceEngine;
import io.midigpt.generation.GenerationRequest;
import io.midigpt.generation.PieceControls;
import io.midigpt.generation.TrackPrompt;
import io.midigpt.score.Score;
import io.midigpt.tokenizer.AttributeInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Rewrites chosen bars of chosen tracks; everything else stays note for note. */
@Command(
    name = "infill",
    mixinStandardHelpOptions = true,
    description = {
      "Regenerates bars of existing tracks, hearing the rest of the piece; every other bar is"
          + " kept exactly. Tracks and bars are numbered from 0 (see 'midigpt inspect').",
      "Example: midigpt infill song.mid --track 1 --bars 4-7 --track 2 --bars 0,6 --out new.mid"
    })
final class InfillCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "IN.mid", description = "The piece to change.")
  Path input;

  /** One {@code --track N --bars LIST} pair. */
  static final class Target {
    @Option(names = "--track", required = true, paramLabel = "N", description = "Track index.")
    int track;

    @Option(
        names = "--bars",
        required = true,
        paramLabel = "LIST",
        converter = BarRanges.class,
        description = "Bars of that track to regenerate: 4, 4-7 or 0-1,6.")
    List<Integer> bars;
  }

  @ArgGroup(exclusive = false, multiplicity = "1..*", heading = "What to regenerate (repeatable):%n")
  List<Target> targets;

  @Option(
      names = "--bar-attr",
      paramLabel = "TRACK:BARS:NAME=LEVEL",
      converter = BarAttribute.Converter.class,
      description = "Bar-level attribute level for regenerated bars, e.g."
          + " 1:4-7:bar_max_polyphony=2 (repeatable; see 'midigpt attributes').")
  List<BarAttribute> barAttributes = new ArrayList<>();

  @Option(
      names = "--remix",
      paramLabel = "TRACK:AMOUNT[:pitch|full]",
      converter = ControlOption.Remix.class,
      description = "Regenerate a track's bars as a variation of their notes: onsets kept, that"
          + " fraction (0-1) of the pitches (pitch, the default) or of pitches and durations"
          + " (full) resampled (repeatable).")
  List<ControlOption> remixes = new ArrayList<>();

  @Mixin MaskOptions masks;

  @Mixin ModelOption model;

  @Mixin SamplingOptions sampling;

  @Mixin OutputFile output;

  @Override
  public Integer call() {
    Score score = Score.read(input);
    output.checkWritable();
    Map<Integer, TreeSet<Integer>> bars = new TreeMap<>();
    for (Target target : targets) {
      if (target.track < 0 || target.track >= score.tracks().size()) {
        throw new InvalidArgumentException("--track " + target.track + ": " + input + " has "
            + score.tracks().size() + " tracks (0-" + (score.tracks().size() - 1) + ")");
      }
      int count = score.tracks().get(target.track).bars().size();
      for (int bar : target.bars) {
        if (bar >= count) {
          throw new InvalidArgumentException("--bars: bar " + bar + " is past the end of track "
              + target.track + ", which has " + count + " bars (0-" + (count - 1) + ")");
        }
      }
      bars.computeIfAbsent(target.track, t -> new TreeSet<>()).addAll(target.bars);
    }
    for (BarAttribute attribute : barAttributes) {
      if (!bars.containsKey(attribute.track())) {
        throw new InvalidArgumentException("--bar-attr track " + attribute.track()
            + " is not regenerated: give it with --track " + attribute.track() + " --bars ...");
      }
    }
    String notRegenerated = "the regenerated tracks are " + bars.keySet();
    masks.checkTracks(bars::containsKey, notRegenerated);
    ControlOption.checkTracks("--remix", remixes, bars::containsKey, notRegenerated);
    try (InferenceEngine engine = model.open()) {
      Map<String, AttributeInfo> known = new LinkedHashMap<>();
      engine.attributes().forEach(info -> known.put(info.name(), info));
      List<TrackPrompt> prompts = new ArrayList<>();
      for (int t = 0; t < score.tracks().size(); t++) {
        TreeSet<Integer> chosen = bars.get(t);
        if (chosen == null) {
          prompts.add(TrackPrompt.ignored(t));
          continue;
        }
        TrackPrompt.Builder prompt = TrackPrompt.builder(t).bars(List.copyOf(chosen))
            .controls(masks.controlsFor(t, remixes));
        BarAttribute.applyAll(barAttributes, t, score.tracks().get(t).isDrum(), known, prompt);
        prompts.add(prompt.build());
      }
      GenerationRequest request =
          new GenerationRequest(prompts, sampling.config(), PieceControls.NONE);
      GenerationRun.run(spec.commandLine().getErr(), engine, score, request, output);
    }
    return 0;
  }
}
