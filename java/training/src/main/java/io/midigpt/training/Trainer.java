package io.midigpt.training;

import io.midigpt.InvalidConfigException;
import io.midigpt.engine.model.Gpt2Config;
import io.midigpt.engine.model.SafeTensors;
import io.midigpt.engine.model.Torch;
import io.midigpt.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Trains a GPT-2 on MIDI files (spec §10): AdamW, warmup + decay schedule, gradient
 * accumulation and clipping, periodic evaluation and atomic checkpoints, and an exact
 * {@code resume}: weights, optimizer moments, schedule position, data position and dropout
 * seeds all continue where the last checkpoint left them.
 *
 * <p>The loss of a step is the mean over every real target of its accumulated micro-batches
 * (padding is never scored).
 */
public final class Trainer {
  /** Name of the last model of a run in the output folder. */
  public static final String FINAL_MODEL = "model_final.safetensors";
  /** Validation samples come from their own seed so evaluation never depends on the run's. */
  private static final long EVAL_SEED = 0x5EEDL;

  private final TrainConfig config;
  private final List<Path> trainFiles;
  private final List<Path> evalFiles;
  private final TrainingListener listener;
  private final DataParallelGroup group;
  private final AtomicBoolean stopRequested = new AtomicBoolean();

  /** A single-process run. */
  public Trainer(
      TrainConfig config, List<Path> trainFiles, List<Path> evalFiles, TrainingListener listener) {
    this(config, trainFiles, evalFiles, listener, null);
  }

  /**
   * One rank of a data-parallel run (or a single-process run when {@code group} is null): every
   * rank starts from rank 0's weights, trains on its own share of the micro-batches (micro-batch
   * {@code k} of rank {@code r} is the run's micro-batch {@code k * world + r}) and averages
   * gradients before each update, so N ranks with accumulation A compute what one process with
   * accumulation N·A would. Rank 0 alone logs, evaluates and writes checkpoints; resuming needs
   * the output folder on every rank (a shared file system across machines).
   */
  public Trainer(TrainConfig config, List<Path> trainFiles, List<Path> evalFiles,
      TrainingListener listener, DataParallelGroup group) {
    this.config = config;
    this.trainFiles = List.copyOf(trainFiles);
    this.evalFiles = List.copyOf(evalFiles);
    this.listener = listener;
    this.group = group;
  }

  private boolean leader() {
    return group == null || group.rank() == 0;
  }

  /** Asks a running {@link #run} to save a checkpoint and return after the current step. */
  public void requestStop() {
    stopRequested.set(true);
  }

  /**
   * Runs to the configured number of steps (or until {@link #requestStop}) and returns the final
   * model's path, or the last checkpoint's when stopped early.
   *
   * @param resume continue from the newest complete checkpoint in the output folder, if any
   */
  public Path run(boolean resume) {
    Path output = Path.of(config.outputDir());
    String encoderJson;
    try (Tokenizer tokenizer = Tokenizer.fromConfigJson(EncoderConfigs.resolve(
        config.encoderConfigPath()))) {
      encoderJson = tokenizer.configJson();
    }
    EncoderFacts facts = EncoderFacts.of(encoderJson);
    int workers = config.numWorkers() > 0 ? config.numWorkers()
        : Math.max(1, Runtime.getRuntime().availableProcessors() - config.threads());
    List<Piece> usable = usablePieces(trainFiles, encoderJson, facts, workers, "training");
    List<Piece> usableEval = evalFiles.isEmpty() ? List.of()
        : usablePieces(evalFiles, encoderJson, facts, workers, "validation");

    Torch.init();
    Torch.setThreads(config.threads());
    int vocab;
    try (Tokenizer tokenizer = Tokenizer.fromConfigJson(encoderJson)) {
      vocab = tokenizer.vocabulary().size();
    }
    Gpt2Config modelConfig =
        new Gpt2Config(vocab, config.maxSeqLen(), config.nEmbd(), config.nLayer(), config.nHead());
    long totalSteps = config.totalSteps(usable.size());
    LearningRateSchedule schedule = new LearningRateSchedule(config.learningRate(),
        config.warmupSteps(), totalSteps, config.lrSchedulerType());
    CheckpointStore store = new CheckpointStore(output, config.keepCheckpoints());
    store.removeInterrupted();

    try (TrainableGpt2 model =
            TrainableGpt2.create(modelConfig, config.device(), config.seed(), config.dropout());
        AdamW optimizer = new AdamW(model.parameters(), config.weightDecay());
        SampleSource train = new SampleSource(usable, encoderJson, config, config.seed(), workers);
        MetricsLog metrics = leader() ? new MetricsLog(output) : MetricsLog.discarding()) {
      TrainingState state = TrainingState.START;
      Optional<Path> latest = resume ? store.latest() : Optional.empty();
      if (latest.isPresent()) {
        state = restore(latest.get(), model, optimizer);
        listener.message("resumed from " + latest.get() + " at step " + state.step());
      }
      if (group != null) {
        group.broadcast(model.parameters().values(), 0);
      }
      List<int[]> evalSamples = leader() ? evalSamples(usableEval, encoderJson, workers)
          : List.of();
      Loop loop = new Loop(
          model, optimizer, schedule, totalSteps, metrics, store, encoderJson, evalSamples);
      state = loop.run(train, state, workers);
      Path result;
      if (state.step() < totalSteps) {
        result = store.checkpointOf(state).resolve(CheckpointStore.MODEL);
      } else {
        if (!evalSamples.isEmpty() && state.step() % config.evalSteps() != 0) {
          loop.evaluate(state);
        }
        result = output.resolve(FINAL_MODEL);
        if (leader()) {
          model.save(result, encoderJson, SafeTensors.DType.F32);
          listener.message("saved " + result);
        }
      }
      if (group != null) {
        group.barrier(); // no rank leaves while rank 0 still writes
      }
      return result;
    }
  }

