package io.midigpt.training;

import io.midigpt.engine.GenerationResult;
import io.midigpt.engine.InferenceEngine;
import io.midigpt.engine.model.Checkpoint;
import io.midigpt.engine.model.KvCache;
import io.midigpt.engine.model.ModelOptions;
import io.midigpt.engine.model.Torch;
import io.midigpt.generation.GenerationRequest;
import io.midigpt.generation.InferenceConfig;
import io.midigpt.generation.MaskMode;
import io.midigpt.generation.TrackPrompt;
import io.midigpt.score.Bar;
import io.midigpt.score.Note;
import io.midigpt.score.Score;
import io.midigpt.score.Track;
import io.midigpt.tokenizer.AttributeInfo;
import io.midigpt.tokenizer.EncodeOptions;
import io.midigpt.tokenizer.TokenDomain;
import io.midigpt.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * The evaluation harness behind {@code ./midigpt eval}: held-out likelihood of a model and of an
 * n-gram baseline trained on the same tokens, then generation probes on held-out pieces (infill
 * and autoregressive track generation) measuring grammar validity, attribute-control accuracy,
 * infill note F1 and the share of bars copied from the training set.
 */
public final class Evaluator {
  /**
   * @param maxFiles held-out pieces scored for likelihood (0: all)
   * @param generationPieces held-out pieces used for generation probes
   * @param ngramOrder tokens per n-gram of the baseline
   * @param seed seeds piece, track and sampling choices
   */
  public record Settings(int maxFiles, int generationPieces, int ngramOrder, long seed) {
    public static Settings defaults() {
      return new Settings(0, 40, 5, 1234);
    }
  }

  private final Settings settings;
  private final Consumer<String> log;

  public Evaluator(Settings settings, Consumer<String> log) {
    this.settings = settings;
    this.log = log;
  }

  public EvaluationReport run(Path model, List<Path> evalFiles, List<Path> trainFiles) {
    Torch.init();
    try (Checkpoint checkpoint = Checkpoint.load(model, ModelOptions.defaults());
        InferenceEngine engine = InferenceEngine.fromCheckpoint(model);
        Tokenizer tokenizer = Tokenizer.fromConfigJson(checkpoint.encoderConfigJson())) {
      String encoderJson = tokenizer.configJson();
      EncoderFacts facts = EncoderFacts.of(encoderJson);
      int context = checkpoint.config().nPositions();
      List<Score> held = pieces(evalFiles, encoderJson, facts, settings.maxFiles());
      List<Score> train = pieces(trainFiles, encoderJson, facts, 0);
      log.accept(String.format("%d held-out pieces, %d training pieces", held.size(),
          train.size()));

      NgramModel ngram = new NgramModel(settings.ngramOrder(), tokenizer.vocabulary().size());
      BarFingerprints fingerprints = new BarFingerprints();
      for (Score piece : train) {
        for (Score window : facts.windows(piece)) {
          ngram.add(crop(encode(tokenizer, window), context));
        }
        fingerprints.addAll(tokenizer.normalize(piece));
      }
      log.accept(String.format("n-gram (order %d) and %,d training bar fingerprints ready",
          ngram.order(), fingerprints.size()));

      TokenDomain onsets = domain(tokenizer, "NoteOnset");
      LikelihoodTally modelTally = new LikelihoodTally();
      LikelihoodTally ngramTally = new LikelihoodTally();
      for (Score piece : held) {
        Score window = facts.windows(piece).get(0);
        int[] tokens = crop(encode(tokenizer, window), context);
        int[] masks = tokenizer.grammarMasks(tokens);
        float[] logits = modelLogits(checkpoint, tokens);
        int vocab = tokenizer.vocabulary().size();
        for (int i = 1; i < tokens.length; i++) {
          boolean note = onsets.contains(tokens[i]);
          modelTally.add(LikelihoodTally.logSoftmax(logits, (i - 1) * vocab, vocab), tokens[i],
              masks, i - 1, note);
          ngramTally.add(ngram.logProbabilities(tokens, i), tokens[i], masks, i - 1, note);
        }
      }
      log.accept(String.format("likelihood over %,d tokens (%,d notes)", modelTally.tokens(),
          modelTally.notes()));

      GenerationTally generated = probeGeneration(engine, tokenizer, held, facts, fingerprints);
      return new EvaluationReport(model.toString(), held.size(), modelTally.tokens(),
          modelTally.notes(), modelTally.lossPerToken(), modelTally.bitsPerNote(),
          ngramTally.lossPerToken(), ngramTally.bitsPerNote(), ngram.order(),
          modelTally.outsideGrammar(), generated.report(),
          copyRate(held, tokenizer, fingerprints));
    }
  }

