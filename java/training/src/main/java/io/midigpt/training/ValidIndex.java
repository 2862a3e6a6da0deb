package io.midigpt.training;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.midigpt.score.Bar;
import io.midigpt.score.Score;
import io.midigpt.score.Track;
import io.midigpt.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Which pieces of a data set (MIDI files, parquet shard rows) can give training samples (spec
 * §10.2), and why the others cannot: shard rows are first filtered on their metadata
 * (num_tracks, total_notes) without reading their music, then a piece is kept when it parses, has at least min_tracks tracks and some notes, every track has at
 * least min_bars bars and every bar's time signature is in the encoder's vocabulary.
 *
 * <p>Unlike the reference, a file that fails to parse is skipped with its reason rather than
 * kept. The result is cached as JSON under {@code $MIDIGPT_CACHE} (default {@code ~/.midigpt}),
 * keyed by every file's path, size and modification time and by the filter settings, so later
 * runs on the same data start at once.
 *
 * @param files the usable pieces in input order, as {@link Piece#id()}s: file paths, and
 *     {@code shard#row=N} for parquet rows
 * @param skipped the others with the reason
 * @param tokens tokens of the usable files encoded whole (autoregressive, attributes on)
 */
public record ValidIndex(
    @JsonProperty("files") List<String> files,
    @JsonProperty("skipped") List<Skipped> skipped,
    @JsonProperty("tokens") long tokens) {

  /** A file left out and why. */
  public record Skipped(@JsonProperty("file") String file, @JsonProperty("reason") String reason) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Part of the cache key: bump when the checks change so old verdicts are not reused. */
  private static final String VERSION = "midigpt-valid-index-1";

  /**
   * The folder caches live in: the {@code midigpt.cache} system property, else
   * {@code $MIDIGPT_CACHE}, else {@code ~/.midigpt}.
   */
  public static Path cacheDir() {
    String property = System.getProperty("midigpt.cache");
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    String override = System.getenv("MIDIGPT_CACHE");
    return override != null && !override.isBlank()
        ? Path.of(override) : Path.of(System.getProperty("user.home"), ".midigpt");
  }

  /**
   * The index of {@code files}, from the cache when it is current, else built with
   * {@code threads} parser threads and cached.
   *
   * @param progress called with the number of files checked so far (from worker threads)
   */
  public static ValidIndex load(
      List<Path> files,
      String encoderConfigJson,
      int minBars,
      int minTracks,
      Path cacheDir,
      int threads,
      IntConsumer progress) {
    Path cache = cacheDir.resolve("valid_" + key(files, encoderConfigJson, minBars, minTracks)
        + ".json");
    if (Files.isRegularFile(cache)) {
      try {
        return JSON.readValue(cache.toFile(), ValidIndex.class);
      } catch (IOException e) {
        // A damaged cache is rebuilt, not trusted.
      }
    }
    ValidIndex index = build(files, encoderConfigJson, minBars, minTracks, threads, progress);
    write(cache, index);
    return index;
  }

  static ValidIndex build(
      List<Path> files,
      String encoderConfigJson,
      int minBars,
      int minTracks,
      int threads,
      IntConsumer progress) {
    EncoderFacts facts = EncoderFacts.of(encoderConfigJson);
    int workers = Math.max(1, threads);
    List<Job> jobs = jobs(files, minTracks);
    AtomicInteger done = new AtomicInteger();
    Object[][] verdicts = new Object[jobs.size()][];
    try (TokenizerPool tokenizers = new TokenizerPool(encoderConfigJson, workers)) {
      Workers.forEach(jobs.size(), workers, i -> {
        byte[][] music = jobs.get(i).read();
        verdicts[i] = new Object[music.length];
        for (int k = 0; k < music.length; k++) {
          byte[] bytes = music[k];
          verdicts[i][k] = bytes == null ? jobs.get(i).unreadable()
              : tokenizers.apply(tokenizer -> check(bytes, tokenizer, facts, minBars, minTracks));
        }
        progress.accept(done.addAndGet(music.length));
      });
    }
    List<String> kept = new ArrayList<>();
    List<Skipped> skipped = new ArrayList<>();
    long tokens = 0;
    for (int i = 0; i < jobs.size(); i++) {
      Job job = jobs.get(i);
      for (int k = 0; k < job.pieces().size(); k++) {
        String id = job.pieces().get(k).id();
        if (verdicts[i][k] instanceof Integer count) {
          kept.add(id);
          tokens += count;
        } else {
          skipped.add(new Skipped(id, (String) verdicts[i][k]));
        }
      }
      skipped.addAll(job.filtered());
    }
    return new ValidIndex(List.copyOf(kept), List.copyOf(skipped), tokens);
  }

  /** The usable pieces as {@link Piece}s. */
  public List<Piece> pieces() {
    return files.stream().map(Piece::fromId).toList();
  }

  /** Rows a shard's metadata already rules out are not parsed (the reference's phase 1). */
  private static final int SHARD_CHUNK = 500;

  /**
   * A unit of checking work: one MIDI file, or up to {@value #SHARD_CHUNK} rows of a shard read
   * in one pass.
   */
  private record Job(List<Piece> pieces, List<Skipped> filtered, String unreadableReason) {
    byte[][] read() {
      if (pieces.isEmpty()) {
        return new byte[0][];
      }
      Piece first = pieces.get(0);
      if (!first.inShard()) {
        try {
          return new byte[][] {Files.readAllBytes(first.file())};
        } catch (IOException e) {
          return new byte[][] {null};
        }
      }
      long[] rows = pieces.stream().mapToLong(Piece::row).toArray();
      return ParquetShards.music(first.file(), rows);
    }

    String unreadable() {
      return unreadableReason;
    }
  }

  private static List<Job> jobs(List<Path> files, int minTracks) {
    List<Job> jobs = new ArrayList<>();
    for (Path file : files) {
      if (!ParquetShards.isParquet(file)) {
        jobs.add(new Job(List.of(Piece.midi(file)), List.of(), "unreadable file"));
        continue;
      }
      List<Piece> rows = new ArrayList<>();
      List<Skipped> filtered = new ArrayList<>();
      for (ParquetShards.Row row : ParquetShards.index(file)) {
        Piece piece = new Piece(file, row.row());
        if (row.numTracks() < minTracks || row.totalNotes() <= 0) {
          filtered.add(new Skipped(piece.id(), "metadata: " + row.numTracks() + " tracks, "
              + row.totalNotes() + " notes"));
        } else {
          rows.add(piece);
        }
      }
      for (int from = 0; from < rows.size(); from += SHARD_CHUNK) {
        List<Piece> chunk = rows.subList(from, Math.min(rows.size(), from + SHARD_CHUNK));
        jobs.add(new Job(List.copyOf(chunk), from == 0 ? filtered : List.of(), "unreadable row"));
      }
      if (rows.isEmpty() && !filtered.isEmpty()) {
        jobs.add(new Job(List.of(), filtered, "unreadable row"));
      }
    }
    return jobs;
  }

  /** The token count when the file is usable, else the reason it is not. */
  private static Object check(
      byte[] midi, Tokenizer tokenizer, EncoderFacts facts, int minBars, int minTracks) {
    Score score;
    try {
      score = Score.fromMidi(midi);
    } catch (RuntimeException e) {
      return "not a valid MIDI file: " + e.getMessage();
    }
    if (score.tracks().size() < minTracks) {
      return score.tracks().size() + " tracks, fewer than min_tracks " + minTracks;
    }
    if (score.noteCount() == 0) {
      return "no notes";
    }
    for (Track track : score.tracks()) {
      if (track.bars().size() < minBars) {
        return "a track has " + track.bars().size() + " bars, fewer than " + minBars;
      }
      for (Bar bar : track.bars()) {
        String signature = bar.numerator() + "/" + bar.denominator();
        if (!facts.timeSignatures().contains(signature)) {
          return "time signature " + signature + " is not in the encoder's vocabulary";
        }
      }
    }
    try {
      return windowTokens(score, tokenizer, facts);
    } catch (RuntimeException e) {
      return "cannot be encoded: " + e.getMessage();
    }
  }

  /** Tokens of the piece in the windows training cuts it into ({@link EncoderFacts#windows}). */
  private static int windowTokens(Score score, Tokenizer tokenizer, EncoderFacts facts) {
    int tokens = 0;
    for (Score window : facts.windows(score)) {
      tokens += tokenizer.encode(window, io.midigpt.tokenizer.EncodeOptions.builder()
          .windowBars(window.barCount()).build()).length;
    }
    return tokens;
  }

  private static String key(List<Path> files, String encoderConfigJson, int minBars, int minTracks) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (Path file : files) {
        long size = Files.size(file);
        long modified = Files.getLastModifiedTime(file).toMillis();
        digest.update((file + ":" + size + ":" + modified + "\n").getBytes(StandardCharsets.UTF_8));
      }
      digest.update((VERSION + ":min_bars=" + minBars + ":min_tracks=" + minTracks + "\n")
          .getBytes(StandardCharsets.UTF_8));
      digest.update(encoderConfigJson.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest.digest(), 0, 12);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read training data: " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void write(Path cache, ValidIndex index) {
    try {
      Files.createDirectories(cache.getParent());
      Path temp = Files.createTempFile(cache.getParent(), ".valid", ".tmp");
      JSON.writeValue(temp.toFile(), index);
      try {
        Files.move(temp, cache, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, cache, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      // The cache only saves time; a read-only home must not stop training.
    }
  }
}
