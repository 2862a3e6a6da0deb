package io.midigpt.training;

import io.midigpt.InvalidArgumentException;
import io.midigpt.InvalidMidiException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.LongStream;
import org.duckdb.DuckDBConnection;

/**
 * Training pieces stored as rows of parquet shards in the GigaMIDI layout (spec §10.1): the raw
 * MIDI file in the binary column {@code music}, its {@code num_tracks} and {@code total_notes},
 * and optionally a genre list in {@code music_style_scraped}. A piece is addressed by its shard
 * and its 0-based row number in the file, the reference's row index.
 *
 * <p>Reading goes through an embedded DuckDB, which only decodes the columns a query names: the
 * index never touches {@code music}. Parquet cannot seek to one row, though: fetching any row
 * decodes the {@code music} column of its whole row group (often the whole shard), so callers
 * that need many pieces of a shard should ask for them in one {@link #music(Path, long[])} call.
 *
 * <p>All methods are thread-safe: each call works on its own connection to one shared in-memory
 * DuckDB instance.
 */
public final class ParquetShards {
  private static final String MUSIC = "music";
  private static final String NUM_TRACKS = "num_tracks";
  private static final String TOTAL_NOTES = "total_notes";
  private static final String GENRES = "music_style_scraped";

  /** DuckDB's virtual column holding each row's position in its file. */
  private static final String SCAN = "read_parquet(?, file_row_number = true)";

  /**
   * Opened on first use and kept for the life of the JVM: creating a DuckDB instance costs
   * about half a second, a further connection to it a fraction of a millisecond.
   */
  private static DuckDBConnection database;

  private ParquetShards() {}

  /**
   * One piece's metadata.
   *
   * @param shard the shard as passed to {@link #index}
   * @param row the 0-based row number in the shard
   * @param numTracks {@code num_tracks}, 0 when null
   * @param totalNotes {@code total_notes}, 0 when null
   * @param genres {@code music_style_scraped} as stored (URL-encoded, comma-separated), or null
   *     when the shard has no such column or the row no value
   */
  public record Row(Path shard, long row, int numTracks, long totalNotes, String genres) {}