  /** Usable pieces (the training filters), read at 480 ticks per quarter. */
  private static List<Score> pieces(
      List<Path> files, String encoderJson, EncoderFacts facts, int limit) {
    if (files.isEmpty()) {
      return List.of();
    }
    ValidIndex index = ValidIndex.load(files, encoderJson, facts.minBars(), 1,
        ValidIndex.cacheDir(), 2, done -> {});
    List<Piece> usable = index.pieces();
    if (limit > 0 && usable.size() > limit) {
      usable = usable.subList(0, limit);
    }
    Map<Piece, byte[]> shardMusic = Piece.readShardRows(usable);
    List<Score> pieces = new ArrayList<>(usable.size());
    for (Piece piece : usable) {
      pieces.add(Score.fromMidi(piece.inShard() ? shardMusic.get(piece) : piece.readFile()));
    }
    return pieces;
  }

  private static int[] encode(Tokenizer tokenizer, Score window) {
    return tokenizer.encode(window, EncodeOptions.builder().windowBars(window.barCount()).build());
  }

  private static int[] crop(int[] tokens, int context) {
    return tokens.length <= context ? tokens : java.util.Arrays.copyOf(tokens, context);
  }

  private static TokenDomain domain(Tokenizer tokenizer, String type) {
    return tokenizer.vocabulary().domains().stream().filter(d -> d.type().equals(type))
        .findFirst().orElseThrow(() -> new IllegalStateException("vocabulary lacks " + type));
  }

  /** Logits for positions 1..n-1 of {@code tokens} (rows of vocab floats). */
  private static float[] modelLogits(Checkpoint checkpoint, int[] tokens) {
    try (PointerScope scope = new PointerScope();
        KvCache cache = checkpoint.model().newCache()) {
      Tensor logits = checkpoint.model().forward(cache,
          java.util.Arrays.copyOf(tokens, tokens.length - 1));
      return Torch.toFloatArray(logits);
    }
  }

  /** Real held-out bars found verbatim in the training set: the natural overlap to compare with. */
  private static double copyRate(List<Score> held, Tokenizer tokenizer, BarFingerprints train) {
    long bars = 0;
    long copied = 0;
    for (Score piece : held) {
      for (Track track : tokenizer.normalize(piece).tracks()) {
        for (Bar bar : track.bars()) {
          long print = BarFingerprints.of(bar, track.isDrum());
          if (print != 0) {
            bars++;
            copied += train.contains(print) ? 1 : 0;
          }
        }
      }
    }
    return bars == 0 ? Double.NaN : (double) copied / bars;
  }

