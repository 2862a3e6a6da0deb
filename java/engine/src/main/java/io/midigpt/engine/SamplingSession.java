package io.midigpt.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.midigpt.InvalidArgumentException;
import io.midigpt.bridge.MidigptNative;
import io.midigpt.bridge.NativeCalls;
import io.midigpt.bridge.ScoreWire;
import io.midigpt.engine.model.Gpt2Model;
import io.midigpt.engine.model.KvCache;
import io.midigpt.score.Note;
import io.midigpt.score.Score;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * One generation run: the native session plans the steps, builds each prompt and samples under
 * the request's constraints; this class runs the model for it. Per generated token there is one
 * model call and one call into the core, which samples straight from the logits tensor's memory.
 *
 * <p>Mask modes decide how a step's prefill and the following decode calls look: {@code
 * attention} passes the key mask on the prefill and on every decode call (growing by one visible
 * key per token); {@code attention_approx} passes it on the prefill only and then overwrites the
 * hidden keys and values in the cache, as the reference does; {@code attention_skip} feeds only
 * the visible tokens at their original positions; {@code remove} and {@code token} run plainly.
 * Generated tokens always sit at consecutive positions from the step's {@code nextPosition}.
 *
 * <p>{@link #run} runs on one thread; {@link #cancel()} may come from any other. Close the
 * session to free its native state (closing does not close the engine's model).
 */
public final class SamplingSession implements AutoCloseable {
  // Native status codes (bridge.hpp SessionHandle::status).
  private static final int NEEDS_PREFILL = 0;
  private static final int GENERATING = 1;
  private static final int DONE = 2;
  private static final int CANCELLED = 3;
  private static final int FAILED = 4;

  // Offsets into SessionHandle::stepInfo().
  private static final int INFO_STEP = 0;
  private static final int INFO_STEP_COUNT = 1;
  private static final int INFO_ATTEMPT = 2;
  private static final int INFO_MASK_MODE = 4;
  private static final int INFO_NEXT_POSITION = 5;

  // Offsets into SessionHandle::progress() and the fields of one draftNotes() entry.
  private static final int PROGRESS_NOTE_TOKENS = 5;
  private static final int DRAFT_NOTE_FIELDS = 7;

  // SessionHandle::stepInfo() mask modes.
  private static final int MODE_ATTENTION = 1;
  private static final int MODE_ATTENTION_APPROX = 2;
  private static final int MODE_ATTENTION_SKIP = 3;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Gpt2Model model;
  private final MidigptNative.SessionHandle handle;
  private final long setupNanos;
  private final int vocabSize;
  private final boolean logitsOnCpu;
  private final Object lifecycle = new Object();
  private boolean closed;
  private boolean ran;
  private boolean running;

  SamplingSession(Gpt2Model model, MidigptNative.SessionHandle handle, long setupNanos) {
    this.model = model;
    this.handle = handle;
    this.setupNanos = setupNanos;
    this.vocabSize = model.config().vocabSize();
    this.logitsOnCpu = model.device().equals("cpu");
  }

  /** {@link #run(ProgressListener)} without progress reports. */
  public GenerationResult run() {
    return run(ProgressListener.NONE);
  }

  /**
   * Generates until every step is accepted, a step fails or {@link #cancel()} is called.
   *
   * @return the piece; after a cancel, the steps accepted before it ({@code cancelled()} set)
   * @throws GenerationFailedException when a step used up its attempts
   * @throws IllegalStateException when the session already ran or is closed
   */
  public GenerationResult run(ProgressListener listener) {
    synchronized (lifecycle) {
      checkOpen();
      if (ran) {
        throw new IllegalStateException("a sampling session runs once");
      }
      ran = true;
      running = true;
    }
    try {
      Loop loop = new Loop(listener);
      try (KvCache cache = model.newCache()) {
        loop.run(cache);
      }
      return finish(loop);
    } finally {
      synchronized (lifecycle) {
        running = false;
      }
    }
  }

  /**
   * Ends the run cooperatively: the next sampled token is not drawn and {@link #run} returns the
   * steps accepted so far. Thread-safe; a no-op once the session is closed.
   */
  public void cancel() {
    synchronized (lifecycle) {
      if (!closed) {
        handle.cancel();
      }
    }
  }

  /**
   * The piece so far: the input with every step accepted until now applied, at the decoder's
   * resolution. For a {@link ProgressListener} that shows results while the run goes on (it runs
   * on the run's thread, between tokens); outside a run, the input or the final piece.
   */
  public Score currentScore() {
    synchronized (lifecycle) {
      checkOpen();
    }
    return ScoreWire.unpack(NativeCalls.ints(handle::result));
  }

  /**
   * The notes the current step attempt has completed so far in its target bars, in the piece's
   * track and bar numbering at the decoder's resolution: what a listener streams while the run
   * goes on (call it from the {@link ProgressListener}, when {@code noteTokens} moved). A draft:
   * a rejected attempt's notes never reach the result, and the next attempt's draft starts
   * empty. Empty between steps and outside a run.
   */
  public List<DraftNote> draftNotes() {
    synchronized (lifecycle) {
      checkOpen();
    }
    int[] flat = NativeCalls.ints(handle::draftNotes);
    List<DraftNote> notes = new ArrayList<>(flat.length / DRAFT_NOTE_FIELDS);
    for (int i = 0; i + DRAFT_NOTE_FIELDS <= flat.length; i += DRAFT_NOTE_FIELDS) {
      Note note = new Note(flat[i + 2], flat[i + 3], flat[i + 4], flat[i + 5], flat[i + 6]);
      notes.add(new DraftNote(flat[i], flat[i + 1], note));
    }
    return notes;
  }

  /**
   * Frees the native session.
   *
   * @throws IllegalStateException while {@link #run} is running (stop it with {@link #cancel()})
   */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (running) {
        throw new IllegalStateException("the session is running; cancel() it and close it after");
      }
      if (!closed) {
        closed = true;
        handle.close();
      }
    }
  }

  private GenerationResult finish(Loop loop) {
    int status = handle.status();
    if (status == FAILED) {
      throw new GenerationFailedException(handle.failure());
    }
    if (status != DONE && status != CANCELLED) {
      throw new IllegalStateException("session stopped in status " + status);
    }
    long start = System.nanoTime();
    Score score = ScoreWire.unpack(NativeCalls.ints(handle::result));
    List<String> warnings = warnings(handle.warningsJson());
    loop.sampleNanos += System.nanoTime() - start;
    return new GenerationResult(
        score,
        status == CANCELLED,
        new GenerationResult.Timings(
            setupNanos + loop.encodeNanos, loop.prefillNanos, loop.decodeNanos, loop.sampleNanos),
        loop.totalTokens,
        loop.peakContextTokens,
        loop.attempts,
        warnings);
  }

  private static List<String> warnings(String json) {
    try {
      return Arrays.asList(JSON.readValue(json, String[].class));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the core returned malformed warnings: " + json, e);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the sampling session is closed");
    }
  }

  /** The per-token loop and its bookkeeping. */
  private final class Loop {
    private final ProgressListener listener;
    long encodeNanos;
    long prefillNanos;
    long decodeNanos;
    long sampleNanos;
    int attempts;
    int totalTokens;
    int peakContextTokens;

    private int step;
    private int stepCount;
    private int attempt;
    private int stepTokens;
    private int mode;
    private int position;
    private int promptTokens;
    /** attention mode: the key mask of the next decode call (prompt mask, then all visible). */
    private boolean[] keyMask;

    Loop(ProgressListener listener) {
      this.listener = listener;
    }

    void run(KvCache cache) {
      int status = handle.status();
      int token = -1;
      while (status == NEEDS_PREFILL || status == GENERATING) {
        // Every tensor of one token (logits, views, pointers) is freed here, so memory stays
        // flat however long the run is.
        try (PointerScope scope = new PointerScope()) {
          Tensor logits = status == NEEDS_PREFILL ? prefill(cache) : decode(cache, token);
          long start = System.nanoTime();
          token = sample(logits);
          sampleNanos += System.nanoTime() - start;
        }
        status = handle.status();
        if (token >= 0) {
          stepTokens++;
          totalTokens++;
          peakContextTokens = Math.max(peakContextTokens, promptTokens + stepTokens);
          if (listener != ProgressListener.NONE) {
            // One more call into the core per token, only for someone listening.
            int noteTokens = NativeCalls.ints(handle::progress)[PROGRESS_NOTE_TOKENS];
            listener.onProgress(new ProgressListener.Progress(
                step, stepCount, attempt, stepTokens, totalTokens, noteTokens));
          }
        }
      }
    }

    /** Starts a step attempt on an empty cache; returns the logits of the last prompt position. */
    private Tensor prefill(KvCache cache) {
      long start = System.nanoTime();
      int[] info = NativeCalls.ints(handle::stepInfo);
      int[] inputIds = NativeCalls.ints(handle::inputIds);
      int[] positionIds = NativeCalls.ints(handle::positionIds);
      int[] mask = NativeCalls.ints(handle::keyMask);
      step = info[INFO_STEP];
      stepCount = info[INFO_STEP_COUNT];
      attempt = info[INFO_ATTEMPT];
      mode = info[INFO_MASK_MODE];
      position = info[INFO_NEXT_POSITION];
      stepTokens = 0;
      promptTokens = inputIds.length;
      peakContextTokens = Math.max(peakContextTokens, promptTokens);
      attempts++;
      boolean[] visible = visibility(mask);
      keyMask = mode == MODE_ATTENTION ? visible : null;
      encodeNanos += System.nanoTime() - start;

      start = System.nanoTime();
      cache.truncate(0);
      // attention_skip already left the hidden tokens out of inputIds; its mask is all ones.
      boolean[] prefillMask = mode == MODE_ATTENTION || mode == MODE_ATTENTION_APPROX ? visible : null;
      Tensor all = model.forward(cache, inputIds, positionIds, prefillMask);
      if (mode == MODE_ATTENTION_APPROX) {
        nullHiddenSpans(cache, visible);
      }
      Tensor last = all.select(0, inputIds.length - 1);
      prefillNanos += System.nanoTime() - start;
      return last;
    }

    private Tensor decode(KvCache cache, int token) {
      long start = System.nanoTime();
      boolean[] mask = null;
      if (keyMask != null) {
        // Every generated token stays visible: the mask grows by one true per call.
        mask = Arrays.copyOf(keyMask, keyMask.length + 1);
        mask[keyMask.length] = true;
        keyMask = mask;
      }
      Tensor logits = model.decode(cache, token, position++, mask);
      decodeNanos += System.nanoTime() - start;
      return logits;
    }

    /** Hands the logits to the core without a copy (CPU) and returns its token or -1. */
    private int sample(Tensor logits) {
      Tensor host = logitsOnCpu ? logits.contiguous() : toCpu(logits);
      if (host.numel() != vocabSize) {
        throw new IllegalStateException("logits have " + host.numel() + " entries, not " + vocabSize);
      }
      try {
        return NativeCalls.translated(() -> handle.next(host.data_ptr_float(), vocabSize));
      } catch (InvalidArgumentException e) {
        // The core ends a step that used up its attempts with this error; status() says so.
        if (handle.status() == FAILED) {
          return -1;
        }
        throw e;
      }
    }
  }

  private static Tensor toCpu(Tensor logits) {
    try (Device cpu = new Device("cpu")) {
      return logits.to(cpu, ScalarType.Float).contiguous();
    }
  }

  private static boolean[] visibility(int[] mask) {
    boolean[] visible = new boolean[mask.length];
    for (int i = 0; i < mask.length; i++) {
      visible[i] = mask[i] != 0;
    }
    return visible;
  }

  /** attention_approx: the reference's kv_null_positions over every hidden run of the prompt. */
  private static void nullHiddenSpans(KvCache cache, boolean[] visible) {
    int i = 0;
    while (i < visible.length) {
      if (visible[i]) {
        i++;
        continue;
      }
      int start = i;
      while (i < visible.length && !visible[i]) {
        i++;
      }
      cache.nullPositions(start, i);
    }
  }
}