  /** Whether a path names a parquet shard, by its {@code .parquet} extension. */
  public static boolean isParquet(Path path) {
    Path name = path.getFileName();
    return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".parquet");
  }

  /** Every row of a shard in file order, with its metadata, without reading {@code music}. */
  public static List<Row> index(Path shard) {
    String file = readablePath(shard);
    try (Connection connection = connect()) {
      boolean hasGenres = columns(connection, shard, file).containsKey(GENRES);
      // Null counts read as 0, so a metadata filter such as total_notes > 0 drops the row.
      String sql = "SELECT file_row_number, CAST(" + NUM_TRACKS + " AS INTEGER), CAST("
          + TOTAL_NOTES + " AS BIGINT)" + (hasGenres ? ", CAST(" + GENRES + " AS VARCHAR)" : "")
          + " FROM " + SCAN + " ORDER BY file_row_number";
      try (PreparedStatement query = connection.prepareStatement(sql)) {
        query.setString(1, file);
        List<Row> rows = new ArrayList<>();
        try (ResultSet result = query.executeQuery()) {
          while (result.next()) {
            rows.add(new Row(shard, result.getLong(1), result.getInt(2), result.getLong(3),
                hasGenres ? result.getString(4) : null));
          }
        }
        return rows;
      }
    } catch (SQLException e) {
      throw failure(shard, e);
    }
  }

  /** The raw MIDI bytes of one row. */
  public static byte[] music(Path shard, long row) {
    return music(shard, new long[] {row})[0];
  }

  /**
   * The raw MIDI bytes of many rows of one shard, in the order asked, read in a single pass over
   * the shard. A row asked for twice gives the same array twice. Everything asked for is held
   * in memory at once, so split very large requests.
   *
   * @throws InvalidArgumentException when the shard has no such row
   * @throws InvalidMidiException when a row's {@code music} is null
   */
  public static byte[][] music(Path shard, long[] rows) {
    String file = readablePath(shard);
    if (rows.length == 0) {
      return new byte[0][];
    }
    Long[] wanted = LongStream.of(rows).distinct().boxed().toArray(Long[]::new);
    Map<Long, byte[]> found = new HashMap<>();
    try (Connection connection = connect()) {
      columns(connection, shard, file);
      // A semi-join, not an IN list: DuckDB tests a long IN list against every row one by one.
      String sql = "SELECT file_row_number, " + MUSIC + " FROM " + SCAN
          + " SEMI JOIN (SELECT unnest(?) AS wanted) ON file_row_number = wanted";
      try (PreparedStatement query = connection.prepareStatement(sql)) {
        query.setString(1, file);
        query.setArray(2, connection.createArrayOf("BIGINT", wanted));
        try (ResultSet result = query.executeQuery()) {
          while (result.next()) {
            found.put(result.getLong(1), result.getBytes(2));
          }
        }
      }
    } catch (SQLException e) {
      throw failure(shard, e);
    }
    byte[][] music = new byte[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      if (!found.containsKey(rows[i])) {
        throw new InvalidArgumentException(shard + " has no row " + rows[i]);
      }
      music[i] = found.get(rows[i]);
      if (music[i] == null) {
        throw new InvalidMidiException(shard + " row " + rows[i] + " has no music");
      }
    }
    return music;
  }

  /**
   * The absolute path DuckDB should open, after the checks that give clearer errors than
   * DuckDB's own.
   */
  private static String readablePath(Path shard) {
    if (!Files.exists(shard)) {
      throw new UncheckedIOException(
          shard + ": no such file", new NoSuchFileException(shard.toString()));
    }
    if (!Files.isRegularFile(shard)) {
      // DuckDB would read a folder as every parquet file below it.
      throw new InvalidArgumentException(shard + " is not a file");
    }
    String file = shard.toAbsolutePath().normalize().toString();
    // DuckDB takes these as glob patterns and may silently read another file instead.
    if (file.indexOf('*') >= 0 || file.indexOf('?') >= 0 || file.indexOf('[') >= 0) {
      throw new InvalidArgumentException(
          shard + ": parquet shard paths cannot contain '*', '?' or '[' (rename it)");
    }
    return file;
  }

  /**
   * The shard's columns and their DuckDB types, read from the footer alone; fails unless the
   * columns every piece needs are there.
   */
  private static Map<String, String> columns(Connection connection, Path shard, String file)
      throws SQLException {
    Map<String, String> columns = new HashMap<>();
    try (PreparedStatement query =
        connection.prepareStatement("SELECT * FROM read_parquet(?) LIMIT 0")) {
      query.setString(1, file);
      try (ResultSet result = query.executeQuery()) {
        ResultSetMetaData meta = result.getMetaData();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          columns.put(meta.getColumnName(i), meta.getColumnTypeName(i));
        }
      }
    }
    for (String required : List.of(MUSIC, NUM_TRACKS, TOTAL_NOTES)) {
      if (!columns.containsKey(required)) {
        throw new InvalidArgumentException(
            shard + " has no '" + required + "' column; its columns are " + columns.keySet());
      }
    }
    if (!"BLOB".equals(columns.get(MUSIC))) {
      throw new InvalidArgumentException(
          shard + ": column 'music' is " + columns.get(MUSIC) + ", not binary MIDI bytes");
    }
    return columns;
  }

  private static synchronized Connection connect() throws SQLException {
    if (database == null) {
      database = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
    }
    return database.duplicate();
  }

  /** DuckDB reports I/O failures as "IO Error: ..." and everything else as bad input. */
  private static RuntimeException failure(Path shard, SQLException e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst()
        .orElse("");
    if (message.startsWith("IO Error")) {
      return new UncheckedIOException(
          "cannot read " + shard + ": " + message, new IOException(message, e));
    }
    return new InvalidArgumentException(
        shard + " is not a readable parquet shard: " + message, e);
  }
}
