package io.midigpt.training;

import io.midigpt.InvalidArgumentException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One piece of training data: a MIDI file, or one row of a parquet shard (spec §10.1).
 *
 * @param file the MIDI file or the shard
 * @param row the shard's 0-based row, or -1 for a MIDI file
 */
public record Piece(Path file, long row) {
  /** Separates a shard from its row in {@link #id()}. */
  private static final String ROW_MARK = "#row=";

  public static Piece midi(Path file) {
    return new Piece(file, -1);
  }

  public boolean inShard() {
    return row >= 0;
  }

  /** How the valid-file index stores it: the path, plus {@code #row=N} for a shard row. */
  public String id() {
    return inShard() ? file + ROW_MARK + row : file.toString();
  }

  public static Piece fromId(String id) {
    int mark = id.lastIndexOf(ROW_MARK);
    if (mark < 0) {
      return midi(Path.of(id));
    }
    try {
      return new Piece(Path.of(id.substring(0, mark)),
          Long.parseLong(id.substring(mark + ROW_MARK.length())));
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException("not a piece id: " + id);
    }
  }

  /**
   * The MIDI bytes of every shard row among {@code pieces}, one pass per shard: reading rows one
   * at a time would decode a shard's whole music column each time.
   */
  static Map<Piece, byte[]> readShardRows(List<Piece> pieces) {
    Map<Path, List<Piece>> byShard = new LinkedHashMap<>();
    for (Piece piece : pieces) {
      if (piece.inShard()) {
        byShard.computeIfAbsent(piece.file(), f -> new ArrayList<>()).add(piece);
      }
    }
    Map<Piece, byte[]> music = new HashMap<>();
    byShard.forEach((shard, rows) -> {
      byte[][] bytes = ParquetShards.music(shard, rows.stream().mapToLong(Piece::row).toArray());
      for (int i = 0; i < bytes.length; i++) {
        music.put(rows.get(i), bytes[i]);
      }
    });
    return Map.copyOf(music);
  }

  /** The MIDI bytes of a file piece (shard rows are read in batches, see readShardRows). */
  byte[] readFile() {
    if (inShard()) {
      throw new IllegalStateException(id() + " is a shard row");
    }
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }
}
