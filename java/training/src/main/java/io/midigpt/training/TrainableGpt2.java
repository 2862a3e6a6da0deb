package io.midigpt.training;

import io.midigpt.InvalidArgumentException;
import io.midigpt.engine.model.Checkpoint;
import io.midigpt.engine.model.Gpt2Config;
import io.midigpt.engine.model.Gpt2Model;
import io.midigpt.engine.model.Owned;
import io.midigpt.engine.model.SafeTensors;
import io.midigpt.engine.model.Torch;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The reference's GPT-2 (spec §7.1) as trainable leaf tensors named exactly as the state dict, so
 * that a saved model is a checkpoint {@link io.midigpt.engine.InferenceEngine} loads. The
 * batched forward mirrors the engine's prefill (pre-LN, tanh GELU, Conv1D weights as
 * {@code [in, out]}, untied head) but keeps the autograd graph; right padding needs no mask
 * because attention is causal and padded targets are ignored.
 */
public final class TrainableGpt2 implements AutoCloseable {
  private static final double LAYER_NORM_EPS = 1e-5;
  /** Targets with this label add nothing to the loss (PyTorch's convention). */
  static final int IGNORE = -100;

  private final Gpt2Config config;
  private final Owned owned = new Owned();
  private final TensorOptions longOptions;
  private final Map<String, Tensor> parameters;
  private final long[] embdShape;
  private final BytePointer tanh;
  private final double dropout;

  private TrainableGpt2(Gpt2Config config, String device, long seed, double dropout) {
    this.config = config;
    this.dropout = dropout;
    this.embdShape = new long[] {config.nEmbd()};
    Torch.init();
    Device placed = owned.keep(Torch.device(device));
    try (TensorOptions longs = new TensorOptions(ScalarType.Long);
        TensorOptions floats = new TensorOptions(ScalarType.Float);
        org.bytedeco.pytorch.DeviceOptional where = new org.bytedeco.pytorch.DeviceOptional(placed);
        MemoryFormatOptional anyFormat = new MemoryFormatOptional();
        GeneratorOptional generator = new GeneratorOptional(torch.createCPUGenerator(seed))) {
      this.longOptions = owned.keep(longs.device(where));
      this.tanh = owned.keep(new BytePointer("tanh"));
      Map<String, Tensor> params = new LinkedHashMap<>();
      // GPT-2's initialisation: N(0, 0.02), residual projections scaled by 1/sqrt(2 n_layer),
      // LayerNorm weights 1, biases 0. Drawn on the CPU so a seed gives the same model anywhere.
      double residualStd = 0.02 / Math.sqrt(2.0 * config.nLayer());
      for (Map.Entry<String, long[]> e : Gpt2Model.expectedShapes(config).entrySet()) {
        String name = e.getKey();
        Tensor t = torch.empty(e.getValue(), floats, anyFormat);
        if (name.contains("ln_")) {
          t.fill_(new Scalar(name.endsWith(".weight") ? 1.0 : 0.0));
        } else if (e.getValue().length == 1) {
          t.fill_(new Scalar(0.0));
        } else {
          t.normal_(0.0, name.endsWith("c_proj.weight") ? residualStd : 0.02, generator);
        }
        Tensor leaf = t.to(placed, ScalarType.Float).requires_grad_(true);
        params.put(name, owned.keep(leaf));
      }
      this.parameters = Collections.unmodifiableMap(params);
    } catch (RuntimeException e) {
      owned.close();
      throw e;
    }
  }

  /** A freshly initialised model; the same seed gives the same weights. */
  public static TrainableGpt2 create(Gpt2Config config, String device, long seed, double dropout) {
    return new TrainableGpt2(config, device, seed, dropout);
  }

  public Gpt2Config config() {
    return config;
  }

  /** The parameters by state-dict name (the map is read-only; the tensors are the live weights). */
  public Map<String, Tensor> parameters() {
    return parameters;
  }

