package io.midigpt.training;

import io.midigpt.InvalidArgumentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A child process for {@link DataParallelGroupTest}: one rank of a two-process group. It gives
 * its parameters rank-dependent weights and gradients, broadcasts, averages and sums, and writes
 * what it ends up with as a properties file for the parent to check. Arguments: rank, world
 * size, rendezvous, output file.
 */
public final class DataParallelRank {
  private DataParallelRank() {}

  public static void main(String[] args) throws Exception {
    int rank = Integer.parseInt(args[0]);
    Path out = Path.of(args[3]);
    Properties results = new Properties();
    // Generous: the two JVMs may load libtorch at very different speeds on a busy machine.
    try (DataParallelGroup group = new DataParallelGroup(
        rank, Integer.parseInt(args[1]), args[2], Duration.ofSeconds(120))) {
      // Weights differ per rank until the broadcast; w3 gets a gradient on rank 0 only, w4 on
      // no rank.
      float r = rank;
      Tensor w1 = parameter(new float[] {r, 1 + 2 * r, 2 + 3 * r, 3 + 4 * r, 4 + 5 * r, 5 + 6 * r},
          2, 3);
      Tensor w2 = parameter(new float[] {10 + r, 20 + r, 30 + r, 40 + r}, 4);
      Tensor w3 = parameter(new float[] {r, r, r, r, r}, 5);
      Tensor w4 = parameter(new float[] {7 * r, 8 * r}, 2);
      List<Tensor> params = List.of(w1, w2, w3, w4);
      group.broadcast(params, 0);
      record(results, "weights", params);

      float s = rank + 1;
      w1.mutable_grad().put(values(new float[] {s, 2 * s, 3 * s, 4 * s, 5 * s, 6 * s}, 2, 3));
      w2.mutable_grad().put(rank == 0 ? values(new float[] {1, 2, 3, 4}, 4)
          : values(new float[] {3, 4, 5, 6}, 4));
      if (rank == 0) {
        w3.mutable_grad().put(values(new float[] {2, 4, 6, 8, 10}, 5));
      }
      group.averageGradients(params);
      List<Tensor> grads = params.stream().map(Tensor::grad).toList();
      record(results, "grads", grads);

      results.setProperty("sum", Double.toString(group.allReduceSum(rank + 0.25)));

      try {
        group.averageGradients(rank == 0 ? List.of(w1, w2) : List.of(w1));
        results.setProperty("mismatch", "not detected");
      } catch (InvalidArgumentException e) {
        results.setProperty("mismatch", e.getMessage());
      }
      // A detected mismatch leaves the ranks in step: the group still works.
      results.setProperty("sumAfterMismatch", Double.toString(group.allReduceSum(1)));
      group.barrier();
    }
    Path partial = out.resolveSibling(out.getFileName() + ".partial");
    try (var writer = Files.newBufferedWriter(partial)) {
      results.store(writer, null);
    }
    Files.move(partial, out, StandardCopyOption.ATOMIC_MOVE);
  }

  private static Tensor values(float[] data, long... shape) {
    FloatPointer host = new FloatPointer(data);
    return torch.from_blob(host, shape, new TensorOptions(ScalarType.Float)).clone();
  }

  private static Tensor parameter(float[] data, long... shape) {
    return values(data, shape).requires_grad_(true);
  }

  /** Each tensor as comma-separated floats, or "undefined", under prefix.index. */
  private static void record(Properties results, String prefix, List<Tensor> tensors) {
    for (int i = 0; i < tensors.size(); i++) {
      Tensor t = tensors.get(i);
      String text = "undefined";
      if (t.defined()) {
        Tensor flat = t.detach().reshape(-1).contiguous();
        FloatPointer data = flat.data_ptr_float();
        StringBuilder joined = new StringBuilder();
        for (long j = 0; j < flat.numel(); j++) {
          joined.append(j == 0 ? "" : ",").append(data.get(j));
        }
        text = joined.toString();
      }
      results.setProperty(prefix + "." + (i + 1), text);
    }
  }
}
