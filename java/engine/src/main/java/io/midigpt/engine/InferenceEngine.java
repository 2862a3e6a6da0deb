package io.midigpt.engine;

import io.midigpt.InvalidCheckpointException;
import io.midigpt.bridge.MidigptNative;
import io.midigpt.bridge.NativeCalls;
import io.midigpt.bridge.ScoreWire;
import io.midigpt.engine.hub.ModelHub;
import io.midigpt.engine.model.Checkpoint;
import io.midigpt.engine.model.Gpt2Config;
import io.midigpt.engine.model.Gpt2Model;
import io.midigpt.engine.model.ModelOptions;
import io.midigpt.generation.GenerationRequest;
import io.midigpt.score.Score;
import io.midigpt.tokenizer.AttributeInfo;
import io.midigpt.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A MIDI-GPT model ready to generate (reference spec §6.1): the network and the tokenizer of its
 * encoder config. Generation runs one {@link SamplingSession} at a time per engine (the model's
 * calls are serialised). Owns native memory: close it when done.
 *
 * <pre>{@code
 * try (InferenceEngine engine = InferenceEngine.fromCheckpoint(Path.of("model.safetensors"))) {
 *   GenerationResult result = engine.generate(score, request);
 *   result.score().write(Path.of("out.mid"));
 * }
 * }</pre>
 */
public final class InferenceEngine implements AutoCloseable {
  private final Checkpoint checkpoint;
  private final Tokenizer tokenizer;
  private boolean closed;

  private InferenceEngine(Checkpoint checkpoint, Tokenizer tokenizer) {
    this.checkpoint = checkpoint;
    this.tokenizer = tokenizer;
  }

  /** Loads a checkpoint with {@link ModelOptions#defaults()}. */
  public static InferenceEngine fromCheckpoint(Path path) {
    return fromCheckpoint(path, ModelOptions.defaults());
  }

  /**
   * Loads a format_version 2 safetensors checkpoint and the tokenizer of its encoder config.
   *
   * @throws InvalidCheckpointException when the file is unreadable, or its model and encoder
   *     config disagree on the vocabulary
   */
  public static InferenceEngine fromCheckpoint(Path path, ModelOptions options) {
    return of(Checkpoint.load(path, options), path.toString());
  }

  /**
   * An engine over an already loaded checkpoint (e.g. {@link Checkpoint#random}), which it takes
   * over: closing the engine closes the checkpoint, also when this throws.
   *
   * @throws InvalidCheckpointException when the model and its encoder config disagree on the
   *     vocabulary
   */
  public static InferenceEngine of(Checkpoint checkpoint) {
    return of(checkpoint, "the checkpoint");
  }

  private static InferenceEngine of(Checkpoint checkpoint, String source) {
    try {
      Tokenizer tokenizer = Tokenizer.fromConfigJson(checkpoint.encoderConfigJson());
      int vocabulary = tokenizer.vocabulary().size();
      if (vocabulary != checkpoint.config().vocabSize()) {
        tokenizer.close();
        throw new InvalidCheckpointException(
            source + ": the model's vocab_size " + checkpoint.config().vocabSize()
                + " does not match its encoder config's " + vocabulary + " tokens");
      }
      return new InferenceEngine(checkpoint, tokenizer);
    } catch (RuntimeException e) {
      checkpoint.close();
      throw e;
    }
  }

  /**
   * Loads a pretrained model by name with {@link ModelOptions#defaults()}; see
   * {@link #fromPretrained(String, ModelOptions, ModelHub)}.
   */
  public static InferenceEngine fromPretrained(String name) {
    return fromPretrained(name, ModelOptions.defaults());
  }

  /**
   * Loads a pretrained model by name, finding it as the Hugging Face tools do
   * ({@link ModelHub#fromEnvironment()}).
   */
  public static InferenceEngine fromPretrained(String name, ModelOptions options) {
    return fromPretrained(name, options, ModelHub.fromEnvironment());
  }

  /**
   * Loads a pretrained model by name: {@code yellow}, {@code yellow_small}, {@code prism_medium},
   * {@code expressive} (and their {@code _medium} spellings), a file name of the official
   * repository, or {@code default} for the model shipped in {@code models/}. An official model
   * missing from the Hugging Face cache is downloaded once (resumable, checksum-verified).
   *
   * @throws io.midigpt.engine.hub.ModelUnavailableException when the model can be neither found
   *     nor downloaded; the message says why
   * @throws InvalidCheckpointException when the file is damaged or not a MIDI-GPT checkpoint
   */
  public static InferenceEngine fromPretrained(String name, ModelOptions options, ModelHub hub) {
    Path path = hub.resolve(name);
    try {
      return fromCheckpoint(path, options);
    } catch (InvalidCheckpointException e) {
      if (!hub.isCached(path)) {
        throw e;
      }
      throw new InvalidCheckpointException(e.getMessage() + " (the cached copy of '" + name
          + "' is damaged: delete " + path + " and the blob it links to under "
          + path.getParent().getParent().resolveSibling("blobs") + " to download it again)", e);
    }
  }

  /** What a request can control: every track- and bar-level attribute with its levels. */
  public List<AttributeInfo> attributes() {
    return live().attributes();
  }

  /** The tokenizer of the model's encoder config (owned by the engine: do not close it). */
  public Tokenizer tokenizer() {
    return live();
  }

  public Gpt2Config modelConfig() {
    return checkpoint.config();
  }

  /** The device the model runs on, e.g. {@code cpu}. */
  public String device() {
    return checkpoint.model().device();
  }

  /** Runs {@code request} on {@code score} to the end; see {@link SamplingSession#run}. */
  public GenerationResult generate(Score score, GenerationRequest request) {
    return generate(score, request, ProgressListener.NONE);
  }

  public GenerationResult generate(
      Score score, GenerationRequest request, ProgressListener listener) {
    try (SamplingSession session = session(score, request)) {
      return session.run(listener);
    }
  }

  /**
   * Validates and plans a run without starting it, for callers that want progress or to cancel
   * it from another thread.
   *
   * @throws io.midigpt.RequestValidationException when the request breaks a rule (§6.4); the
   *     message names the field
   * @throws io.midigpt.InvalidArgumentException when no window length fits the model's context
   */
  public SamplingSession session(Score score, GenerationRequest request) {
    Objects.requireNonNull(score, "score");
    Objects.requireNonNull(request, "request");
    Tokenizer live = live();
    long start = System.nanoTime();
    int[] wire = ScoreWire.pack(score);
    String configJson = live.configJson();
    String requestJson = request.toJson();
    Gpt2Model model = checkpoint.model();
    MidigptNative.SessionHandle handle =
        NativeCalls.translated(
            () ->
                new MidigptNative.SessionHandle(
                    configJson, wire, wire.length, requestJson, model.config().nPositions()));
    return new SamplingSession(model, handle, System.nanoTime() - start);
  }

  private Tokenizer live() {
    if (closed) {
      throw new IllegalStateException("the inference engine is closed");
    }
    return tokenizer;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      tokenizer.close();
      checkpoint.close();
    }
  }
}
