package io.midigpt.engine.model;

import io.midigpt.InvalidArgumentException;
import java.util.Locale;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Process-wide libtorch setup and small conversions between Java arrays and tensors, shared by
 * inference and training.
 */
public final class Torch {
  static {
    Loader.load(torch.class);
    // bytedeco's OpenBLAS starts a busy-waiting worker per core whatever libtorch's thread
    // setting; next to libtorch's own pool that made prefill ~20x and decode up to ~40x slower on
    // two cores. libtorch parallelises the work itself, so BLAS stays single-threaded.
    openblas_nolapack.blas_set_num_threads(1);
  }

  private Torch() {}

  /** Loads libtorch (first call extracts it into the JavaCPP cache) and pins BLAS to 1 thread. */
  public static void init() {
    // The static initializer does the work; this only forces it to run.
  }

  /** libtorch's intra-op thread count; it is process-wide. */
  public static void setThreads(int threads) {
    if (threads < 1) {
      throw new InvalidArgumentException("threads must be at least 1, got " + threads);
    }
    torch.set_num_threads(threads);
  }

  public static int threads() {
    return torch.get_num_threads();
  }

  static int blasThreads() {
    return openblas_nolapack.blas_get_num_threads();
  }

  /**
   * Resolves {@code auto|cpu|cuda|cuda:N|mps}: auto picks CUDA, then MPS, then the CPU; naming a
   * device this libtorch build or machine lacks is an error rather than a silent fallback.
   */
  public static Device device(String name) {
    String spec = name == null ? "auto" : name.trim().toLowerCase(Locale.ROOT);
    if (spec.equals("auto")) {
      return torch.hasCUDA() ? new Device("cuda") : torch.hasMPS() ? new Device("mps")
          : new Device("cpu");
    }
    if (spec.equals("cpu")) {
      return new Device("cpu");
    }
    if (spec.equals("cuda") || spec.matches("cuda:\\d+")) {
      if (!torch.hasCUDA()) {
        throw new InvalidArgumentException(
            "device '" + name + "' requested but CUDA is unavailable (this libtorch build or"
                + " machine has no CUDA; use 'cpu' or 'auto')");
      }
      return new Device(spec);
    }
    if (spec.equals("mps")) {
      if (!torch.hasMPS()) {
        throw new InvalidArgumentException(
            "device 'mps' requested but MPS is unavailable (needs Apple Silicon and a libtorch"
                + " build with MPS; use 'cpu' or 'auto')");
      }
      return new Device(spec);
    }
    throw new InvalidArgumentException(
        "unknown device '" + name + "': expected auto, cpu, cuda, cuda:N or mps");
  }

  public static String deviceName(Device device) {
    return device.str().getString();
  }

  /** An int64 tensor on {@code device} holding {@code values}. */
  public static Tensor longTensor(int[] values, TensorOptions longOptions) {
    long[] widened = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      widened[i] = values[i];
    }
    try (LongPointer host = new LongPointer(widened)) {
      return copyToDevice(host, values.length, longOptions, ScalarType.Long);
    }
  }

  /** A bool tensor on {@code device} holding {@code values}. */
  public static Tensor boolTensor(boolean[] values, TensorOptions boolOptions) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) (values[i] ? 1 : 0);
    }
    try (BytePointer host = new BytePointer(bytes)) {
      return copyToDevice(host, values.length, boolOptions, ScalarType.Bool);
    }
  }

  private static Tensor copyToDevice(
      Pointer host, int length, TensorOptions options, ScalarType type) {
    // from_blob does not own the host memory, so copy before it is freed.
    try (TensorOptions hostOptions = new TensorOptions(type);
        Tensor view = torch.from_blob(host, new long[] {length}, hostOptions);
        Device device = options.device();
        MemoryFormatOptional keepFormat = new MemoryFormatOptional()) {
      return view.to(device, type, false, true, keepFormat);
    }
  }

  /** The elements of a float32 tensor of any shape and device, in row-major order. */
  public static float[] toFloatArray(Tensor tensor) {
    try (Device cpu = new Device("cpu");
        Tensor host = tensor.to(cpu, ScalarType.Float);
        Tensor dense = host.contiguous()) {
      float[] out = new float[Math.toIntExact(dense.numel())];
      FloatPointer data = dense.data_ptr_float();
      data.get(out);
      return out;
    }
  }
}