  private GenerationTally probeGeneration(InferenceEngine engine, Tokenizer tokenizer,
      List<Score> held, EncoderFacts facts, BarFingerprints fingerprints) {
    GenerationTally tally = new GenerationTally(tokenizer, fingerprints);
    SplittableRandom random = new SplittableRandom(settings.seed());
    List<Score> candidates = new ArrayList<>(held);
    java.util.Collections.shuffle(candidates, new java.util.Random(settings.seed()));
    int done = 0;
    for (Score piece : candidates) {
      if (done == settings.generationPieces()) {
        break;
      }
      Score window = facts.windows(piece).get(0);
      List<Integer> playing = new ArrayList<>();
      for (int t = 0; t < window.tracks().size(); t++) {
        if (window.tracks().get(t).noteCount() >= 4) {
          playing.add(t);
        }
      }
      if (playing.isEmpty()) {
        continue;
      }
      int target = playing.get(random.nextInt(playing.size()));
      long seed = settings.seed() + done;
      infill(engine, tokenizer, window, target, seed, tally);
      generateTrack(engine, tokenizer, window, target, seed, tally);
      done++;
      log.accept(String.format("generation probe %d/%d", done, settings.generationPieces()));
    }
    return tally;
  }

  /** Regenerates two middle bars of one track and compares them with the originals. */
  private static void infill(InferenceEngine engine, Tokenizer tokenizer, Score window,
      int target, long seed, GenerationTally tally) {
    int bars = window.barCount();
    List<Integer> targets = List.of(bars / 2 - 1, bars / 2);
    GenerationRequest.Builder request = GenerationRequest.builder()
        .config(InferenceConfig.builder().seed(seed).maskMode(MaskMode.ATTENTION).build());
    for (int t = 0; t < window.tracks().size(); t++) {
      request.addTrack(TrackPrompt.of(t, t == target ? targets : List.of()));
    }
    GenerationResult result = engine.generate(window, request.build());
    Score original = tokenizer.normalize(window);
    Score output = tokenizer.normalize(result.score());
    for (int bar : targets) {
      tally.infilled(original.tracks().get(target).bars().get(bar),
          output.tracks().get(target).bars().get(bar), output.tracks().get(target).isDrum());
    }
    tally.checkGrammar(output, target, targets);
  }

  /**
   * Writes the whole track again autoregressively, asking for the attribute levels the original
   * track has, then measures the levels of what came out.
   */
  private static void generateTrack(InferenceEngine engine, Tokenizer tokenizer, Score window,
      int target, long seed, GenerationTally tally) {
    Track measured = tokenizer.annotate(window).tracks().get(target);
    String type = measured.isDrum() ? "drum" : "melodic";
    Map<String, Integer> requested = new LinkedHashMap<>();
    for (AttributeInfo info : tokenizer.attributes()) {
      boolean applies = info.trackType().equals("both") || info.trackType().equals(type);
      if (!info.barLevel() && applies && measured.attributes().containsKey(info.name())) {
        requested.put(info.name(), measured.attributes().get(info.name()));
      }
    }
    List<Integer> all = new ArrayList<>();
    for (int b = 0; b < window.barCount(); b++) {
      all.add(b);
    }
    GenerationRequest.Builder request = GenerationRequest.builder()
        .config(InferenceConfig.builder().seed(seed).maskMode(MaskMode.ATTENTION).build());
    for (int t = 0; t < window.tracks().size(); t++) {
      request.addTrack(t == target
          ? TrackPrompt.builder(t).bars(all).autoregressive(true).attributes(requested).build()
          : TrackPrompt.of(t, List.of()));
    }
    GenerationResult result = engine.generate(window, request.build());
    Score output = tokenizer.normalize(result.score());
    Track produced = tokenizer.annotate(output).tracks().get(target);
    requested.forEach((name, level) ->
        tally.attribute(name, level, produced.attributes().getOrDefault(name, -100)));
    tally.checkGrammar(output, target, all);
    for (Bar bar : output.tracks().get(target).bars()) {
      tally.generatedBar(bar, produced.isDrum());
    }
  }

  /** Note-level and bar-level tallies of the generation probes. */
  static final class GenerationTally {
    private final Tokenizer tokenizer;
    private final BarFingerprints fingerprints;
    private long matched;
    private long generatedNotes;
    private long originalNotes;
    private long barsChecked;
    private long barsValid;
    private long barsCounted;
    private long barsCopied;
    private final Map<String, long[]> attributes = new LinkedHashMap<>();

