package io.midigpt.engine.model;

import io.midigpt.InvalidArgumentException;

/**
 * How a model is placed and run.
 *
 * @param device {@code auto} (CUDA, then MPS, then CPU), {@code cpu}, {@code cuda},
 *     {@code cuda:N} or {@code mps}; an explicitly named device that is unavailable is an error
 * @param threads libtorch intra-op threads (process-wide in libtorch, so the last model loaded
 *     decides); BLAS itself always runs on one thread
 */
public record ModelOptions(String device, int threads) {
  public ModelOptions {
    if (device == null || device.isBlank()) {
      device = "auto";
    }
    if (threads < 1) {
      throw new InvalidArgumentException("threads must be at least 1, got " + threads);
    }
  }

  /**
   * {@code auto} device and one thread. More threads only pay off when libtorch's OpenMP workers
   * sleep between ops ({@code OMP_WAIT_POLICY=PASSIVE} in the environment before the JVM starts);
   * spinning workers made one-token decode 10-30x slower on a busy two-core machine.
   */
  public static ModelOptions defaults() {
    return new ModelOptions("auto", 1);
  }

  public ModelOptions withDevice(String device) {
    return new ModelOptions(device, threads);
  }

  public ModelOptions withThreads(int threads) {
    return new ModelOptions(device, threads);
  }
}
