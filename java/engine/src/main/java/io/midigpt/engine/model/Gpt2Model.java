package io.midigpt.engine.model;

import io.midigpt.InvalidArgumentException;
import io.midigpt.InvalidCheckpointException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The reference's GPT-2 ({@code arch = "gpt2"}, spec §7.1) in float32 on libtorch: pre-LN blocks,
 * LayerNorm eps 1e-5, tanh GELU, fused {@code c_attn} with q, k, v in that order and contiguous
 * heads, HF Conv1D weights used as stored ({@code [in, out]}, {@code y = x·W + b}), and an
 * untied {@code lm_head}.
 *
 * <p>{@link #forward} runs a chunk of tokens as one batched prefill on top of a {@link KvCache};
 * {@link #decode} runs one token with matrix-vector products into preallocated buffers and
 * re-strided views, because on a CPU a one-token step is dominated by per-op overhead, which
 * one-row matrix products and fresh allocations multiply.
 *
 * <p>All native work runs under {@code InferenceMode} with temporaries freed per call by a
 * {@code PointerScope}, so memory stays flat over long generations. Calls are serialised (the
 * decode buffers are shared); returned logits are new tensors that the caller owns. Close the
 * model to free its weights.
 */
public final class Gpt2Model implements AutoCloseable {
  private static final double LAYER_NORM_EPS = 1e-5;
  /**
   * Buffers old HF checkpoints carry. The reference's strict load would reject them, but they hold
   * no weights, so they are skipped rather than refused.
   */
  private static final List<String> IGNORED_SUFFIXES = List.of(".attn.bias", ".attn.masked_bias");

  private final Gpt2Config config;
  private final String deviceName;
  /** Everything native the model holds: weights, views, options and decode buffers. */
  private final Owned owned;
  private final TensorOptions floatOptions;
  private final TensorOptions longOptions;
  private final TensorOptions boolOptions;
  private final MemoryFormatOptional anyFormat;
  private final long[] embdShape;

  private final Tensor wte;
  private final Tensor wpe;
  private final TensorOptional lnFWeight;
  private final TensorOptional lnFBias;
  private final Tensor lmHead;
  private final Tensor lmHeadT;
  private final Layer[] layers;
  private final Decode step;
  private boolean closed;

  /** One block's weights; the {@code ...T} tensors are transposed views for matrix-vector use. */
  private record Layer(
      TensorOptional ln1Weight,
      TensorOptional ln1Bias,
      Tensor attnW,
      Tensor attnWT,
      Tensor attnB,
      Tensor projW,
      Tensor projWT,
      Tensor projB,
      TensorOptional ln2Weight,
      TensorOptional ln2Bias,
      Tensor fcW,
      Tensor fcWT,
      Tensor fcB,
      Tensor outW,
      Tensor outWT,
      Tensor outB) {}

  /** Buffers and views the one-token path writes into instead of allocating. */
  private static final class Decode {
    Tensor x;
    Tensor qkv;
    Tensor att;
    Tensor fc;
    Tensor kvNew;
    Tensor[] qHead;
    Tensor[] attHead;
    Tensor scores;
    Tensor scoreRows;
    Tensor[] scoreHead;
    Tensor tokenRow;
    Tensor positionRow;
    Tensor maskHost;
    FloatPointer maskHostData;
    Tensor maskDevice;
    Tensor maskView;
    float[] maskValues;
    Dims oneDim;
    Dims unitStride;
    Dims rowsDim;
    Dims rowsStride;
    Dims embdDim;
    LongOptional offset;
    Scalar zero;
    Scalar scale;
    BytePointer tanh;
  }

  private Gpt2Model(Gpt2Config config, Device device, Map<String, Tensor> weights, Owned owned) {
    this.config = config;
    this.owned = owned;
    this.deviceName = Torch.deviceName(device);
    this.floatOptions = options(ScalarType.Float, device, owned);
    this.longOptions = options(ScalarType.Long, device, owned);
    this.boolOptions = options(ScalarType.Bool, device, owned);
    this.anyFormat = owned.keep(new MemoryFormatOptional());
    this.embdShape = new long[] {config.nEmbd()};
    this.wte = weights.get("transformer.wte.weight");
    this.wpe = weights.get("transformer.wpe.weight");
    this.lnFWeight = owned.keep(new TensorOptional(weights.get("transformer.ln_f.weight")));
    this.lnFBias = owned.keep(new TensorOptional(weights.get("transformer.ln_f.bias")));
    this.lmHead = weights.get("lm_head.weight");
    this.lmHeadT = owned.keep(lmHead.t());
    this.layers = new Layer[config.nLayer()];
    for (int i = 0; i < layers.length; i++) {
      String p = "transformer.h." + i + ".";
      Tensor attnW = weights.get(p + "attn.c_attn.weight");
      Tensor projW = weights.get(p + "attn.c_proj.weight");
      Tensor fcW = weights.get(p + "mlp.c_fc.weight");
      Tensor outW = weights.get(p + "mlp.c_proj.weight");
      layers[i] =
          new Layer(
              owned.keep(new TensorOptional(weights.get(p + "ln_1.weight"))),
              owned.keep(new TensorOptional(weights.get(p + "ln_1.bias"))),
              attnW,
              owned.keep(attnW.t()),
              weights.get(p + "attn.c_attn.bias"),
              projW,
              owned.keep(projW.t()),
              weights.get(p + "attn.c_proj.bias"),
              owned.keep(new TensorOptional(weights.get(p + "ln_2.weight"))),
              owned.keep(new TensorOptional(weights.get(p + "ln_2.bias"))),
              fcW,
              owned.keep(fcW.t()),
              weights.get(p + "mlp.c_fc.bias"),
              outW,
              owned.keep(outW.t()),
              weights.get(p + "mlp.c_proj.bias"));
    }
    this.step = allocateDecode();
  }

  private static TensorOptions options(ScalarType type, Device device, Owned owned) {
    try (TensorOptions typed = new TensorOptions(type);
        DeviceOptional placed = new DeviceOptional(device)) {
      // device(...) returns a new TensorOptions; the two above are only its ingredients.
      return owned.keep(typed.device(placed));
    }
  }

  /**
   * Loads weights from a checkpoint file, strictly: every tensor of the config must be present
   * with its exact shape and nothing else may be (apart from the weightless legacy
   * {@code attn.bias}/{@code attn.masked_bias} buffers). F16 and BF16 weights are upcast to F32,
   * as the reference's {@code load_state_dict} into a float32 model does.
   */
  public static Gpt2Model load(Gpt2Config config, SafeTensors file, ModelOptions options) {
    Map<String, long[]> expected = expectedShapes(config);
    checkTensors(config, file, expected);
    Torch.init();
    Torch.setThreads(options.threads());
    Device device = Torch.device(options.device());
    Owned owned = new Owned();
    try (InferenceMode guard = new InferenceMode();
        PointerScope scope = new PointerScope();
        MemoryFormatOptional anyFormat = new MemoryFormatOptional()) {
      Map<String, Tensor> weights = new LinkedHashMap<>();
      for (String name : expected.keySet()) {
        SafeTensors.TensorInfo info = file.tensor(name);
        ScalarType stored =
            switch (info.dtype()) {
              case F32 -> ScalarType.Float;
              case F16 -> ScalarType.Half;
              case BF16 -> ScalarType.BFloat16;
              default -> throw new IllegalStateException("checked above");
            };
        ByteBuffer bytes = file.data(name);
        try (BytePointer data = new BytePointer(bytes);
            TensorOptions storedOptions = new TensorOptions(stored);
            Tensor mapped = torch.from_blob(data, info.shapeArray(), storedOptions)) {
          // copy=true: the result must own its memory, not alias the file mapping.
          weights.put(
              name, owned.keep(mapped.to(device, ScalarType.Float, false, true, anyFormat)));
        }
      }
      return new Gpt2Model(config, device, weights, owned);
    } catch (RuntimeException e) {
      owned.close();
      throw e;
    }
  }

  /**
   * A model with random weights (GPT-2's initialisation: N(0, 0.02), LayerNorm weight 1, biases
   * 0), for benchmarks and tests that need sizes no fixture has.
   */
  static Gpt2Model random(Gpt2Config config, ModelOptions options, long seed) {
    Torch.init();
    Torch.setThreads(options.threads());
    Device device = Torch.device(options.device());
    Owned owned = new Owned();
    try (InferenceMode guard = new InferenceMode();
        PointerScope scope = new PointerScope();
        TensorOptions target = new TensorOptions(ScalarType.Float);
        MemoryFormatOptional anyFormat = new MemoryFormatOptional();
        // Its own CPU generator: seeding the global one would disturb callers' sampling.
        GeneratorOptional generator = new GeneratorOptional(torch.createCPUGenerator(seed))) {
      Map<String, Tensor> weights = new LinkedHashMap<>();
      for (Map.Entry<String, long[]> e : expectedShapes(config).entrySet()) {
        String name = e.getKey();
        Tensor t = torch.empty(e.getValue(), target, anyFormat);
        if (name.endsWith("ln_1.weight") || name.endsWith("ln_2.weight")
            || name.endsWith("ln_f.weight")) {
          t.fill_(new Scalar(1.0));
        } else if (e.getValue().length == 1) {
          t.fill_(new Scalar(0.0));
        } else {
          t.normal_(0.0, 0.02, generator);
        }
        weights.put(name, owned.keep(t.to(device, ScalarType.Float)));
      }
      return new Gpt2Model(config, device, weights, owned);
    } catch (RuntimeException e) {
      owned.close();
      throw e;
    }
  }

  /** The state-dict names and shapes of a config, in the reference's module order. */
  public static Map<String, long[]> expectedShapes(Gpt2Config config) {
    long d = config.nEmbd();
    Map<String, long[]> shapes = new LinkedHashMap<>();
    shapes.put("transformer.wte.weight", new long[] {config.vocabSize(), d});
    shapes.put("transformer.wpe.weight", new long[] {config.nPositions(), d});
    for (int i = 0; i < config.nLayer(); i++) {
      String p = "transformer.h." + i + ".";
      shapes.put(p + "ln_1.weight", new long[] {d});
      shapes.put(p + "ln_1.bias", new long[] {d});
      shapes.put(p + "attn.c_attn.weight", new long[] {d, 3 * d});
      shapes.put(p + "attn.c_attn.bias", new long[] {3 * d});
      shapes.put(p + "attn.c_proj.weight", new long[] {d, d});
      shapes.put(p + "attn.c_proj.bias", new long[] {d});
      shapes.put(p + "ln_2.weight", new long[] {d});
      shapes.put(p + "ln_2.bias", new long[] {d});
      shapes.put(p + "mlp.c_fc.weight", new long[] {d, 4 * d});
      shapes.put(p + "mlp.c_fc.bias", new long[] {4 * d});
      shapes.put(p + "mlp.c_proj.weight", new long[] {4 * d, d});
      shapes.put(p + "mlp.c_proj.bias", new long[] {d});
    }
    shapes.put("transformer.ln_f.weight", new long[] {d});
    shapes.put("transformer.ln_f.bias", new long[] {d});
    shapes.put("lm_head.weight", new long[] {config.vocabSize(), d});
    return shapes;
  }

  private static void checkTensors(Gpt2Config config, SafeTensors file, Map<String, long[]> expected) {
    List<String> missing = new ArrayList<>();
    List<String> unexpected = new ArrayList<>();
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, long[]> e : expected.entrySet()) {
      SafeTensors.TensorInfo info = file.tensors().get(e.getKey());
      if (info == null) {
        missing.add(e.getKey());
      } else if (!Arrays.equals(info.shapeArray(), e.getValue())) {
        wrong.add(e.getKey() + " has shape " + info.shape() + ", expected "
            + Arrays.toString(e.getValue()));
      } else if (info.dtype() != SafeTensors.DType.F32 && info.dtype() != SafeTensors.DType.F16
          && info.dtype() != SafeTensors.DType.BF16) {
        wrong.add(e.getKey() + " has dtype " + info.dtype() + ", expected F32, F16 or BF16");
      }
    }
    for (String name : file.tensors().keySet()) {
      if (!expected.containsKey(name) && IGNORED_SUFFIXES.stream().noneMatch(name::endsWith)) {
        unexpected.add(name);
      }
    }
    if (missing.isEmpty() && unexpected.isEmpty() && wrong.isEmpty()) {
      return;
    }
    StringBuilder message = new StringBuilder(file.path().toString())
        .append(": tensors do not match the GPT-2 config ").append(config.toJson());
    appendProblems(message, "missing", missing);
    appendProblems(message, "unexpected", unexpected);
    appendProblems(message, "mismatched", wrong);
    throw new InvalidCheckpointException(message.toString());
  }

  private static void appendProblems(StringBuilder message, String label, List<String> items) {
    if (items.isEmpty()) {
      return;
    }
    int shown = Math.min(items.size(), 8);
    message.append("; ").append(label).append(": ").append(String.join(", ", items.subList(0, shown)));
    if (items.size() > shown) {
      message.append(" and ").append(items.size() - shown).append(" more");
    }
  }

  private Decode allocateDecode() {
    int d = config.nEmbd();
    int heads = config.nHead();
    int hd = config.headDim();
    int positions = config.nPositions();
    Decode s = new Decode();
    try (InferenceMode guard = new InferenceMode();
        PointerScope scope = new PointerScope()) {
      s.x = owned.keep(torch.empty(new long[] {d}, floatOptions, anyFormat));
      s.qkv = owned.keep(torch.empty(new long[] {3L * d}, floatOptions, anyFormat));
      s.att = owned.keep(torch.empty(new long[] {d}, floatOptions, anyFormat));
      s.fc = owned.keep(torch.empty(new long[] {4L * d}, floatOptions, anyFormat));
      s.kvNew = owned.keep(s.qkv.narrow(0, d, 2L * d).view(2, heads, hd));
      s.qHead = new Tensor[heads];
      s.attHead = new Tensor[heads];
      s.scoreHead = new Tensor[heads];
      s.scores = owned.keep(torch.empty(new long[] {(long) heads * positions}, floatOptions, anyFormat));
      s.scoreRows = owned.keep(s.scores.narrow(0, 0, 1));
      for (int h = 0; h < heads; h++) {
        s.qHead[h] = owned.keep(s.qkv.narrow(0, (long) h * hd, hd));
        s.attHead[h] = owned.keep(s.att.narrow(0, (long) h * hd, hd));
        s.scoreHead[h] = owned.keep(s.scores.narrow(0, 0, 1));
      }
      s.oneDim = new Dims(owned, 0);
      s.unitStride = new Dims(owned, 1);
      s.rowsDim = new Dims(owned, heads, 0);
      s.rowsStride = new Dims(owned, 0, 1);
      s.embdDim = new Dims(owned, d);
      s.offset = owned.keep(new LongOptional(0));
      s.tokenRow = owned.keep(wte.select(0, 0));
      s.positionRow = owned.keep(wpe.select(0, 0));
      try (TensorOptions cpu = new TensorOptions(ScalarType.Float)) {
        s.maskHost = owned.keep(torch.empty(new long[] {positions}, cpu, anyFormat));
      }
      s.maskHostData = owned.keep(s.maskHost.data_ptr_float());
      s.maskDevice = deviceName.equals("cpu") ? s.maskHost
          : owned.keep(torch.empty(new long[] {positions}, floatOptions, anyFormat));
      s.maskView = owned.keep(s.maskDevice.narrow(0, 0, 1));
      s.maskValues = new float[positions];
      s.zero = owned.keep(new Scalar(0.0));
      s.scale = owned.keep(new Scalar(1.0 / Math.sqrt(hd)));
      s.tanh = owned.keep(new BytePointer("tanh"));
    }
    return s;
  }

  public Gpt2Config config() {
    return config;
  }

  /** The device the weights live on, e.g. {@code cpu} or {@code cuda:0}. */
  public String device() {
    return deviceName;
  }

  /** An empty cache for this model. */
  public synchronized KvCache newCache() {
    checkOpen();
    return new KvCache(this, 0);
  }

  TensorOptions floatOptions() {
    return floatOptions;
  }

  MemoryFormatOptional anyFormat() {
    return anyFormat;
  }

  /**
   * Runs {@code inputIds} after the cached tokens and appends their keys and values to
   * {@code cache}.
   *
   * @param positionIds null for {@code cache.length() …}, or one position per token, used as
   *     given (the reference's {@code position_ids}; attention_skip passes original indices)
   * @param keyMask null, or one flag per key after this call ({@code cache.length() +
   *     inputIds.length}): false hides that key from every query of this call
   * @return logits {@code [inputIds.length, vocab_size]}, float32 on the model's device
   */
  public synchronized Tensor forward(
      KvCache cache, int[] inputIds, int[] positionIds, boolean[] keyMask) {
    checkCall(cache);
    int past = cache.length();
    int count = inputIds.length;
    if (count == 0) {
      throw new InvalidArgumentException("forward needs at least one input token");
    }
    int total = past + count;
    checkContext(total);
    int[] positions = positionIds != null ? positionIds : defaultPositions(past, count);
    checkTokens(inputIds);
    checkPositions(positions, count);
    checkKeyMask(keyMask, total);
    cache.ensureCapacity(total);
    // Allocated outside InferenceMode and the call's scope: a normal tensor the caller owns.
    Tensor logits = torch.empty(new long[] {count, config.vocabSize()}, floatOptions, anyFormat);
    try (InferenceMode guard = new InferenceMode();
        PointerScope scope = new PointerScope()) {
      if (count == 1) {
        decodeStep(cache, inputIds[0], positions[0], keyMask, past, logits.view(config.vocabSize()));
      } else {
        prefill(cache, inputIds, positions, keyMask, past, logits);
      }
    }
    cache.setLength(total);
    return logits;
  }

  /** {@link #forward} with default positions and no key mask. */
  public Tensor forward(KvCache cache, int[] inputIds) {
    return forward(cache, inputIds, null, null);
  }

  /** One token at position {@code cache.length()}; returns logits {@code [vocab_size]}. */
  public Tensor decode(KvCache cache, int token) {
    return decode(cache, token, cache.length(), null);
  }

  /** One token at an explicit position (attention_skip continues past a gap). */
  public Tensor decode(KvCache cache, int token, int position) {
    return decode(cache, token, position, null);
  }

  /**
   * One token with the cache.
   *
   * @param keyMask null, or one flag per key including the new token ({@code cache.length() +
   *     1}); false hides the key (the reference's attention mode passes it on every step)
   * @return logits {@code [vocab_size]}, float32 on the model's device, owned by the caller
   */
  public synchronized Tensor decode(KvCache cache, int token, int position, boolean[] keyMask) {
    checkCall(cache);
    int t = cache.length();
    int total = t + 1;
    checkContext(total);
    checkTokens(new int[] {token});
    checkPositions(new int[] {position}, 1);
    checkKeyMask(keyMask, total);
    cache.ensureCapacity(total);
    Tensor logits = torch.empty(new long[] {config.vocabSize()}, floatOptions, anyFormat);
    try (InferenceMode guard = new InferenceMode();
        PointerScope scope = new PointerScope()) {
      decodeStep(cache, token, position, keyMask, t, logits);
    }
    cache.setLength(total);
    return logits;
  }

  private void prefill(
      KvCache cache, int[] ids, int[] positions, boolean[] keyMask, int past, Tensor logits) {
    int count = ids.length;
    int total = past + count;
    int d = config.nEmbd();
    int heads = config.nHead();
    int hd = config.headDim();
    Tensor x = torch.index_select(wte, 0, Torch.longTensor(ids, longOptions));
    x.add_(torch.index_select(wpe, 0, Torch.longTensor(positions, longOptions)));

    // The reference's mask: tril(ones(Tq, Tk), Tk - Tq) AND key_mask; a plain first chunk is
    // exactly is_causal, which lets SDPA skip building the mask.
    boolean hidden = hasHidden(keyMask);
    boolean causalOnly = past == 0 && !hidden;
    TensorOptional mask = new TensorOptional();
    if (!causalOnly) {
      Tensor allowed = torch.ones(new long[] {count, total}, boolOptions).tril_(past);
      if (hidden) {
        allowed.logical_and_(Torch.boolTensor(keyMask, boolOptions));
      }
      mask = new TensorOptional(allowed);
    }
    DoubleOptional defaultScale = new DoubleOptional();

    for (int l = 0; l < layers.length; l++) {
      Layer w = layers[l];
      Tensor h = torch.layer_norm(x, embdShape, w.ln1Weight(), w.ln1Bias(), LAYER_NORM_EPS, false);
      Tensor qkv = torch.addmm(w.attnB(), h, w.attnW()).view(count, 3, heads, hd);
      Tensor keys = cache.keys(l);
      Tensor values = cache.values(l);
      keys.narrow(1, past, count).copy_(qkv.select(1, 1).transpose(0, 1));
      values.narrow(1, past, count).copy_(qkv.select(1, 2).transpose(0, 1));
      Tensor q = qkv.select(1, 0).transpose(0, 1).unsqueeze(0);
      Tensor attended = torch.scaled_dot_product_attention(
          q,
          keys.narrow(1, 0, total).unsqueeze(0),
          values.narrow(1, 0, total).unsqueeze(0),
          mask,
          0.0,
          causalOnly,
          defaultScale,
          false);
      Tensor merged = attended.squeeze(0).transpose(0, 1).reshape(count, d);
      x.addmm_(merged, w.projW()).add_(w.projB());
      Tensor h2 = torch.layer_norm(x, embdShape, w.ln2Weight(), w.ln2Bias(), LAYER_NORM_EPS, false);
      Tensor fc = torch.addmm(w.fcB(), h2, w.fcW());
      torch.gelu_(fc, step.tanh);
      x.addmm_(fc, w.outW()).add_(w.outB());
    }
    Tensor hf = torch.layer_norm(x, embdShape, lnFWeight, lnFBias, LAYER_NORM_EPS, false);
    torch.mm_out(logits, hf, lmHeadT);
  }

  private void decodeStep(
      KvCache cache, int token, int position, boolean[] keyMask, int t, Tensor logits) {
    Decode s = step;
    int d = config.nEmbd();
    int heads = config.nHead();
    int total = t + 1;

    s.tokenRow.as_strided_(s.embdDim.ref, s.unitStride.ref, s.offset.put((long) token * d));
    s.positionRow.as_strided_(s.embdDim.ref, s.unitStride.ref, s.offset.put((long) position * d));
    torch.add_out(s.x, s.tokenRow, s.positionRow);

    // Scores live in one contiguous [heads, total] block so softmax runs without a copy.
    s.oneDim.set(0, total);
    s.rowsDim.set(1, total);
    s.rowsStride.set(0, total);
    for (int h = 0; h < heads; h++) {
      s.scoreHead[h].as_strided_(s.oneDim.ref, s.unitStride.ref, s.offset.put((long) h * total));
    }
    Tensor scores = s.scoreRows.as_strided_(s.rowsDim.ref, s.rowsStride.ref, s.offset.put(0));
    boolean hidden = hasHidden(keyMask);
    if (hidden) {
      for (int i = 0; i < total; i++) {
        s.maskValues[i] = keyMask[i] ? 0f : Float.NEGATIVE_INFINITY;
      }
      s.maskHostData.put(s.maskValues, 0, total);
      s.maskView.as_strided_(s.oneDim.ref, s.unitStride.ref, s.offset.put(0));
      if (s.maskDevice != s.maskHost) {
        s.maskView.copy_(s.maskHost.narrow(0, 0, total));
      }
    }
    cache.prepareDecode(t);

    for (int l = 0; l < layers.length; l++) {
      Layer w = layers[l];
      Tensor h = torch.layer_norm(s.x, embdShape, w.ln1Weight(), w.ln1Bias(), LAYER_NORM_EPS, false);
      torch.addmv_out(s.qkv, w.attnB(), w.attnWT(), h);
      cache.slot(l).copy_(s.kvNew);
      // Per-head matrix-vector products: libtorch's bmm with one query row is ~6x slower.
      for (int hh = 0; hh < heads; hh++) {
        torch.addmv_out(
            s.scoreHead[hh], s.scoreHead[hh], cache.keyView(l, hh), s.qHead[hh], s.zero, s.scale);
      }
      if (hidden) {
        scores.add_(s.maskView);
      }
      torch.softmax_out(scores, scores, 1);
      for (int hh = 0; hh < heads; hh++) {
        torch.mv_out(s.attHead[hh], cache.valueViewT(l, hh), s.scoreHead[hh]);
      }
      torch.addmv_(s.x, w.projWT(), s.att).add_(w.projB());
      Tensor h2 = torch.layer_norm(s.x, embdShape, w.ln2Weight(), w.ln2Bias(), LAYER_NORM_EPS, false);
      torch.addmv_out(s.fc, w.fcB(), w.fcWT(), h2);
      torch.gelu_(s.fc, s.tanh);
      torch.addmv_(s.x, w.outWT(), s.fc).add_(w.outB());
    }
    Tensor hf = torch.layer_norm(s.x, embdShape, lnFWeight, lnFBias, LAYER_NORM_EPS, false);
    torch.mv_out(logits, lmHead, hf);
  }

  private static boolean hasHidden(boolean[] keyMask) {
    if (keyMask != null) {
      for (boolean visible : keyMask) {
        if (!visible) {
          return true;
        }
      }
    }
    return false;
  }

  private static int[] defaultPositions(int past, int count) {
    int[] positions = new int[count];
    for (int i = 0; i < count; i++) {
      positions[i] = past + i;
    }
    return positions;
  }

  private void checkCall(KvCache cache) {
    checkOpen();
    if (cache.model() != this) {
      throw new InvalidArgumentException("the KV cache belongs to another model");
    }
    cache.checkOpen();
  }

  private void checkContext(int total) {
    if (total > config.nPositions()) {
      throw new InvalidArgumentException(
          "sequence of " + total + " tokens exceeds the model's context of "
              + config.nPositions() + " positions (n_positions)");
    }
  }

  private void checkTokens(int[] ids) {
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= config.vocabSize()) {
        throw new InvalidArgumentException(
            "token " + ids[i] + " at index " + i + " is outside the vocabulary of "
                + config.vocabSize());
      }
    }
  }

  private void checkPositions(int[] positions, int count) {
    if (positions.length != count) {
      throw new InvalidArgumentException(
          "got " + positions.length + " position ids for " + count + " tokens");
    }
    for (int i = 0; i < count; i++) {
      if (positions[i] < 0 || positions[i] >= config.nPositions()) {
        throw new InvalidArgumentException(
            "position " + positions[i] + " at index " + i + " is outside the model's "
                + config.nPositions() + " positions (n_positions)");
      }
    }
  }

  private static void checkKeyMask(boolean[] keyMask, int total) {
    if (keyMask != null && keyMask.length != total) {
      throw new InvalidArgumentException(
          "key mask has " + keyMask.length + " entries but the call attends over " + total
              + " keys (cached + new)");
    }
  }

  boolean isClosed() {
    return closed;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the model is closed");
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      owned.close();
    }
  }
}
