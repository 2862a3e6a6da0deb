package io.midigpt.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.midigpt.engine.DraftNote;
import io.midigpt.engine.ProgressListener;
import io.midigpt.engine.SamplingSession;
import io.midigpt.score.Bar;
import io.midigpt.score.Note;
import io.midigpt.score.Score;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The {@code notes} and {@code retract} events of a streamed generation. Each note goes out as
 * soon as the model has completed it (its duration token, or its onset on drums). A step attempt
 * the session rejects (a failed check, a retry follows) is taken back with one {@code retract}
 * event per track naming its bars, so a client that draws the stream always shows what the
 * session currently holds. Frames are made on the generation thread and written by the
 * request's thread, which also notices a client that left.
 */
final class NoteStream implements GenerationJob.Observer {
  /** Where a streamed note lives; ordered so that retract events list bars in order. */
  private record Place(int track, int bar) {}

  private static final Comparator<Place> ORDER =
      Comparator.comparingInt(Place::track).thenComparingInt(Place::bar);

  /** Queued by {@link #wake}; never sent (compared by identity). */
  @SuppressWarnings("StringOperationCanBeSimplified")
  private static final String WAKE = new String("wake");

  private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
  /** Every note the client has been sent and not told to drop, by bar. */
  private final Map<Place, List<Note>> streamed = new TreeMap<>(ORDER);
  /** The bars the current attempt has streamed notes into. */
  private final List<Place> attemptBars = new ArrayList<>();
  private int step = -1;
  private int attempt = -1;
  private int noteTokens;

  @Override
  public void onProgress(SamplingSession session, ProgressListener.Progress progress) {
    if (progress.step() != step || progress.attempt() != attempt) {
      if (progress.step() == step) {
        // Same step, next attempt: the session rejected what this attempt streamed.
        retract(attemptBars);
      }
      attemptBars.clear();
      step = progress.step();
      attempt = progress.attempt();
      noteTokens = 0;
    }
    if (progress.noteTokens() == noteTokens) {
      return;
    }
    noteTokens = progress.noteTokens();
    Map<Place, List<Note>> draft = new TreeMap<>(ORDER);
    for (DraftNote note : session.draftNotes()) {
      draft.computeIfAbsent(new Place(note.track(), note.bar()), p -> new ArrayList<>())
          .add(note.note());
    }
    ArrayNode fresh = Json.MAPPER.createArrayNode();
    draft.forEach((place, notes) -> {
      List<Note> known = streamed.computeIfAbsent(place, p -> new ArrayList<>());
      if (!attemptBars.contains(place)) {
        attemptBars.add(place);
      }
      List<Note> unsent = new ArrayList<>(notes);
      known.forEach(unsent::remove);
      for (Note note : unsent) {
        addEvent(fresh, place, note);
        known.add(note);
      }
    });
    offer(fresh);
  }

  /**
   * After the run (the queue's future happened-before this), squares the stream with the
   * result: bars whose streamed notes differ from it are retracted, and unless the run was
   * cancelled (its unfinished attempt is not in the result) they are sent again as the result
   * has them.
   */
  void finish(Score result, boolean cancelled) {
    if (result == null) {
      return;
    }
    List<Place> stale = new ArrayList<>();
    streamed.forEach((place, notes) -> {
      if (!sameNotes(notes, notesAt(result, place))) {
        stale.add(place);
      }
    });
    retract(stale);
    if (!cancelled) {
      ArrayNode notes = Json.MAPPER.createArrayNode();
      for (Place place : stale) {
        notesAt(result, place).forEach(note -> addEvent(notes, place, note));
      }
      offer(notes);
    }
  }

  /** The next frame, waiting at most {@code millis}; null when none came or on {@link #wake}. */
  String poll(long millis) throws InterruptedException {
    String frame = frames.poll(millis, TimeUnit.MILLISECONDS);
    return frame == WAKE ? null : frame;
  }

  String pollNow() {
    String frame = frames.poll();
    return frame == WAKE ? pollNow() : frame;
  }

  /** Ends a waiting {@link #poll} now: the run is over. */
  void wake() {
    frames.add(WAKE);
  }

  private void retract(List<Place> places) {
    Map<Integer, List<Integer>> barsByTrack = new TreeMap<>();
    for (Place place : places) {
      List<Note> notes = streamed.remove(place);
      if (notes != null && !notes.isEmpty()) {
        barsByTrack.computeIfAbsent(place.track(), t -> new ArrayList<>()).add(place.bar());
      }
    }
    barsByTrack.forEach((track, bars) -> {
      ObjectNode frame = Json.object();
      frame.put("type", "retract");
      frame.put("track", track);
      bars.sort(Comparator.naturalOrder());
      bars.forEach(frame.putArray("bars")::add);
      frames.add(Json.write(frame));
    });
  }

  private void offer(ArrayNode notes) {
    if (!notes.isEmpty()) {
      ObjectNode frame = Json.object();
      frame.put("type", "notes");
      frame.set("notes", notes);
      frames.add(Json.write(frame));
    }
  }

  private static void addEvent(ArrayNode events, Place place, Note note) {
    ObjectNode event = events.addObject();
    event.put("track", place.track());
    event.put("bar", place.bar());
    event.put("pitch", note.pitch());
    event.put("onset_tick", note.onset());
    event.put("duration_tick", note.duration());
    event.put("velocity", note.velocity());
  }

  private static List<Note> notesAt(Score score, Place place) {
    if (place.track() >= score.tracks().size()) {
      return List.of();
    }
    List<Bar> bars = score.tracks().get(place.track()).bars();
    return place.bar() < bars.size() ? bars.get(place.bar()).notes() : List.of();
  }

  /** Equal as multisets: the stream's order is the order notes completed in. */
  private static boolean sameNotes(List<Note> a, List<Note> b) {
    if (a.size() != b.size()) {
      return false;
    }
    List<Note> rest = new ArrayList<>(b);
    for (Note note : a) {
      if (!rest.remove(note)) {
        return false;
      }
    }
    return true;
  }
}
