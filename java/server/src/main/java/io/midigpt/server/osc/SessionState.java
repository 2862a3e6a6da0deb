package io.midigpt.server.osc;

import io.midigpt.score.Note;
import io.midigpt.tokenizer.AttributeInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The session a client drives (reference spec §9.2-9.3): its state machine, tracks and notes,
 * parameters and attribute overrides. Every method runs under the session's lock, so that the
 * receiving thread and the generation worker see one consistent state; refusals throw {@link
 * OscProtocolException} with the protocol's error code.
 */
final class SessionState {
  enum State { UNINITIALIZED, INITIALIZING, RUNNING, STOPPED }

  private final int resolution;
  private final boolean supportsTokenMask;
  private final OscServerSettings settings;
  private final Map<String, Integer> attributeSizes = new LinkedHashMap<>();
  private State state = State.UNINITIALIZED;
  private long epoch;
  private String name = "";
  private PieceState piece;
  private OscParams params;
  private final Map<String, Integer> attrs = new LinkedHashMap<>();
  private BarClock clock;

  SessionState(
      int resolution, boolean supportsTokenMask, List<AttributeInfo> attributes,
      OscServerSettings settings) {
    this.resolution = resolution;
    this.supportsTokenMask = supportsTokenMask;
    this.settings = settings;
    attributes.forEach(attribute -> attributeSizes.put(attribute.name(), attribute.size()));
    clear();
  }

  synchronized State state() {
    return state;
  }

  synchronized long epoch() {
    return epoch;
  }

  synchronized String name() {
    return name;
  }

  /** {@code /session/init}: a new, empty session with every parameter at its default. */
  synchronized void init(String sessionName) {
    epoch++;
    name = sessionName;
    clear();
    state = State.INITIALIZING;
  }

  /** No tracks or notes, every parameter at its default, no overrides, a fresh bar clock. */
  private void clear() {
    piece = new PieceState(resolution, settings.limits());
    params = new OscParams(supportsTokenMask, settings.paramDefaults());
    attrs.clear();
    clock = new BarClock();
  }

  /** {@code /session/start}: needs an agent, a conditioning track and a usable buffer. */
  synchronized void start() {
    requireState("/midigpt/session/start", State.INITIALIZING);
    if (piece.agents().isEmpty()) {
      throw new OscProtocolException(OscError.NO_AGENT, "no agent track: create one with"
          + " /midigpt/track/create <id> <instrument> <type> 1");
    }
    if (piece.tracks.size() == piece.agents().size()) {
      throw new OscProtocolException(OscError.INVALID_STATE,
          "at least one conditioning track is required");
    }
    OscParams.Snapshot values = params.snapshot();
    int buffer = values.integer("buffer_bars");
    int modelDim = values.integer("model_dim");
    if (buffer < 2 || buffer > modelDim) {
      throw new OscProtocolException(OscError.INVALID_PARAM, "buffer_bars=" + buffer
          + " must be in 2..model_dim (" + modelDim + ")");
    }
    state = State.RUNNING;
  }

  /** {@code /session/stop}, allowed in every state; generations in flight become stale. */
  synchronized void stop() {
    epoch++;
    state = State.STOPPED;
  }

  synchronized void createTrack(int id, int instrument, int trackType, boolean agent) {
    requireState("/midigpt/track/create", State.INITIALIZING, State.RUNNING);
    if (piece.track(id) != null) {
      throw new OscProtocolException(OscError.DUPLICATE_TRACK, "track " + id + " exists");
    }
    if (instrument < 0 || instrument > 127) {
      throw new OscProtocolException(OscError.INVALID_PARAM,
          "instrument " + instrument + " is outside 0..127");
    }
    if (agent && piece.agents().size() >= settings.maxAgents()) {
      throw new OscProtocolException(OscError.MULTI_AGENT, settings.maxAgents() == 1
          ? "an agent track exists already (start the server with --max-agents N for more)"
          : "the server allows " + settings.maxAgents() + " agent tracks");
    }
    if (piece.tracks.size() >= settings.limits().maxTracks()) {
      throw new OscProtocolException(OscError.INVALID_PARAM,
          "a session holds at most " + settings.limits().maxTracks() + " tracks");
    }
    // The reference: 11 is a drum track, anything else melodic (the studio sends 10 or 11).
    piece.addTrack(new OscTrack(id, instrument, trackType == 11, agent));
  }

