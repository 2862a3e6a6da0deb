package io.midigpt.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.midigpt.engine.ProgressListener;
import io.midigpt.engine.SamplingSession;
import io.midigpt.score.Bar;
import io.midigpt.score.Note;
import io.midigpt.score.Score;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The {@code notes} events of a streamed generation. Each time the session moves on to a new step,
 * the bars the accepted steps changed are sent, note by note, as a {@code notes} frame; the bars
 * of the last step go out when the run ends, before {@code done}. Frames are made on the
 * generation thread and written by the request's thread, which also notices a client that left.
 */
final class NoteStream implements GenerationJob.Observer {
  private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
  private int step = -1;
  private Score sent;

  @Override
  public void onProgress(SamplingSession session, ProgressListener.Progress progress) {
    if (progress.step() == step) {
      return;
    }
    step = progress.step();
    Score now = session.currentScore();
    if (sent != null) {
      offerChanges(sent, now);
    }
    sent = now;
  }

  /** After the run (the queue's future happened-before this): the bars of the last step. */
  void finish(Score result) {
    if (sent != null && result != null) {
      offerChanges(sent, result);
    }
    sent = result;
  }

  /** The next frame, waiting at most {@code millis}; null when none came. */
  String poll(long millis) throws InterruptedException {
    return frames.poll(millis, TimeUnit.MILLISECONDS);
  }

  String pollNow() {
    return frames.poll();
  }

  private void offerChanges(Score before, Score after) {
    ArrayNode notes = Json.MAPPER.createArrayNode();
    for (int t = 0; t < after.tracks().size() && t < before.tracks().size(); t++) {
      var afterBars = after.tracks().get(t).bars();
      var beforeBars = before.tracks().get(t).bars();
      for (int b = 0; b < afterBars.size() && b < beforeBars.size(); b++) {
        Bar bar = afterBars.get(b);
        if (bar.notes().equals(beforeBars.get(b).notes())) {
          continue;
        }
        for (Note note : bar.notes()) {
          ObjectNode event = notes.addObject();
          event.put("track", t);
          event.put("bar", b);
          event.put("pitch", note.pitch());
          event.put("onset_tick", note.onset());
          event.put("duration_tick", note.duration());
          event.put("velocity", note.velocity());
        }
      }
    }
    if (!notes.isEmpty()) {
      ObjectNode frame = Json.object();
      frame.put("type", "notes");
      frame.set("notes", notes);
      frames.add(Json.write(frame));
    }
  }
}
