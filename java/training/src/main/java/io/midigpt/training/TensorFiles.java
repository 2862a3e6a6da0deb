package io.midigpt.training;

import io.midigpt.InvalidCheckpointException;
import io.midigpt.engine.model.SafeTensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Moves named tensors between libtorch and safetensors files. */
final class TensorFiles {
  private TensorFiles() {}

  /** Safetensors entries holding copies of {@code tensors}, stored as {@code dtype}. */
  static List<SafeTensors.Entry> entries(Map<String, Tensor> tensors, SafeTensors.DType dtype) {
    ScalarType type = switch (dtype) {
      case F32 -> ScalarType.Float;
      case F16 -> ScalarType.Half;
      case BF16 -> ScalarType.BFloat16;
      default -> throw new IllegalArgumentException("unsupported dtype " + dtype);
    };
    List<SafeTensors.Entry> entries = new ArrayList<>(tensors.size());
    try (NoGradGuard guard = new NoGradGuard(); Device cpu = new Device("cpu")) {
      for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
        Tensor source = e.getValue();
        try (Tensor host = source.detach().to(cpu, type).contiguous()) {
          long bytes = host.nbytes();
          ByteBuffer copy = ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
          BytePointer data = new BytePointer(host.data_ptr()).capacity(bytes);
          copy.put(data.asByteBuffer());
          copy.flip();
          List<Long> shape = new ArrayList<>();
          for (long d : source.sizes().vec().get()) {
            shape.add(d);
          }
          entries.add(new SafeTensors.Entry(e.getKey(), dtype, shape, copy));
        }
      }
    }
    return entries;
  }

  /** Copies every tensor of {@code into} from the file's tensor of the same name and shape. */
  static void copyInto(SafeTensors file, Map<String, Tensor> into, String what) {
    try (NoGradGuard guard = new NoGradGuard()) {
      for (Map.Entry<String, Tensor> e : into.entrySet()) {
        SafeTensors.TensorInfo info = file.tensors().get(e.getKey());
        if (info == null) {
          throw new InvalidCheckpointException(
              file.path() + ": " + what + " has no tensor '" + e.getKey() + "'");
        }
        long[] shape = e.getValue().sizes().vec().get();
        if (!java.util.Arrays.equals(shape, info.shapeArray())) {
          throw new InvalidCheckpointException(file.path() + ": '" + e.getKey() + "' has shape "
              + info.shape() + ", expected " + java.util.Arrays.toString(shape));
        }
        ScalarType stored = switch (info.dtype()) {
          case F32 -> ScalarType.Float;
          case F16 -> ScalarType.Half;
          case BF16 -> ScalarType.BFloat16;
          default -> throw new InvalidCheckpointException(
              file.path() + ": '" + e.getKey() + "' has unsupported dtype " + info.dtype());
        };
        try (BytePointer data = new BytePointer(file.data(e.getKey()));
            TensorOptions options = new TensorOptions(stored);
            Tensor mapped = torch.from_blob(data, shape, options)) {
          e.getValue().copy_(mapped);
        }
      }
    }
  }
}