  synchronized void removeTrack(int id) {
    requireState("/midigpt/track/remove", State.INITIALIZING, State.RUNNING);
    OscTrack track = existing(id);
    if (track.agent) {
      throw new OscProtocolException(OscError.INVALID_STATE,
          "the agent track " + id + " cannot be removed");
    }
    piece.tracks.remove(track);
  }

  synchronized void setIgnore(int id, boolean ignored) {
    requireState("/midigpt/track/set_ignore", State.INITIALIZING, State.RUNNING);
    setTrackParam(id, "ignore", ignored);
  }

  /**
   * {@code /track/param/set}: agents take temperature, min_pitch and max_pitch; conditioning
   * tracks ignore and temperature (only ignore changes what they do).
   */
  synchronized void setTrackParam(int id, String paramName, Object value) {
    OscTrack track = existing(id);
    List<String> allowed =
        track.agent ? List.of("temperature", "min_pitch", "max_pitch")
            : List.of("ignore", "temperature");
    if (!allowed.contains(paramName)) {
      throw new OscProtocolException(OscError.INVALID_PARAM, "track param '" + paramName
          + "' is not one of " + allowed + " for " + (track.agent ? "an agent" : "a conditioning")
          + " track");
    }
    Object coerced =
        switch (paramName) {
          case "ignore" -> trackNumber(paramName, value, 0, Double.MAX_VALUE) != 0;
          case "temperature" -> trackNumber(paramName, value, 0.1, 5);
          default -> (int) trackNumber(paramName, value, 0, 127);
        };
    Map<String, Object> next = new LinkedHashMap<>(track.params);
    next.put(paramName, coerced);
    Object low = next.get("min_pitch");
    Object high = next.get("max_pitch");
    if (low != null && high != null && (Integer) low > (Integer) high) {
      throw new OscProtocolException(OscError.INVALID_PARAM,
          "min_pitch " + low + " is above max_pitch " + high);
    }
    track.params.put(paramName, coerced);
  }

  /** {@code /note}: buffers a conditioning track's note until its bar ends. */
  synchronized void note(
      int trackId, int pitch, int velocity, double onset, double duration, int bar) {
    requireState("/midigpt/note", State.RUNNING);
    OscTrack track = existing(trackId);
    if (track.agent) {
      throw new OscProtocolException(OscError.AGENT_NOTE,
          "track " + trackId + " is the agent: its notes come from the model");
    }
    if (pitch < 0 || pitch > 127 || velocity < 0 || velocity > 127) {
      throw new OscProtocolException(OscError.INVALID_PARAM,
          "pitch " + pitch + " and velocity " + velocity + " must be in 0..127");
    }
    if (!(onset >= 0 && onset < 1) || !(duration > 0) || Double.isInfinite(duration)) {
      throw new OscProtocolException(OscError.INVALID_PARAM, "onset " + onset + " must be in"
          + " [0, 1) and duration " + duration + " positive (fractions of the bar)");
    }
    if (bar < 0) {
      throw new OscProtocolException(OscError.INVALID_PARAM, "bar " + bar + " is negative");
    }
    if (velocity == 0) {
      return; // a note-off: the reference drops velocity-0 notes from the score
    }
    piece.addNote(track, new OscTrack.PendingNote(pitch, velocity, onset, duration), bar);
  }

  /**
   * {@code /bar/end}: the bar is complete; returns the generation it triggers (§9.4), or null.
   *
   * @param nowNanos when the message arrived: the next bar starts playing then
   */
  synchronized GenerationTicket barEnd(int bar, int numerator, int denominator, long nowNanos) {
    requireState("/midigpt/bar/end", State.RUNNING);
    if (bar < 0) {
      throw new OscProtocolException(OscError.INVALID_PARAM, "bar " + bar + " is negative");
    }
    if (numerator < 1 || numerator > 64 || Integer.bitCount(denominator) != 1
        || denominator > 64) {
      throw new OscProtocolException(OscError.INVALID_PARAM, "time signature " + numerator + "/"
          + denominator + ": the numerator must be in 1..64, the denominator a power of two");
    }
    piece.endBar(bar, numerator, denominator);
    clock.barEnded(bar, nowNanos);
    OscParams.Snapshot values = params.snapshot();
    int playhead = piece.barsCompleted();
    int lookahead = values.integer("lookahead_bars");
    int buffer = values.integer("buffer_bars");
    int anticipated = values.integer("num_anticipated_bars");
    int modelDim = values.integer("model_dim");
    boolean due =
        values.bool("adapt_buffer") ? playhead + lookahead >= buffer : playhead >= buffer;
    if (!due) {
      return null;
    }
    int target = playhead + lookahead;
    piece.extendTo(target + Math.max(anticipated, modelDim - target));
    int total = Math.max(target + anticipated, modelDim);
    int bars = Math.min(anticipated, total - target);
    if (bars <= 0) {
      return null;
    }
    // The bar that ended at nowNanos was playhead - 1 when the client plays in order.
    OptionalLong barNanos = clock.barNanos(values.real("bpm"), piece.timeSignature(bar));
    long deadline =
        values.bool("drop_late") && barNanos.isPresent() && bar == playhead - 1
            ? nowNanos + (target - playhead) * barNanos.getAsLong()
            : Long.MAX_VALUE;
    return new GenerationTicket(
        epoch, bar, target, bars, playhead, values, attrs, nowNanos, deadline);
  }

