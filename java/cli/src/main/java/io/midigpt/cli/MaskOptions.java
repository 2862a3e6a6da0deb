package io.midigpt.cli;

import io.midigpt.generation.TrackControls;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.IntPredicate;
import picocli.CommandLine.Option;

/** {@code --pitch-mask} and {@code --rhythm}, shared by generate and infill. */
final class MaskOptions {
  @Option(
      names = "--pitch-mask",
      paramLabel = "TRACK:MASK",
      converter = ControlOption.PitchMask.class,
      description = "Pitches a generated track may use: 0:major@D, 0:pitches=60,62,64,"
          + " 0:classes=0,4,7, optionally +normal:MEAN:STD or +uniform:MIN:MAX (repeatable).")
  List<ControlOption> pitchMasks = new ArrayList<>();

  @Option(
      names = "--rhythm",
      paramLabel = "TRACK:RHYTHM",
      converter = ControlOption.Rhythm.class,
      description = "Where a generated track's notes start: a grid 0:eighth[:STRENGTH 0-1] or an"
          + " exact schedule 0:onsets=0x2,12,30 (ticks at the model's resolution; xN notes at"
          + " once) (repeatable).")
  List<ControlOption> rhythms = new ArrayList<>();

  /** Rejects a mask naming a track that {@code generated} does not take; {@code which} says. */
  void checkTracks(IntPredicate generated, String which) {
    ControlOption.checkTracks("--pitch-mask", pitchMasks, generated, which);
    ControlOption.checkTracks("--rhythm", rhythms, generated, which);
  }

  /** The track's controls: the last mask of each kind naming it, and its remix if any. */
  TrackControls controlsFor(int track, List<ControlOption> remixes) {
    return new TrackControls(OptionalInt.empty(), ControlOption.lastFor(track, pitchMasks),
        ControlOption.lastFor(track, rhythms), ControlOption.lastFor(track, remixes), List.of());
  }
}