  private List<Piece> usablePieces(
      List<Path> files, String encoderJson, EncoderFacts facts, int workers, String what) {
    ValidIndex index = ValidIndex.load(files, encoderJson, facts.minBars(), config.minTracks(),
        ValidIndex.cacheDir(), workers, done -> {});
    listener.message(String.format("%s data: %d files usable, %d skipped, %,d tokens",
        what, index.files().size(), index.skipped().size(), index.tokens()));
    if (index.files().isEmpty()) {
      throw new InvalidConfigException("no usable " + what + " files among " + files.size());
    }
    return index.pieces();
  }

  /** A fixed validation set: one sample per file, up to limit_val_batches batches. */
  private List<int[]> evalSamples(List<Piece> files, String encoderJson, int workers) {
    if (files.isEmpty()) {
      return List.of();
    }
    int count = files.size();
    if (config.limitValBatches() > 0) {
      count = Math.min(count, config.limitValBatches() * config.batchSize());
    }
    int[][] samples = new int[count][];
    try (SampleSource source = new SampleSource(files, encoderJson, config, EVAL_SEED, workers)) {
      Workers.forEach(count, workers, i -> samples[i] = source.sample(i));
    }
    return List.of(samples);
  }

  private TrainingState restore(Path checkpoint, TrainableGpt2 model, AdamW optimizer) {
    TrainConfig saved = TrainConfig.read(checkpoint.resolve(CheckpointStore.CONFIG));
    if (saved.nEmbd() != config.nEmbd() || saved.nLayer() != config.nLayer()
        || saved.nHead() != config.nHead() || saved.maxSeqLen() != config.maxSeqLen()
        || !saved.encoderConfigPath().equals(config.encoderConfigPath())) {
      throw new InvalidConfigException(checkpoint + " was trained with a different model or"
          + " encoder (n_embd/n_layer/n_head/max_seq_len/encoder_config_path); start a new"
          + " output_dir or use the same settings");
    }
    model.loadWeights(checkpoint.resolve(CheckpointStore.MODEL));
    optimizer.load(checkpoint.resolve(CheckpointStore.OPTIMIZER));
    return CheckpointStore.readState(checkpoint);
  }

  /** The optimisation loop over one model, optimizer and data stream. */
  private final class Loop {
    private final TrainableGpt2 model;
    private final AdamW optimizer;
    private final LearningRateSchedule schedule;
    private final long totalSteps;
    private final MetricsLog metrics;
    private final CheckpointStore store;
    private final String encoderJson;
    private final List<int[]> evalSamples;
    private double lastEvalLoss = Double.NaN;

    Loop(TrainableGpt2 model, AdamW optimizer, LearningRateSchedule schedule, long totalSteps,
        MetricsLog metrics, CheckpointStore store, String encoderJson, List<int[]> evalSamples) {
      this.model = model;
      this.optimizer = optimizer;
      this.schedule = schedule;
      this.totalSteps = totalSteps;
      this.metrics = metrics;
      this.store = store;
      this.encoderJson = encoderJson;
      this.evalSamples = evalSamples;
    }

