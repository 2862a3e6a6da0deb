package io.midigpt.server.osc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.midigpt.MidigptException;
import io.midigpt.engine.GenerationResult;
import io.midigpt.engine.InferenceEngine;
import io.midigpt.engine.ProgressListener;
import io.midigpt.engine.SamplingSession;
import io.midigpt.score.Bar;
import io.midigpt.score.Note;
import io.midigpt.score.Track;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link GenerationTicket} on the worker thread (reference spec §9.4): for each agent
 * track, builds the request from the session as it is now, samples, stores the target bars in the
 * agent's track and sends them ({@code /generated/open}, {@code note}s, {@code close}, {@code
 * features}, then {@code /sampled/attrs}).
 *
 * <p>Real time: a ticket whose target bar starts before its notes could be sent is worthless to
 * the client, so the run is cancelled at the deadline (or its result dropped if it finishes
 * after it) and reported with {@code /midigpt/error 5}. A run that has accepted the target bars
 * stops there: the reference's windows can make it generate further bars it then throws away.
 */
final class BarGeneration {
  private static final Logger LOG = LoggerFactory.getLogger(BarGeneration.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The decoded track-level attributes {@code /sampled/attrs} reports. */
  private static final Set<String> SAMPLED_ATTRIBUTES = Set.of("note_density", "min_polyphony",
      "max_polyphony", "onset_polyphony", "min_note_duration", "max_note_duration");

  /** How a run ended, from the listener's point of view. */
  private enum Stop { NONE, TARGET_DONE, DEADLINE, TIMEOUT, ABANDONED }

  /** What one agent's generation came to, for the agents after it. */
  private enum Outcome {
    DELIVERED,
    /** This agent failed (reported); the next agents still have their chance. */
    FAILED,
    /** Late or abandoned: so is every agent after it. */
    ENDED
  }

  private final InferenceEngine engine;
  private final SessionState session;
  private final OscReplies replies;
  private volatile SamplingSession running;
  private volatile boolean abandoned;

  BarGeneration(InferenceEngine engine, SessionState session, OscReplies replies) {
    this.engine = engine;
    this.session = session;
    this.replies = replies;
  }

  /** Stops the run in progress for good (the session was reset or stopped, or the server). */
  void abandon() {
    abandoned = true;
    SamplingSession current = running;
    if (current != null) {
      current.cancel();
    }
  }

  void run(GenerationTicket ticket) {
    abandoned = false;
    List<OscTrack> agents = session.agentsFor(ticket);
    if (agents.isEmpty()) {
      return;
    }
    replies.status("generating");
    try {
      Set<OscTrack> done = new HashSet<>();
      for (OscTrack agent : agents) {
        Outcome outcome = generate(ticket, agent, done);
        if (outcome == Outcome.ENDED) {
          return;
        }
        if (outcome == Outcome.DELIVERED) {
          done.add(agent);
        }
      }
      if (done.size() == agents.size()) {
        session.clearOnceParams(ticket);
      }
    } finally {
      replies.status("ready");
    }
  }

  /** One agent's bars. */
  private Outcome generate(GenerationTicket ticket, OscTrack agent, Set<OscTrack> done) {
    long started = System.nanoTime();
    if (started >= ticket.deadlineNanos()) {
      reportLate(ticket, agent, started, "before generating began");
      return Outcome.ENDED;
    }
    RequestBuilder.Built built = session.buildRequest(ticket, agent, done);
    if (built == null || abandoned) {
      return Outcome.ENDED;
    }
    replies.promptState(built.promptState());
    GenerationResult result;
    Stop[] stop = {Stop.NONE};
    long timeoutNanos = Math.round(ticket.params().real("gen_timeout") * 1e9);
    boolean wholeRunNeeded = built.firstBar() < ticket.target();
    try (SamplingSession sampling = engine.session(built.score(), built.request())) {
      running = sampling;
      if (abandoned) {
        return Outcome.ENDED;
      }
      ProgressListener listener = progress -> {
        long now = System.nanoTime();
        Stop why =
            abandoned ? Stop.ABANDONED
                : now >= ticket.deadlineNanos() ? Stop.DEADLINE
                : timeoutNanos > 0 && now - started >= timeoutNanos ? Stop.TIMEOUT
                : !wholeRunNeeded && progress.step() >= 1 && progress.stepCount() > 1
                    ? Stop.TARGET_DONE
                : Stop.NONE;
        if (why != Stop.NONE) {
          stop[0] = why;
          sampling.cancel();
        }
      };
      result = sampling.run(listener);
    } catch (MidigptException | IllegalArgumentException e) {
      // The engine's validation (e.g. a model_dim the model has no window for) or sampling.
      fail(ticket, agent, e.getMessage());
      return Outcome.FAILED;
    } finally {
      running = null;
    }
    long finished = System.nanoTime();
    switch (stop[0]) {
      case ABANDONED:
        return Outcome.ENDED;
      case DEADLINE:
        reportLate(ticket, agent, finished, "and was cancelled");
        return Outcome.ENDED;
      case TIMEOUT:
        fail(ticket, agent, "timed out after gen_timeout=" + ticket.params().real("gen_timeout")
            + " s");
        return Outcome.FAILED;
      default:
        break;
    }
    if (finished >= ticket.deadlineNanos()) {
      reportLate(ticket, agent, finished, "and was dropped");
      return Outcome.ENDED;
    }
    deliver(ticket, agent, built, result);
    LOG.info("generated bar {} of track {} in {} ms{}", ticket.target(), agent.id,
        (finished - started) / 1_000_000,
        ticket.hasDeadline()
            ? ", " + (ticket.deadlineNanos() - finished) / 1_000_000 + " ms before it plays"
            : "");
    return Outcome.DELIVERED;
  }

  /** Stores and sends the agent's bars from {@code built.firstBar()} to the last target bar. */
  private void deliver(
      GenerationTicket ticket, OscTrack agent, RequestBuilder.Built built,
      GenerationResult result) {
    Track track = result.score().tracks().get(built.agentIndex());
    int resolution = result.score().resolution();
    int pieceResolution = engine.tokenizer().resolution();
    for (int bar = built.firstBar(); bar < ticket.target() + ticket.bars(); bar++) {
      int index = bar - built.offset();
      if (index >= track.bars().size()) {
        break;
      }
      Bar generated = track.bars().get(index);
      List<Note> notes = generated.notes().stream().filter(note -> note.velocity() > 0).toList();
      List<Note> stored = new ArrayList<>();
      for (Note note : notes) {
        stored.add(Note.of(note.pitch(), note.velocity(),
            (int) ((long) note.onset() * pieceResolution / resolution),
            Math.max(1, (int) ((long) note.duration() * pieceResolution / resolution))));
      }
      if (!session.storeGenerated(ticket, agent, bar, stored)) {
        return;
      }
      int barTicks = resolution * 4 * generated.numerator() / generated.denominator();
      replies.generatedOpen(agent.id, bar, notes.size());
      for (Note note : notes) {
        replies.generatedNote(agent.id, bar, note.pitch(), note.velocity(),
            BarFeatures.onsetFraction(note, barTicks), BarFeatures.durationFraction(note, barTicks));
      }
      replies.generatedClose(agent.id, bar);
      if (!notes.isEmpty()) {
        replies.generatedFeatures(agent.id, bar,
            BarFeatures.of(notes, resolution, barTicks, generated.numerator()));
      }
    }
    Map<String, Integer> sampled = new TreeMap<>();
    track.attributes().forEach((name, level) -> {
      if (SAMPLED_ATTRIBUTES.contains(name)) {
        sampled.put(name, level);
      }
    });
    if (!sampled.isEmpty()) {
      ObjectNode json = JSON.createObjectNode();
      json.put("start_bar", built.firstBar());
      json.put("end_bar", ticket.target() + ticket.bars());
      ObjectNode attrs = json.putObject("attrs");
      sampled.forEach(attrs::put);
      replies.sampledAttrs(json.toString());
    }
  }

  private void reportLate(GenerationTicket ticket, OscTrack agent, long now, String what) {
    long lateMillis = (now - ticket.deadlineNanos()) / 1_000_000;
    String message = "bar " + ticket.target() + " of track " + agent.id + " dropped: its"
        + " generation missed the bar's start by " + lateMillis + " ms " + what;
    LOG.warn(message);
    replies.error(OscError.GENERATION, message);
  }

  private void fail(GenerationTicket ticket, OscTrack agent, String why) {
    String message =
        "generation of bar " + ticket.target() + " of track " + agent.id + " failed: " + why;
    LOG.warn(message);
    replies.error(OscError.GENERATION, message);
  }
}
