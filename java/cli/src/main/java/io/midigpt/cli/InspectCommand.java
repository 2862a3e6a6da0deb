package io.midigpt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.midigpt.score.Bar;
import io.midigpt.score.Note;
import io.midigpt.score.Score;
import io.midigpt.score.Track;
import io.midigpt.tokenizer.AttributeInfo;
import io.midigpt.tokenizer.Tokenizer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Shows what the reader and the attribute analyzer see in a MIDI file. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = "Shows the tracks, instruments, bars, time signatures, notes and attribute"
        + " levels of a MIDI file, as the model sees them.")
final class InspectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "FILE.mid", description = "A MIDI file.")
  Path file;

  @Mixin EncoderOption encoder;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    Score score = Score.read(file);
    try (Tokenizer tokenizer = encoder.open()) {
      // Attribute levels as training computes them: on the score at the encoder grid.
      Score analysed = tokenizer.annotate(tokenizer.normalize(score));
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(toJson(score, analysed, tokenizer.attributes()));
      } else {
        printTable(out, score, analysed, tokenizer.attributes());
      }
      out.flush();
    }
    return 0;
  }

  private void printTable(PrintWriter out, Score score, Score analysed, List<AttributeInfo> infos) {
    out.printf("%s: %d tracks, %d bars, %d notes, %.1f BPM, %d ticks per quarter%n",
        file, score.tracks().size(), score.barCount(), score.noteCount(),
        60_000_000.0 / score.tempo(), score.resolution());
    out.println("time signatures: " + String.join(", ", timeSignatureChanges(score)));
    out.printf("%-3s %-30s %-7s %5s %6s %-9s %s%n",
        "#", "instrument", "type", "bars", "notes", "pitches", "attributes (" + encoder.encoder + ")");
    for (int t = 0; t < score.tracks().size(); t++) {
      Track track = score.tracks().get(t);
      out.printf("%-3d %-30s %-7s %5d %6d %-9s %s%n",
          t,
          track.instrument() + " " + GeneralMidi.programName(track.instrument()),
          track.type().jsonName(),
          track.bars().size(),
          track.noteCount(),
          pitchRange(track),
          describeAttributes(analysed.tracks().get(t).attributes(), infos));
    }
  }

  private static String describeAttributes(Map<String, Integer> levels, List<AttributeInfo> infos) {
    List<String> parts = new ArrayList<>();
    for (AttributeInfo info : infos) {
      Integer level = levels.get(info.name());
      if (level != null && !info.barLevel()) {
        String label = level >= 0 && level < info.labels().size() ? info.labels().get(level) : "?";
        boolean labelAddsMeaning = !label.equals(String.valueOf(level));
        parts.add(info.name() + "=" + level + (labelAddsMeaning ? " (" + label + ")" : ""));
      }
    }
    return parts.isEmpty() ? "-" : String.join(", ", parts);
  }

  private static String pitchRange(Track track) {
    int low = 128;
    int high = -1;
    for (Bar bar : track.bars()) {
      for (Note note : bar.notes()) {
        low = Math.min(low, note.pitch());
        high = Math.max(high, note.pitch());
      }
    }
    return high < 0 ? "-" : low + "-" + high;
  }

  /** "4/4 from bar 0", then one entry per change. */
  private static List<String> timeSignatureChanges(Score score) {
    List<String> changes = new ArrayList<>();
    if (score.tracks().isEmpty()) {
      return List.of("none (no tracks)");
    }
    String previous = null;
    List<Bar> bars = score.tracks().get(0).bars();
    for (int b = 0; b < bars.size(); b++) {
      String signature = bars.get(b).numerator() + "/" + bars.get(b).denominator();
      if (!signature.equals(previous)) {
        changes.add(signature + " from bar " + b);
        previous = signature;
      }
    }
    return changes;
  }

  private String toJson(Score score, Score analysed, List<AttributeInfo> infos) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("file", file.toString());
    root.put("resolution", score.resolution());
    root.put("tempo", score.tempo());
    root.put("bars", score.barCount());
    root.put("notes", score.noteCount());
    root.set("time_signatures", mapper.valueToTree(timeSignatureChanges(score)));
    ArrayNode tracks = root.putArray("tracks");
    for (int t = 0; t < score.tracks().size(); t++) {
      Track track = score.tracks().get(t);
      Track annotated = analysed.tracks().get(t);
      ObjectNode node = tracks.addObject();
      node.put("index", t);
      node.put("instrument", track.instrument());
      node.put("instrument_name", GeneralMidi.programName(track.instrument()));
      node.put("track_type", track.type().jsonName());
      node.put("bars", track.bars().size());
      node.put("notes", track.noteCount());
      node.set("attributes", mapper.valueToTree(annotated.attributes()));
      ArrayNode barAttributes = node.putArray("bar_attributes");
      annotated.bars().forEach(bar -> barAttributes.add(mapper.valueToTree(bar.attributes())));
    }
    root.set("attribute_info", mapper.valueToTree(infos));
    return root.toString();
  }
}
