package io.midigpt.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.midigpt.MidigptException;
import io.midigpt.score.Score;
import java.util.Locale;

/**
 * {@code POST /score/from-midi} and {@code POST /score/to-midi}: MIDI file bytes to the API's score
 * JSON and back, with the core's reader and writer, so that a client (the studio) never parses or
 * writes MIDI itself. Scores are held to the same {@link RequestLimits} as generation requests.
 */
final class ScoreConversion {
  private final RequestLimits limits;

  ScoreConversion(RequestLimits limits) {
    this.limits = limits;
  }

  /**
   * Body: the bytes of a standard MIDI file. Optional query parameters {@code first_bar} and
   * {@code bars} keep a window of the piece (e.g. the opening of a file too long for the limits).
   * Answers {@code {"score", "bar_count", "note_count"}}.
   */
  void fromMidi(Context ctx) {
    byte[] midi = ctx.bodyAsBytes();
    if (midi.length == 0) {
      throw ApiException.malformed("body", "empty: send the bytes of a MIDI file");
    }
    Score score;
    try {
      score = Score.fromMidi(midi);
    } catch (MidigptException e) {
      throw ApiException.malformed("midi", e.getMessage());
    }
    Integer firstBar = queryInt(ctx, "first_bar", 0);
    Integer bars = queryInt(ctx, "bars", 1);
    if (firstBar != null || bars != null) {
      int start = firstBar == null ? 0 : firstBar;
      if (start >= score.barCount() && score.barCount() > 0) {
        throw ApiException.invalid("first_bar",
            "the piece has " + score.barCount() + " bars (got " + start + ")");
      }
      score = score.window(start, bars == null ? Integer.MAX_VALUE - start : bars);
    }
    limits.check(score, 1);
    ObjectNode body = Json.object();
    body.set("score", Json.tree(score.toJson()));
    body.put("bar_count", score.barCount());
    body.put("note_count", score.noteCount());
    ctx.contentType("application/json").result(Json.write(body));
  }

  /**
   * Body: {@code {"score": <Score>, "filename"?: <name>}}. Answers a format 1 MIDI file at the
   * score's resolution, as an attachment.
   */
  void toMidi(Context ctx) {
    JsonNode root = Json.parse(ctx.body(), "body");
    if (!root.isObject()) {
      throw ApiException.malformed("body", "expected a JSON object");
    }
    root.fieldNames().forEachRemaining(key -> {
      if (!key.equals("score") && !key.equals("filename")) {
        throw ApiException.malformed(key, "unknown field (expected score, filename)");
      }
    });
    JsonNode scoreNode = root.get("score");
    if (scoreNode == null || !scoreNode.isObject()) {
      throw ApiException.malformed("score", "required: a score object");
    }
    Score score;
    try {
      score = Score.fromJson(Json.write(scoreNode));
    } catch (MidigptException e) {
      throw ApiException.malformed("score", e.getMessage());
    }
    if (score.tracks().isEmpty()) {
      throw ApiException.invalid("score.tracks", "a MIDI file needs at least one track");
    }
    limits.check(score, 1);
    byte[] midi;
    try {
      midi = score.toMidi();
    } catch (MidigptException e) {
      throw ApiException.invalid("score", e.getMessage());
    }
    ctx.header("Content-Disposition", "attachment; filename=\"" + filename(root) + "\"");
    ctx.contentType("audio/midi").result(midi);
  }

  /** A safe file name for the header: the caller's, reduced to plain characters, or score.mid. */
  private static String filename(JsonNode root) {
    JsonNode node = root.get("filename");
    if (node == null || node.isNull()) {
      return "score.mid";
    }
    if (!node.isTextual()) {
      throw ApiException.malformed("filename", "expected a string");
    }
    String safe = node.textValue().replaceAll("[^A-Za-z0-9._ -]", "_").strip();
    if (safe.isEmpty() || safe.length() > 128) {
      throw ApiException.invalid("filename", "expected 1-128 characters");
    }
    return safe.toLowerCase(Locale.ROOT).endsWith(".mid") ? safe : safe + ".mid";
  }

  private static Integer queryInt(Context ctx, String name, int min) {
    String text = ctx.queryParam(name);
    if (text == null) {
      return null;
    }
    int value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw ApiException.malformed(name, "expected an integer, got '" + text + "'");
    }
    if (value < min) {
      throw ApiException.invalid(name, "must be >= " + min + " (got " + value + ")");
    }
    return value;
  }
}
