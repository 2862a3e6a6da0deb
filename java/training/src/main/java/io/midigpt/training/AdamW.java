package io.midigpt.training;

import io.midigpt.engine.model.Owned;
import io.midigpt.engine.model.SafeTensors;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * AdamW with decoupled weight decay over every parameter, as {@code torch.optim.AdamW} computes it
 * (betas 0.9/0.999, eps 1e-8). Written here rather than taken from the presets so that its state
 * (moments and step count) can be saved to and restored from a safetensors file exactly, which
 * is what makes {@code --resume} reproduce an uninterrupted run.
 */
final class AdamW implements AutoCloseable {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPS = 1e-8;

  private final Map<String, Tensor> parameters;
  private final double weightDecay;
  private final Owned owned = new Owned();
  private final Map<String, Tensor> firstMoments = new LinkedHashMap<>();
  private final Map<String, Tensor> secondMoments = new LinkedHashMap<>();
  private long steps;

  AdamW(Map<String, Tensor> parameters, double weightDecay) {
    this.parameters = parameters;
    this.weightDecay = weightDecay;
    try (NoGradGuard guard = new NoGradGuard()) {
      for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
        firstMoments.put(e.getKey(), owned.keep(torch.zeros_like(e.getValue())));
        secondMoments.put(e.getKey(), owned.keep(torch.zeros_like(e.getValue())));
      }
    }
  }

  long steps() {
    return steps;
  }

  /** One update with learning rate {@code lr} from the accumulated gradients. */
  void step(double lr) {
    steps++;
    double correction1 = 1 - Math.pow(BETA1, steps);
    double correction2 = 1 - Math.pow(BETA2, steps);
    try (NoGradGuard guard = new NoGradGuard(); PointerScope scope = new PointerScope()) {
      Scalar decay = new Scalar(1 - lr * weightDecay);
      Scalar oneMinusBeta1 = new Scalar(1 - BETA1);
      Scalar beta2 = new Scalar(BETA2);
      Scalar oneMinusBeta2 = new Scalar(1 - BETA2);
      Scalar denominatorScale = new Scalar(1 / Math.sqrt(correction2));
      Scalar eps = new Scalar(EPS);
      Scalar stepSize = new Scalar(-lr / correction1);
      for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
        Tensor p = e.getValue();
        Tensor grad = p.grad();
        if (!grad.defined()) {
          continue;
        }
        Tensor m = firstMoments.get(e.getKey());
        Tensor v = secondMoments.get(e.getKey());
        p.mul_(decay);
        m.lerp_(grad, oneMinusBeta1);
        v.mul_(beta2).addcmul_(grad, grad, oneMinusBeta2);
        Tensor denominator = v.sqrt().mul_(denominatorScale).add_(eps);
        p.addcdiv_(m, denominator, stepSize);
      }
    }
  }

  /** Saves the moments and the step count. */
  void save(Path path) {
    Map<String, Tensor> state = new LinkedHashMap<>();
    firstMoments.forEach((name, t) -> state.put("exp_avg." + name, t));
    secondMoments.forEach((name, t) -> state.put("exp_avg_sq." + name, t));
    SafeTensors.write(path, Map.of("step", Long.toString(steps)),
        TensorFiles.entries(state, SafeTensors.DType.F32));
  }

  /** Restores what {@link #save} wrote. */
  void load(Path path) {
    try (SafeTensors file = SafeTensors.open(path)) {
      Map<String, Tensor> state = new LinkedHashMap<>();
      firstMoments.forEach((name, t) -> state.put("exp_avg." + name, t));
      secondMoments.forEach((name, t) -> state.put("exp_avg_sq." + name, t));
      TensorFiles.copyInto(file, state, "optimizer state");
      String step = file.metadata().get("step");
      if (step == null) {
        throw new io.midigpt.InvalidCheckpointException(path + ": optimizer state has no step");
      }
      steps = Long.parseLong(step);
    }
  }

  @Override
  public void close() {
    owned.close();
  }
}