  synchronized void setParam(String paramName, Object value) {
    params.set(paramName, value);
  }

  synchronized void setParamOnce(String paramName, Object value) {
    params.setOnce(paramName, value);
  }

  synchronized void resetParam(String paramName) {
    params.reset(paramName);
  }

  synchronized void resetAllParams() {
    params.resetAll();
  }

  /** {@code /attr/set}: an attribute level for the agent; a negative value removes it. */
  synchronized void setAttribute(String attribute, int value) {
    Integer size = attributeSizes.get(attribute);
    if (size == null) {
      throw new OscProtocolException(OscError.INVALID_PARAM, "attribute '" + attribute
          + "' is not one of this model's " + attributeSizes.keySet());
    }
    if (value < 0) {
      attrs.remove(attribute);
    } else if (value >= size) {
      throw new OscProtocolException(OscError.INVALID_PARAM,
          "attribute " + attribute + "=" + value + " is outside 0.." + (size - 1));
    } else {
      attrs.put(attribute, value);
    }
  }

  synchronized void resetAttributes() {
    attrs.clear();
  }

  /** The request for one agent of a ticket, built from the state of now; null when stale. */
  synchronized RequestBuilder.Built buildRequest(
      GenerationTicket ticket, OscTrack agent, Set<OscTrack> agentsDone) {
    if (ticket.epoch() != epoch || !piece.tracks.contains(agent)) {
      return null;
    }
    return RequestBuilder.build(piece, agent, agentsDone, ticket.target(), ticket.bars(),
        ticket.playhead(), ticket.params(), ticket.attrs());
  }

  /** The agents a ticket generates, in piece order; empty when the ticket is stale. */
  synchronized List<OscTrack> agentsFor(GenerationTicket ticket) {
    return ticket.epoch() == epoch ? piece.agents() : List.of();
  }

  /** Stores a generated bar in the agent's track; false when the session moved on. */
  synchronized boolean storeGenerated(
      GenerationTicket ticket, OscTrack agent, int bar, List<Note> notes) {
    if (ticket.epoch() != epoch || !piece.tracks.contains(agent)) {
      return false;
    }
    piece.setBar(agent, bar, notes);
    return true;
  }

  synchronized void clearOnceParams(GenerationTicket ticket) {
    if (ticket.epoch() == epoch) {
      params.clearOnce();
    }
  }

  synchronized int[] timeSignature(int bar) {
    return piece.timeSignature(bar);
  }

  private OscTrack existing(int id) {
    OscTrack track = piece.track(id);
    if (track == null) {
      throw new OscProtocolException(OscError.UNKNOWN_TRACK, "no track " + id);
    }
    return track;
  }

  private void requireState(String address, State... allowed) {
    for (State candidate : allowed) {
      if (state == candidate) {
        return;
      }
    }
    throw new OscProtocolException(OscError.INVALID_STATE,
        "Message not allowed in state '" + state + "' (" + address + ")");
  }

  private static double trackNumber(String paramName, Object value, double min, double max) {
    double number;
    if (value instanceof Number n) {
      number = n.doubleValue();
    } else if (value instanceof Boolean b) {
      number = b ? 1 : 0;
    } else {
      throw new OscProtocolException(OscError.INVALID_PARAM,
          "track param " + paramName + " expects a number, got " + OscArgs.describe(value));
    }
    if (!(number >= min && number <= max)) {
      throw new OscProtocolException(OscError.INVALID_PARAM,
          "track param " + paramName + "=" + value + " is outside " + min + ".." + max);
    }
    return number;
  }
}
