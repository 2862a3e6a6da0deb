package io.midigpt.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.midigpt.InvalidArgumentException;
import io.midigpt.InvalidMidiException;
import io.midigpt.score.Score;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shards written here with DuckDB in the GigaMIDI layout: a few Nottingham tunes, one row of
 * garbage bytes, and row groups of two rows so that row numbers must carry across them.
 */
class ParquetShardsTest {
  private static final byte[] GARBAGE = "not a MIDI file".getBytes(StandardCharsets.US_ASCII);
  private static final String GENRE = "Folk%20Music,Dance";

  @TempDir static Path dir;
  private static Path shard;
  private static List<byte[]> music;
  private static List<ParquetShards.Row> expected;

  @BeforeAll
  static void writeShard() throws IOException, SQLException {
    music = new ArrayList<>();
    for (Path tune : TrainingFixtures.tunes("train", 4)) {
      music.add(Files.readAllBytes(tune));
    }
    music.add(GARBAGE);
    shard = dir.resolve("pieces.parquet");
    expected = new ArrayList<>();
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement sql = db.createStatement()) {
      sql.execute("CREATE TABLE pieces (music BLOB, num_tracks INTEGER, total_notes BIGINT,"
          + " music_style_scraped VARCHAR, loop_duration_beats DOUBLE)");
      try (PreparedStatement insert =
          db.prepareStatement("INSERT INTO pieces VALUES (?, ?, ?, ?, 4.0)")) {
        for (int row = 0; row < music.size(); row++) {
          byte[] bytes = music.get(row);
          boolean midi = bytes != GARBAGE;
          Score score = midi ? Score.fromMidi(bytes) : null;
          int tracks = midi ? score.tracks().size() : 0;
          long notes = midi ? score.noteCount() : 0;
          String genre = row % 2 == 0 ? GENRE : null;
          insert.setBytes(1, bytes);
          insert.setInt(2, tracks);
          insert.setLong(3, notes);
          if (genre == null) {
            insert.setNull(4, Types.VARCHAR);
          } else {
            insert.setString(4, genre);
          }
          insert.executeUpdate();
          expected.add(new ParquetShards.Row(shard, row, tracks, notes, genre));
        }
      }
      // DuckDB cuts row groups only between the chunks it writes, so feed it pairs of rows.
      List<String> pairs = new ArrayList<>();
      for (int row = 0; row < music.size(); row += 2) {
        pairs.add("SELECT * FROM pieces WHERE rowid IN (" + row + ", " + (row + 1) + ")");
      }
      copy(sql, String.join(" UNION ALL ", pairs), shard, "ROW_GROUP_SIZE 2");
      try (ResultSet groups = sql.executeQuery("SELECT count(DISTINCT row_group_id)"
          + " FROM parquet_metadata('" + quoted(shard) + "')")) {
        groups.next();
        assertTrue(groups.getInt(1) > 1, "the fixture needs several row groups");
      }
    }
  }

  @Test
  void trainingReadsShardRowsLikeFiles(@TempDir Path work) {
    ValidIndex index = ValidIndex.load(List.of(shard), EncoderConfigs.resolve("yellow"), 4, 1,
        work.resolve("cache"), 2, done -> {});
    assertEquals(List.of(0L, 1L, 2L, 3L),
        index.pieces().stream().map(Piece::row).toList());
    assertTrue(index.pieces().stream().allMatch(p -> p.file().equals(shard)));
    assertEquals(1, index.skipped().size());
    assertEquals(new Piece(shard, 4).id(), index.skipped().get(0).file());
    assertTrue(index.skipped().get(0).reason().startsWith("metadata: 0 tracks"),
        index.skipped().get(0).reason());
    assertTrue(index.tokens() > 0);

    System.setProperty("midigpt.cache", work.resolve("cache").toString());
    Path model = new Trainer(TrainingFixtures.tiny(work.resolve("run"), "\"max_steps\": 2"),
        List.of(shard), List.of(shard), TrainingListener.SILENT).run(false);
    assertTrue(Files.isRegularFile(model));
  }

  @Test
  void recognisesShardsByExtension() {
    assertTrue(ParquetShards.isParquet(Path.of("data", "train-00001.parquet")));
    assertTrue(ParquetShards.isParquet(Path.of("SHARD.PARQUET")));
    assertFalse(ParquetShards.isParquet(Path.of("tune.mid")));
    assertFalse(ParquetShards.isParquet(Path.of("parquet")));
  }

  @Test
  void indexGivesEveryRowWithItsMetadata() {
    assertEquals(expected, ParquetShards.index(shard));
  }

  @Test
  void indexOfAShardWithoutGenresHasNone() throws SQLException {
    Path plain = dir.resolve("plain.parquet");
    write("SELECT music, num_tracks, total_notes FROM pieces", plain);
    List<ParquetShards.Row> rows = ParquetShards.index(plain);
    assertEquals(expected.size(), rows.size());
    for (int i = 0; i < rows.size(); i++) {
      ParquetShards.Row want = expected.get(i);
      assertEquals(new ParquetShards.Row(plain, want.row(), want.numTracks(), want.totalNotes(),
          null), rows.get(i));
    }
  }

  @Test
  void musicGivesTheStoredBytes() {
    for (int row = 0; row < music.size(); row++) {
      assertArrayEquals(music.get(row), ParquetShards.music(shard, row), "row " + row);
    }
    assertThrows(InvalidMidiException.class,
        () -> Score.fromMidi(ParquetShards.music(shard, music.size() - 1)),
        "the garbage row reads back as is and is rejected by the MIDI reader");
  }

  @Test
  void batchFollowsTheRequestedOrderWithRepeats() {
    long[] rows = {4, 0, 3, 0, 2};
    byte[][] got = ParquetShards.music(shard, rows);
    assertEquals(rows.length, got.length);
    for (int i = 0; i < rows.length; i++) {
      assertArrayEquals(music.get((int) rows[i]), got[i], "position " + i);
    }
    assertSame(got[1], got[3]);
    assertEquals(0, ParquetShards.music(shard, new long[0]).length);
  }

  @Test
  void threadsReadConcurrently() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<byte[]>> reads = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        long row = i % music.size();
        reads.add(pool.submit(() -> ParquetShards.music(shard, row)));
      }
      for (int i = 0; i < reads.size(); i++) {
        assertArrayEquals(music.get(i % music.size()), reads.get(i).get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void rowsOutsideTheShardAreRejected() {
    assertThrowsNaming(InvalidArgumentException.class, shard,
        () -> ParquetShards.music(shard, music.size()));
    assertThrowsNaming(InvalidArgumentException.class, shard,
        () -> ParquetShards.music(shard, new long[] {0, -1}));
  }

  @Test
  void aNullPieceIsInvalidMidi() throws SQLException {
    Path withNull = dir.resolve("with-null.parquet");
    write("SELECT music, num_tracks, total_notes FROM pieces"
        + " UNION ALL SELECT NULL::BLOB, NULL, NULL", withNull);
    int last = music.size();
    assertThrowsNaming(InvalidMidiException.class, withNull,
        () -> ParquetShards.music(withNull, last));
    assertEquals(new ParquetShards.Row(withNull, last, 0, 0, null),
        ParquetShards.index(withNull).get(last));
  }

  @Test
  void aMissingFileIsAnIoError() {
    Path missing = dir.resolve("missing.parquet");
    assertThrowsNaming(UncheckedIOException.class, missing, () -> ParquetShards.index(missing));
    assertThrowsNaming(UncheckedIOException.class, missing, () -> ParquetShards.music(missing, 0));
  }

  @Test
  void filesThatAreNotParquetAreRejected() throws IOException {
    Path midi = dir.resolve("tune.parquet");
    Files.write(midi, music.get(0));
    assertThrowsNaming(InvalidArgumentException.class, midi, () -> ParquetShards.index(midi));
    assertThrowsNaming(InvalidArgumentException.class, midi, () -> ParquetShards.music(midi, 0));

    Path empty = Files.createFile(dir.resolve("empty.parquet"));
    assertThrowsNaming(InvalidArgumentException.class, empty, () -> ParquetShards.index(empty));

    byte[] whole = Files.readAllBytes(shard);
    Path truncated = dir.resolve("truncated.parquet");
    Files.write(truncated, Arrays.copyOf(whole, whole.length / 2));
    assertThrowsNaming(InvalidArgumentException.class, truncated,
        () -> ParquetShards.index(truncated));

    Path folder = dir.resolve("folder.parquet");
    assertThrowsNaming(InvalidArgumentException.class, folder, () -> {
      Files.createDirectories(folder);
      return ParquetShards.index(folder);
    });
  }

  @Test
  void aShardWithoutTheNeededColumnsIsRejected() throws SQLException {
    Path noMusic = dir.resolve("no-music.parquet");
    write("SELECT num_tracks, total_notes FROM pieces", noMusic);
    InvalidArgumentException error = assertThrowsNaming(InvalidArgumentException.class, noMusic,
        () -> ParquetShards.index(noMusic));
    assertTrue(error.getMessage().contains("'music'"), error.getMessage());
    assertThrowsNaming(InvalidArgumentException.class, noMusic,
        () -> ParquetShards.music(noMusic, 0));

    Path textMusic = dir.resolve("text-music.parquet");
    write("SELECT 'MThd' AS music, num_tracks, total_notes FROM pieces", textMusic);
    assertThrowsNaming(InvalidArgumentException.class, textMusic,
        () -> ParquetShards.music(textMusic, 0));

    Path noCounts = dir.resolve("no-counts.parquet");
    write("SELECT music FROM pieces", noCounts);
    assertThrowsNaming(InvalidArgumentException.class, noCounts,
        () -> ParquetShards.index(noCounts));
  }

  @Test
  void globCharactersInPathsAreRefused() throws IOException {
    // DuckDB would read "shard?.parquet" as a pattern matching shard1.parquet.
    Files.copy(shard, dir.resolve("shard1.parquet"));
    Path pattern = dir.resolve("shard?.parquet");
    assertThrowsNaming(InvalidArgumentException.class, pattern, () -> {
      Files.copy(shard, pattern);
      return ParquetShards.index(pattern);
    });
  }

  private interface Call {
    Object run() throws Exception;
  }

  /** Asserts the call throws {@code type} with a message naming {@code path}. */
  private static <T extends Throwable> T assertThrowsNaming(Class<T> type, Path path, Call call) {
    T error = assertThrows(type, call::run);
    assertTrue(error.getMessage().contains(path.toString()), error.getMessage());
    return error;
  }

  /** Writes the rows of {@code select} over the shard's table as a new shard. */
  private static void write(String select, Path target) throws SQLException {
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement sql = db.createStatement()) {
      sql.execute("CREATE TABLE pieces AS SELECT * FROM read_parquet('"
          + quoted(shard) + "')");
      copy(sql, select, target, "");
    }
  }

  private static void copy(Statement sql, String select, Path target, String options)
      throws SQLException {
    sql.execute("COPY (" + select + ") TO '" + quoted(target) + "' (FORMAT parquet"
        + (options.isEmpty() ? "" : ", " + options) + ")");
  }

  private static String quoted(Path path) {
    return path.toString().replace("'", "''");
  }
}
