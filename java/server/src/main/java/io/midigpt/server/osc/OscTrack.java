package io.midigpt.server.osc;

import io.midigpt.score.Note;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One track of a session: the client's id for it, its instrument, whether the model plays it (an
 * agent) or the client does (a conditioning track), its bars so far, the notes the client sent for
 * bars that have not ended yet, and its per-track parameters.
 */
final class OscTrack {
  /** A note as the client sent it: onset and duration are fractions of its bar. */
  record PendingNote(int pitch, int velocity, double onset, double duration) {}

  final int id;
  final int instrument;
  final boolean drum;
  final boolean agent;
  /** Notes per stored bar (index = absolute bar − the piece's first stored bar). */
  final List<List<Note>> bars = new ArrayList<>();
  /** Notes of bars that have not ended, by absolute bar index. */
  final TreeMap<Integer, List<PendingNote>> pending = new TreeMap<>();
  /** Per-track parameters (reference §9.3 /track/param/set), by name. */
  final Map<String, Object> params = new LinkedHashMap<>();

  OscTrack(int id, int instrument, boolean drum, boolean agent) {
    this.id = id;
    this.instrument = instrument;
    this.drum = drum;
    this.agent = agent;
  }

  boolean ignored() {
    return Boolean.TRUE.equals(params.get("ignore"));
  }

  /** The per-track temperature, or the session's when none is set. */
  double temperature(double sessionTemperature) {
    Object value = params.get("temperature");
    return value == null ? sessionTemperature : (Double) value;
  }

  Integer minPitch() {
    return (Integer) params.get("min_pitch");
  }

  Integer maxPitch() {
    return (Integer) params.get("max_pitch");
  }

  int pendingCount(int bar) {
    List<PendingNote> notes = pending.get(bar);
    return notes == null ? 0 : notes.size();
  }
}