  /**
   * Summed next-token cross-entropy of a batch of sequences, and the number of targets it
   * covers; {@code backward()} on the sum accumulates gradients. Sequences shorter than the
   * longest are padded on the right and their padding is not scored.
   *
   * @param training applies dropout when true
   */
  public Loss loss(int[][] sequences, boolean training) {
    int batch = sequences.length;
    int longest = 0;
    for (int[] s : sequences) {
      if (s.length < 2) {
        throw new InvalidArgumentException("a training sequence needs at least 2 tokens");
      }
      longest = Math.max(longest, s.length);
    }
    int length = longest - 1;
    if (length > config.nPositions()) {
      throw new InvalidArgumentException("sequence of " + longest + " tokens exceeds n_positions "
          + config.nPositions());
    }
    int[] inputs = new int[batch * length];
    int[] targets = new int[batch * length];
    long counted = 0;
    for (int b = 0; b < batch; b++) {
      int[] s = sequences[b];
      for (int t = 0; t < length; t++) {
        boolean real = t + 1 < s.length;
        inputs[b * length + t] = real ? s[t] : 0;
        targets[b * length + t] = real ? s[t + 1] : IGNORE;
        counted += real ? 1 : 0;
        if (real && (s[t + 1] < 0 || s[t + 1] >= config.vocabSize())) {
          throw new InvalidArgumentException("token " + s[t + 1] + " is outside the vocabulary");
        }
      }
    }
    Tensor logits = logits(Torch.longTensor(inputs, longOptions).view(batch, length), training);
    Tensor target = Torch.longTensor(targets, longOptions);
    // Reduction 2 = sum: the trainer divides by the targets of the whole accumulated step.
    Tensor sum = torch.cross_entropy_loss(logits, target, new TensorOptional(), 2, IGNORE, 0.0);
    return new Loss(sum, counted);
  }

  /** A summed loss and how many targets it covers. */
  public record Loss(Tensor sum, long targets) {}

  /** Logits {@code [batch * length, vocab]} of {@code ids} {@code [batch, length]}. */
  private Tensor logits(Tensor ids, boolean training) {
    long batch = ids.size(0);
    long length = ids.size(1);
    int d = config.nEmbd();
    int heads = config.nHead();
    int hd = config.headDim();
    double p = training ? dropout : 0.0;
    Tensor x = torch.embedding(parameters.get("transformer.wte.weight"), ids)
        .add(parameters.get("transformer.wpe.weight").narrow(0, 0, length));
    x = maybeDropout(x, p);
    DoubleOptional defaultScale = new DoubleOptional();
    for (int l = 0; l < config.nLayer(); l++) {
      String n = "transformer.h." + l + ".";
      Tensor h = layerNorm(x, n + "ln_1").view(batch * length, d);
      Tensor qkv = torch.addmm(param(n + "attn.c_attn.bias"), h, param(n + "attn.c_attn.weight"))
          .view(batch, length, 3, heads, hd);
      Tensor q = qkv.select(2, 0).transpose(1, 2);
      Tensor k = qkv.select(2, 1).transpose(1, 2);
      Tensor v = qkv.select(2, 2).transpose(1, 2);
      Tensor attended = torch.scaled_dot_product_attention(
          q, k, v, new TensorOptional(), p, true, defaultScale, false);
      Tensor merged = attended.transpose(1, 2).reshape(batch * length, d);
      Tensor projected =
          torch.addmm(param(n + "attn.c_proj.bias"), merged, param(n + "attn.c_proj.weight"));
      x = x.add(maybeDropout(projected, p).view(batch, length, d));
      Tensor h2 = layerNorm(x, n + "ln_2").view(batch * length, d);
      Tensor fc = torch.gelu(
          torch.addmm(param(n + "mlp.c_fc.bias"), h2, param(n + "mlp.c_fc.weight")), tanh);
      Tensor out = torch.addmm(param(n + "mlp.c_proj.bias"), fc, param(n + "mlp.c_proj.weight"));
      x = x.add(maybeDropout(out, p).view(batch, length, d));
    }
    Tensor hf = layerNorm(x, "transformer.ln_f").view(batch * length, d);
    return torch.mm(hf, param("lm_head.weight").t());
  }

  private Tensor layerNorm(Tensor x, String prefix) {
    return torch.layer_norm(x, embdShape, new TensorOptional(param(prefix + ".weight")),
        new TensorOptional(param(prefix + ".bias")), LAYER_NORM_EPS, false);
  }

  private static Tensor maybeDropout(Tensor x, double p) {
    return p > 0 ? torch.dropout(x, p, true) : x;
  }

  private Tensor param(String name) {
    return parameters.get(name);
  }

  /** Drops accumulated gradients. */
  public void zeroGrad() {
    try (NoGradGuard guard = new NoGradGuard()) {
      for (Tensor p : parameters.values()) {
        Tensor grad = p.grad();
        if (grad.defined()) {
          grad.zero_();
        }
      }
    }
  }

  /** Writes the weights as a format_version 2 checkpoint the engine loads. */
  public void save(Path path, String encoderConfigJson, SafeTensors.DType dtype) {
    Checkpoint.save(path, config, encoderConfigJson, TensorFiles.entries(parameters, dtype));
  }

  /** Replaces the weights with a checkpoint's (same config), e.g. to resume or fine-tune. */
  public void loadWeights(Path path) {
    try (SafeTensors file = SafeTensors.open(path)) {
      TensorFiles.copyInto(file, parameters, "model checkpoint");
    }
  }

  @Override
  public void close() {
    owned.close();
  }
}
