package io.midigpt.server.osc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.midigpt.generation.GenerationRequest;
import io.midigpt.generation.InferenceConfig;
import io.midigpt.generation.MaskMode;
import io.midigpt.generation.TrackControls;
import io.midigpt.generation.TrackPrompt;
import io.midigpt.score.Bar;
import io.midigpt.score.Note;
import io.midigpt.score.Score;
import io.midigpt.score.Track;
import io.midigpt.score.TrackType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Turns a session's state into the engine's score and request for one agent track and one target
 * (reference spec §9.4), so that the model sees the token stream the reference builds.
 *
 * <p>Departures, each what a user would expect: a conditioning track set to ignore is left out of
 * the score (the reference keeps it with mask bars, which fails validation on every generation,
 * §12.12); an agent's {@code min_pitch}/{@code max_pitch} become a pitch mask and its {@code
 * temperature} its sampling temperature (the reference accepts and ignores them); with several
 * agents (an opt-in of this server) the other agents' bars not generated yet are hidden like a
 * conditioning track's future bars.
 */
final class RequestBuilder {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What the engine runs, and how its result maps back to the session.
   *
   * @param offset the absolute index of the score's bar 0
   * @param agentIndex the agent's track index in the score (and the result)
   * @param firstBar the first absolute bar the result's agent track fills (the target, or the
   *     offset when bootstrapping)
   */
  record Built(
      Score score, GenerationRequest request, int offset, int agentIndex, int firstBar,
      String promptState) {}

  private RequestBuilder() {}

  /**
   * @param agent the track to generate
   * @param agentsDone other agents whose target bars this round has already generated
   * @param playhead bars completed when the generation was requested
   */
  static Built build(
      PieceState piece, OscTrack agent, Set<OscTrack> agentsDone, int target, int n, int playhead,
      OscParams.Snapshot params, Map<String, Integer> attrs) {
    int modelDim = params.integer("model_dim");
    String policy = params.string("warmup_policy");
    boolean bootstrap =
        (policy.equals("b") || policy.equals("b_collapse")) && !piece.hasNotesBefore(agent, target);
    int scoreBars = Math.max(target + n, modelDim);
    int offset = Math.max(piece.firstBar(),
        policy.equals("b_collapse") && bootstrap ? Math.max(0, target + n - modelDim) : 0);
    int end = scoreBars - offset;

    Score.Builder score = Score.builder().resolution(piece.resolution);
    GenerationRequest.Builder request = GenerationRequest.builder();
    ObjectNode state = JSON.createObjectNode();
    state.put("target_bar", target);
    state.put("start_bar", offset);
    state.put("end_bar", scoreBars);
    ArrayNode stateTracks = state.putArray("tracks");
    int agentIndex = -1;
    int index = -1;
    for (OscTrack track : piece.tracks) {
      if (track.ignored() && !track.agent) {
        continue;
      }
      index++;
      score.addTrack(scoreTrack(piece, track, offset, scoreBars));
      TrackPrompt.Builder prompt = TrackPrompt.builder(index);
      List<Integer> generated = List.of();
      List<Integer> masked;
      if (track == agent) {
        agentIndex = index;
        generated = range(bootstrap ? 0 : target - offset, end);
        masked =
            policy.equals("a_masked") && !bootstrap
                ? IntStream.range(0, target - offset)
                    .filter(b -> piece.notes(track, b + offset).isEmpty())
                    .boxed()
                    .toList()
                : List.of();
        prompt.autoregressive(true).bars(generated).maskBars(masked).attributes(attrs);
        pitchMask(track).ifPresent(prompt::controls);
      } else if (track.agent) {
        int unknownFrom = agentsDone.contains(track) ? target + n : target;
        masked = range(Math.max(0, unknownFrom - offset), end);
        prompt.maskBars(masked);
      } else {
        masked = range(Math.max(0, playhead - offset), end);
        prompt.maskBars(masked);
      }
      request.addTrack(prompt.build());
      stateTracks.add(trackState(track, end, generated, masked));
    }
    request.config(config(params, agent, n));
    return new Built(
        score.build(), request.build(), offset, agentIndex, bootstrap ? offset : target,
        state.toString());
  }

  private static Track scoreTrack(PieceState piece, OscTrack track, int offset, int scoreBars) {
    Track.Builder builder =
        Track.builder()
            .instrument(track.instrument)
            .type(track.drum ? TrackType.DRUM : TrackType.MELODIC);
    for (int bar = offset; bar < scoreBars; bar++) {
      int[] ts = piece.timeSignature(bar);
      List<Note> notes =
          piece.notes(track, bar).stream().filter(note -> note.velocity() > 0).toList();
      builder.addBar(Bar.builder().timeSignature(ts[0], ts[1]).notes(notes).build());
    }
    return builder.build();
  }

  private static InferenceConfig config(OscParams.Snapshot params, OscTrack agent, int n) {
    String maskMode = params.string(OscParams.MASK_MODE);
    return InferenceConfig.builder()
        .temperature(agent.temperature(params.real("temperature")))
        .seed(params.integer("sampling_seed"))
        .maxAttempts(params.integer("max_attempts"))
        .barsPerStep(n)
        .tracksPerStep(1)
        .modelDim(params.integer("model_dim"))
        .maskMode(MaskMode.fromJsonName(maskMode).orElseThrow())
        .topP(params.real("top_p"))
        .topK(params.integer("top_k"))
        .maskP(params.real("mask_p"))
        .maskK(params.integer("mask_k"))
        .temperatureEscalation(params.real("temperature_escalation"))
        .noveltyCheck(params.bool("novelty_check"))
        .silenceCheck(params.bool("silence_check"))
        .polyphonyHardLimit(params.integer("polyphony_hard_limit"))
        .densityHardLimit(params.integer("density_hard_limit"))
        .build();
  }

  /** The agent's min/max pitch as an allow-set of pitches; none when neither is set. */
  private static Optional<TrackControls> pitchMask(OscTrack agent) {
    if (agent.minPitch() == null && agent.maxPitch() == null) {
      return Optional.empty();
    }
    int low = agent.minPitch() == null ? 0 : agent.minPitch();
    int high = agent.maxPitch() == null ? 127 : agent.maxPitch();
    String pitches =
        IntStream.rangeClosed(low, high).mapToObj(Integer::toString)
            .collect(Collectors.joining(",", "{\"pitches\":[", "]}"));
    return Optional.of(TrackControls.ofPitchMask(pitches));
  }

  /** Per bar of the score: "target" (generated), "masked" (hidden) or "context". */
  private static ObjectNode trackState(
      OscTrack track, int end, List<Integer> generated, List<Integer> masked) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", track.id);
    node.put("is_agent", track.agent);
    ArrayNode states = node.putArray("states");
    for (int bar = 0; bar < end; bar++) {
      states.add(generated.contains(bar) ? "target" : masked.contains(bar) ? "masked" : "context");
    }
    return node;
  }

  private static List<Integer> range(int from, int to) {
    return IntStream.range(from, to).boxed().toList();
  }
}