    TrainingState run(SampleSource source, TrainingState start, int workers) {
      int accumulation = config.gradientAccumulationSteps();
      TrainingState state = start;
      double windowLoss = 0;
      long windowTargets = 0;
      long windowStart = System.nanoTime();
      long sessionStart = System.nanoTime();
      double elapsedBefore = start.elapsedSeconds();
      int world = group == null ? 1 : group.worldSize();
      int rank = group == null ? 0 : group.rank();
      boolean stop = false;
      try (BatchLoader loader = new BatchLoader(source, config.batchSize(), start.microBatches(),
          world, rank, workers)) {
        while (state.step() < totalSteps && !stop) {
          List<int[][]> micro = new ArrayList<>(accumulation);
          long targets = 0;
          for (int a = 0; a < accumulation; a++) {
            int[][] batch = loader.next();
            micro.add(batch);
            for (int[] s : batch) {
              targets += Math.max(0, s.length - 1);
            }
          }
          if (group != null) {
            targets = Math.round(group.allReduceSum(targets));
          }
          double lr = schedule.at(state.step());
          double lossSum = 0;
          model.zeroGrad();
          for (int a = 0; a < accumulation; a++) {
            if (config.dropout() > 0) {
              torch.manual_seed(SampleSource.mix(config.seed(), state.microBatches() + a));
            }
            try (PointerScope scope = new PointerScope()) {
              TrainableGpt2.Loss loss = model.loss(micro.get(a), true);
              // Averaging over ranks divides by world: scale so the result is sum / targets.
              Tensor scaled =
                  loss.sum().mul(new org.bytedeco.pytorch.Scalar((double) world / targets));
              scaled.backward();
              lossSum += loss.sum().item_double();
            }
          }
          if (group != null) {
            group.averageGradients(model.parameters().values());
            lossSum = group.allReduceSum(lossSum);
          }
          double gradNorm = clip();
          optimizer.step(lr);
          state = new TrainingState(state.step() + 1, state.microBatches() + accumulation,
              state.tokens() + targets,
              elapsedBefore + (System.nanoTime() - sessionStart) / 1e9);
          windowLoss += lossSum;
          windowTargets += targets;
          double seconds = (System.nanoTime() - windowStart) / 1e9;
          double rate = windowTargets / Math.max(seconds, 1e-9);
          double stepLoss = lossSum / Math.max(1, targets);
          if (state.step() % config.loggingSteps() == 0 || state.step() == totalSteps) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("step", state.step());
            line.put("loss", windowLoss / Math.max(1, windowTargets));
            line.put("lr", lr);
            line.put("grad_norm", gradNorm);
            line.put("tokens", state.tokens());
            line.put("tokens_per_s", rate);
            line.put("elapsed_s", state.elapsedSeconds());
            metrics.write(line);
            windowLoss = 0;
            windowTargets = 0;
            windowStart = System.nanoTime();
          }
          double eta = (totalSteps - state.step()) * (state.elapsedSeconds() - elapsedBefore)
              / Math.max(1, state.step() - start.step());
          listener.step(new TrainingProgress(state.step(), totalSteps, stepLoss, lr, rate, eta,
              lastEvalLoss));
          if (!evalSamples.isEmpty() && state.step() % config.evalSteps() == 0) {
            evaluate(state);
          }
          // Every rank stops at the same step, whichever of them was asked.
          stop = stopRequested.get();
          if (group != null) {
            stop = group.allReduceSum(stop ? 1 : 0) > 0;
          }
          if ((state.step() % config.saveSteps() == 0 || stop) && leader()) {
            save(state);
          }
        }
      }
      return state;
    }

    private double clip() {
      List<Tensor> grads = new ArrayList<>();
      for (Tensor p : model.parameters().values()) {
        grads.add(p);
      }
      double max = config.maxGradNorm() > 0 ? config.maxGradNorm() : Double.POSITIVE_INFINITY;
      try (PointerScope scope = new PointerScope();
          TensorVector params = new TensorVector(grads.toArray(new Tensor[0]))) {
        return torch.clip_grad_norm_(params, max);
      }
    }

    void evaluate(TrainingState state) {
      List<int[]> samples = evalSamples;
      double sum = 0;
      long targets = 0;
      try (NoGradGuard guard = new NoGradGuard()) {
        for (int from = 0; from < samples.size(); from += config.batchSize()) {
          int to = Math.min(samples.size(), from + config.batchSize());
          try (PointerScope scope = new PointerScope()) {
            TrainableGpt2.Loss loss =
                model.loss(samples.subList(from, to).toArray(new int[0][]), false);
            sum += loss.sum().item_double();
            targets += loss.targets();
          }
        }
      }
      lastEvalLoss = sum / Math.max(1, targets);
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("step", state.step());
      line.put("eval_loss", lastEvalLoss);
      line.put("eval_targets", targets);
      metrics.write(line);
      listener.message(String.format("step %d: validation loss %.4f over %,d targets",
          state.step(), lastEvalLoss, targets));
    }

    private void save(TrainingState state) {
      Path saved = store.save(state, config.toJson(), dir -> {
        model.save(dir.resolve(CheckpointStore.MODEL), encoderJson, SafeTensors.DType.F32);
        optimizer.save(dir.resolve(CheckpointStore.OPTIMIZER));
      });
      listener.message("saved " + saved);
    }
  }
}
