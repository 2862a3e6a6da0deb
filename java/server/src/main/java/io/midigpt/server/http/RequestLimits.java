package io.midigpt.server.http;

import io.midigpt.score.Score;
import io.midigpt.score.Track;

/**
 * How much one request may ask for, so that no client can tie up the model or the heap for long.
 * Breaking a limit is a 422 naming the field and the limit.
 *
 * @param maxTracks tracks per score
 * @param maxBars bars per track
 * @param maxNotes notes over the whole score
 * @param maxCandidates {@code config.num_candidates}
 */
public record RequestLimits(int maxTracks, int maxBars, int maxNotes, int maxCandidates) {
  public static final RequestLimits DEFAULTS = new RequestLimits(64, 512, 100_000, 8);

  public RequestLimits {
    if (maxTracks < 1 || maxBars < 1 || maxNotes < 1 || maxCandidates < 1) {
      throw new IllegalArgumentException("request limits must be at least 1");
    }
  }

  void check(Score score, int candidates) {
    if (score.tracks().size() > maxTracks) {
      throw ApiException.invalid(
          "score.tracks", "at most " + maxTracks + " tracks (got " + score.tracks().size() + ")");
    }
    int notes = 0;
    for (int t = 0; t < score.tracks().size(); t++) {
      Track track = score.tracks().get(t);
      if (track.bars().size() > maxBars) {
        throw ApiException.invalid(
            "score.tracks[" + t + "].bars",
            "at most " + maxBars + " bars (got " + track.bars().size() + ")");
      }
      notes += track.noteCount();
    }
    if (notes > maxNotes) {
      throw ApiException.invalid("score", "at most " + maxNotes + " notes (got " + notes + ")");
    }
    if (candidates < 1 || candidates > maxCandidates) {
      throw ApiException.invalid(
          "request.config.num_candidates", "must be in [1, " + maxCandidates + "] (got "
              + candidates + ")");
    }
  }
}