    GenerationTally(Tokenizer tokenizer, BarFingerprints fingerprints) {
      this.tokenizer = tokenizer;
      this.fingerprints = fingerprints;
    }

    void infilled(Bar original, Bar generated, boolean drum) {
      Map<Long, Integer> wanted = new HashMap<>();
      for (Note n : original.notes()) {
        wanted.merge(((long) n.pitch() << 32) | n.onset(), 1, Integer::sum);
      }
      for (Note n : generated.notes()) {
        Integer left = wanted.get(((long) n.pitch() << 32) | n.onset());
        if (left != null && left > 0) {
          wanted.put(((long) n.pitch() << 32) | n.onset(), left - 1);
          matched++;
        }
      }
      generatedNotes += generated.notes().size();
      originalNotes += original.notes().size();
      generatedBar(generated, drum);
    }

    void generatedBar(Bar bar, boolean drum) {
      long print = BarFingerprints.of(bar, drum);
      if (print != 0) {
        barsCounted++;
        barsCopied += fingerprints.contains(print) ? 1 : 0;
      }
    }

    /**
     * A generated bar is grammar-valid when its notes lie inside the bar with positive durations
     * and its tokens, in the target track encoded on its own, are ones the sampling grammar
     * allows. The track is encoded alone so that quirks of the untouched context (real data has
     * onsets rounded onto the bar line, which the grammar forbids) do not count against it.
     */
    void checkGrammar(Score output, int track, List<Integer> bars) {
      Track generated = output.tracks().get(track);
      Score alone = new Score(output.resolution(), output.tempo(), List.of(generated));
      int[] tokens = tokenizer.encode(alone,
          EncodeOptions.builder().windowBars(output.barCount()).build());
      int[] masks = tokenizer.grammarMasks(tokens);
      int words = (tokenizer.vocabulary().size() + 31) / 32;
      TokenDomain barToken = domain(tokenizer, "Bar");
      boolean[] broken = new boolean[generated.bars().size()];
      int bar = -1;
      for (int i = 1; i < tokens.length; i++) {
        if (barToken.contains(tokens[i])) {
          bar++;
        }
        boolean allowed = LikelihoodTally.allowed(masks, (i - 1) * words, tokens[i]);
        if (!allowed && bar >= 0 && bar < broken.length) {
          broken[bar] = true;
        }
      }
      for (int b : bars) {
        Bar checked = generated.bars().get(b);
        double length = checked.beatLength() * output.resolution();
        boolean inside = checked.notes().stream()
            .allMatch(n -> n.onset() < length && n.duration() > 0);
        barsChecked++;
        barsValid += !broken[b] && inside ? 1 : 0;
      }
    }

    void attribute(String name, int requested, int measured) {
      long[] counts = attributes.computeIfAbsent(name, k -> new long[3]);
      counts[0]++;
      counts[1] += requested == measured ? 1 : 0;
      counts[2] += Math.abs(requested - measured) <= 1 ? 1 : 0;
    }

    EvaluationReport.Generation report() {
      Map<String, EvaluationReport.Accuracy> accuracy = new LinkedHashMap<>();
      attributes.forEach((name, c) -> accuracy.put(name,
          new EvaluationReport.Accuracy(c[0], (double) c[1] / c[0], (double) c[2] / c[0])));
      double precision = generatedNotes == 0 ? 0 : (double) matched / generatedNotes;
      double recall = originalNotes == 0 ? 0 : (double) matched / originalNotes;
      double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
      return new EvaluationReport.Generation(barsChecked,
          barsChecked == 0 ? Double.NaN : (double) barsValid / barsChecked, accuracy,
          precision, recall, f1, barsCounted,
          barsCounted == 0 ? Double.NaN : (double) barsCopied / barsCounted);
    }
  }
}
