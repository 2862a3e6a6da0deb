package io.midigpt.training;

import io.midigpt.InvalidArgumentException;
import io.midigpt.engine.model.Owned;
import io.midigpt.engine.model.Torch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.AllreduceOptions;
import org.bytedeco.pytorch.BroadcastOptions;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.FileStore;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.ReduceOp;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Store;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * One process's membership in a data-parallel group over torch.distributed's gloo backend: every
 * process (rank) trains on its own batches and the group keeps their models identical by
 * starting them from the same weights ({@link #broadcast}) and averaging gradients before each
 * optimizer step ({@link #averageGradients}).
 *
 * <p>The ranks meet through a rendezvous: a file path on a file system they all see (a
 * {@code FileStore}; use a fresh path per run, a file left by a crashed run makes the next
 * meeting time out) or {@code host:port} (a {@code TCPStore} that rank 0 serves on that port and
 * the others connect to; {@code [::1]:port} for IPv6). A relative file whose name looks like
 * {@code host:port} must be written {@code ./name:port}. Gloo's own connections bind to the
 * address this host's name resolves to (loopback when it resolves to nothing usable), or to the
 * interfaces named in {@code GLOO_SOCKET_IFNAME} (comma-separated), as in PyTorch.
 *
 * <p>Every method but {@link #rank}, {@link #worldSize} and {@link #close} is a collective: all
 * ranks must call the same methods in the same order, with tensors of the same count, shapes and
 * order (a different count, total size or scalar type is reported on every rank rather than
 * silently mixing values). Not thread-safe. A collective that fails (a peer died or
 * missed the timeout) leaves the ranks out of step, so every later call fails too: close the
 * group and start over.
 */
public final class DataParallelGroup implements AutoCloseable {
  /** Long enough for a slow peer's step (and its first libtorch load), short enough to notice. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

  private static final Pattern HOST_PORT =
      Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+):(\\d{1,5})");

  private final int rank;
  private final int worldSize;
  private final String rendezvous;
  private final Duration timeout;
  /** Store, options, device and group live as long as this object, whatever scope made it. */
  private final Owned owned = new Owned();
  private final ProcessGroupGloo group;
  private String failure;
  private boolean closed;

  /** Joins with {@link #DEFAULT_TIMEOUT}; see {@link #DataParallelGroup(int, int, String, Duration)}. */
  public DataParallelGroup(int rank, int worldSize, String rendezvous) {
    this(rank, worldSize, rendezvous, DEFAULT_TIMEOUT);
  }

  /**
   * Joins the group of {@code worldSize} processes as {@code rank}, blocking until all of them
   * have joined. {@code timeout} bounds the meeting and every later collective.
   */
  public DataParallelGroup(int rank, int worldSize, String rendezvous, Duration timeout) {
    // Checked before any native work so the message names the argument (gloo's own check is a
    // bare "rank < size" enforce failure) and so a FileStore never waits forever on a missing
    // directory.
    if (worldSize < 1) {
      throw new InvalidArgumentException("world size must be at least 1, got " + worldSize);
    }
    if (rank < 0 || rank >= worldSize) {
      throw new InvalidArgumentException(
          "rank must be in 0.." + (worldSize - 1) + " for a world size of " + worldSize
              + ", got " + rank);
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new InvalidArgumentException("timeout must be positive, got " + timeout);
    }
    if (rendezvous == null || rendezvous.isBlank()) {
      throw new InvalidArgumentException(
          "rendezvous must be a shared file path or host:port, got '" + rendezvous + "'");
    }
    this.rank = rank;
    this.worldSize = worldSize;
    this.rendezvous = rendezvous;
    this.timeout = timeout;
    Matcher hostPort = HOST_PORT.matcher(rendezvous);
    Path file = hostPort.matches() ? null : storeFile(rendezvous);
    Torch.init();
    try {
      Milliseconds millis = owned.keep(new Milliseconds(timeout.toMillis()));
      Store store = owned.keep(
          file != null ? new FileStore(file.toString(), worldSize) : tcpStore(hostPort, millis));
      store.setTimeout(millis);
      ProcessGroupGloo.Options options = owned.keep(ProcessGroupGloo.Options.create(millis));
      for (org.bytedeco.pytorch.gloo.Device device : devices()) {
        options.devices().push_back(owned.keep(device));
      }
      group = owned.keep(new ProcessGroupGloo(store, rank, worldSize, options));
    } catch (InvalidArgumentException e) {
      owned.close();
      throw e;
    } catch (RuntimeException e) {
      owned.close();
      String hint = file != null
          ? " (are all " + worldSize + " ranks started with this path? a file left by an earlier"
              + " run also causes this: delete it)"
          : rank == 0 ? "" : " (is rank 0 running and serving this address?)";
      throw new IllegalStateException("rank " + rank + " of " + worldSize
          + " could not join the group at '" + rendezvous + "' within " + timeout.toMillis()
          + " ms: " + nativeMessage(e) + hint, e);
    }
  }

  /** The FileStore's file, checked: libtorch would wait forever on a missing directory. */
  private static Path storeFile(String rendezvous) {
    Path file = Path.of(rendezvous).toAbsolutePath();
    Path dir = file.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new InvalidArgumentException("rendezvous file '" + rendezvous
          + "' is in a directory that does not exist (expected a shared file path or host:port)");
    }
    if (Files.isDirectory(file)) {
      throw new InvalidArgumentException(
          "rendezvous file '" + rendezvous + "' is a directory; name a file inside it");
    }
    return file;
  }

  /** Rank 0 serves the store on the port; every rank (rank 0 too) connects to host:port. */
  private TCPStore tcpStore(Matcher hostPort, Milliseconds millis) {
    int port = Integer.parseInt(hostPort.group(2));
    if (port < 1 || port > 65535) {
      throw new InvalidArgumentException(
          "rendezvous port must be in 1..65535, got " + port + " in '" + rendezvous + "'");
    }
    String host = hostPort.group(1).replace("[", "").replace("]", "");
    try (TCPStoreOptions options = new TCPStoreOptions();
        SizeTPointer workers = new SizeTPointer(1)) {
      options.port((short) port); // bit pattern of the unsigned 16-bit port
      options.isServer(rank == 0);
      options.numWorkers(workers.put(worldSize));
      options.waitWorkers(false); // the group's own rendezvous waits for everyone
      options.timeout(millis);
      return new TCPStore(host, options);
    }
  }

  /** Where gloo binds: PyTorch's GLOO_SOCKET_IFNAME convention, else the host name's address. */
  private static List<org.bytedeco.pytorch.gloo.Device> devices() {
    String interfaces = System.getenv("GLOO_SOCKET_IFNAME");
    List<org.bytedeco.pytorch.gloo.Device> devices = new ArrayList<>();
    try {
      if (interfaces == null || interfaces.isBlank()) {
        devices.add(ProcessGroupGloo.createDefaultDevice());
      } else {
        for (String name : interfaces.split(",")) {
          devices.add(ProcessGroupGloo.createDeviceForInterface(name.trim()));
        }
      }
    } catch (RuntimeException e) {
      throw new InvalidArgumentException("no usable network interface for gloo"
          + (interfaces == null ? "" : " (GLOO_SOCKET_IFNAME=" + interfaces + ")") + ": "
          + nativeMessage(e), e);
    }
    return devices;
  }

  public int rank() {
    return rank;
  }

  public int worldSize() {
    return worldSize;
  }

  /**
   * Replaces every parameter's gradient by its mean over the ranks. A parameter without a
   * gradient counts as zeros and receives the mean if any rank had one (so the optimizer updates
   * it identically everywhere); it stays without one if no rank had one.
   */
  public void averageGradients(Collection<Tensor> params) {
    List<Tensor> list = tensors(params, "params");
    try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
      ScalarType type = commonType(list, "parameters");
      long elements = 0;
      List<Tensor> grads = new ArrayList<>();
      for (Tensor p : list) {
        Tensor grad = p.grad();
        if (grad.defined() && grad.is_sparse()) {
          throw new InvalidArgumentException("sparse gradients are not supported");
        }
        grads.add(grad);
        elements += p.numel();
      }
      requireSameEverywhere("gradients", list.size(), elements, type);
      if (list.isEmpty()) {
        return;
      }
      // One buffer and one all-reduce for all gradients: a collective per parameter would pay
      // gloo's round trips once per tensor. After the gradients, one flag per parameter counts
      // the ranks that had a gradient for it. The buffer lives on the CPU, where gloo works.
      Device cpu = new Device("cpu");
      TensorOptions zeros = new TensorOptions(type);
      TensorVector parts = new TensorVector();
      float[] hadGradient = new float[list.size()];
      for (int i = 0; i < list.size(); i++) {
        Tensor grad = grads.get(i);
        hadGradient[i] = grad.defined() ? 1 : 0;
        parts.push_back(grad.defined()
            ? grad.reshape(-1).to(cpu, type)
            : torch.zeros(new long[] {list.get(i).numel()}, zeros));
      }
      FloatPointer flagValues = new FloatPointer(hadGradient);
      parts.push_back(torch.from_blob(flagValues, new long[] {list.size()},
          new TensorOptions(ScalarType.Float)).to(type));
      Tensor flat = torch.cat(parts);
      allReduce("gradient all-reduce", flat, ReduceOp.RedOpType.SUM);
      flat.div_(new Scalar((double) worldSize));
      FloatPointer anyRank =
          flat.narrow(0, elements, list.size()).to(ScalarType.Float).data_ptr_float();
      long offset = 0;
      for (int i = 0; i < list.size(); i++) {
        Tensor p = list.get(i);
        Tensor mean = flat.narrow(0, offset, p.numel()).view_as(p);
        offset += p.numel();
        if (grads.get(i).defined()) {
          grads.get(i).copy_(mean);
        } else if (anyRank.get(i) > 0) {
          p.mutable_grad().put(torch.zeros_like(p).copy_(mean));
        }
      }
    }
  }

  /** Overwrites {@code tensors} on every rank with rank {@code root}'s values. */
  public void broadcast(Collection<Tensor> tensors, int root) {
    if (root < 0 || root >= worldSize) {
      throw new InvalidArgumentException(
          "broadcast root must be in 0.." + (worldSize - 1) + ", got " + root);
    }
    List<Tensor> list = tensors(tensors, "tensors");
    // Parameters are leaves that require gradients; writing them in place must not be recorded.
    try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
      ScalarType type = commonType(list, "tensors");
      long elements = list.stream().mapToLong(Tensor::numel).sum();
      requireSameEverywhere("broadcast tensors", list.size(), elements, type);
      if (list.isEmpty()) {
        return;
      }
      Device cpu = new Device("cpu");
      TensorVector parts = new TensorVector();
      for (Tensor t : list) {
        parts.push_back(t.reshape(-1).to(cpu, type));
      }
      Tensor flat = torch.cat(parts);
      try (BroadcastOptions options = new BroadcastOptions()) {
        options.rootRank(root);
        run("broadcast", () -> group.broadcast(new TensorVector(flat), options));
      }
      if (rank != root) {
        long offset = 0;
        for (Tensor t : list) {
          t.copy_(flat.narrow(0, offset, t.numel()).view_as(t));
          offset += t.numel();
        }
      }
    }
  }

  /** The sum of {@code value} over the ranks, in double precision (exact for counts to 2^53). */
  public double allReduceSum(double value) {
    requireUsable();
    try (PointerScope scope = new PointerScope()) {
      DoublePointer sum = new DoublePointer(value);
      Tensor shared = torch.from_blob(sum, new long[] {1}, new TensorOptions(ScalarType.Double));
      allReduce("sum", shared, ReduceOp.RedOpType.SUM);
      return sum.get();
    }
  }

  /** Returns once every rank has called it. */
  public void barrier() {
    try (PointerScope scope = new PointerScope()) {
      run("barrier", group::barrier);
    }
  }

  /**
   * Leaves the group. Peers still inside a collective may then see a connection error, so call
   * {@link #barrier()} first when the ranks finish together.
   */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      owned.close();
    }
  }

  /**
   * Compares (count, elements, type) across ranks with one tiny max-reduction of each value and
   * its negation, so a rank whose tensors differ fails with a message instead of gloo mixing
   * buffers of different lengths (which gives wrong sums on one rank and a timeout on another).
   */
  private void requireSameEverywhere(String what, long count, long elements, ScalarType type) {
    long code = type == null ? -1 : type.value;
    long[] mine = {count, elements, code};
    try (LongPointer extremes =
        new LongPointer(count, elements, code, -count, -elements, -code)) {
      Tensor shared =
          torch.from_blob(extremes, new long[] {6}, new TensorOptions(ScalarType.Long));
      allReduce(what + " check", shared, ReduceOp.RedOpType.MAX);
      for (int i = 0; i < 3; i++) {
        long max = extremes.get(i);
        long min = -extremes.get(i + 3);
        if (min != max) {
          String[] names = {"tensor count", "element count", "scalar type code"};
          throw new InvalidArgumentException(what + " differ across ranks: " + names[i]
              + " ranges over " + min + ".." + max + " (this rank, " + rank + ", has " + mine[i]
              + "); every rank must pass the same tensors in the same order");
        }
      }
    }
  }

  private void allReduce(String operation, Tensor tensor, ReduceOp.RedOpType op) {
    try (ReduceOp reduceOp = new ReduceOp(op); AllreduceOptions options = new AllreduceOptions()) {
      options.reduceOp(reduceOp);
      run(operation, () -> group.allreduce(new TensorVector(tensor), options));
    }
  }

  /** Starts a collective and waits for it; gloo enforces the group's timeout. */
  private void run(String operation, Supplier<Work> collective) {
    requireUsable();
    try {
      collective.get()._wait();
    } catch (RuntimeException e) {
      String reason = nativeMessage(e);
      boolean timedOut = reason.toLowerCase(Locale.ROOT).contains("timed out")
          || reason.toLowerCase(Locale.ROOT).contains("timeout");
      failure = operation + " on rank " + rank + " of " + worldSize
          + (timedOut ? " timed out after " + timeout.toMillis() + " ms (a peer is missing,"
              + " stuck, or at a different step)" : " failed (a peer probably exited)")
          + ": " + reason;
      throw new IllegalStateException(failure, e);
    }
  }

  private void requireUsable() {
    if (closed) {
      throw new IllegalStateException("the data-parallel group is closed");
    }
    if (failure != null) {
      throw new IllegalStateException("an earlier collective failed, so the ranks are out of"
          + " step; close the group and start again (" + failure + ")");
    }
  }

  private static List<Tensor> tensors(Collection<Tensor> tensors, String name) {
    if (tensors == null) {
      throw new InvalidArgumentException(name + " must not be null");
    }
    List<Tensor> list = new ArrayList<>(tensors);
    for (Tensor t : list) {
      if (t == null || t.isNull() || !t.defined()) {
        throw new InvalidArgumentException(name + " must not contain null or undefined tensors");
      }
    }
    return list;
  }

  /** The one scalar type of all tensors (null when there are none); the buffer has that type. */
  private static ScalarType commonType(List<Tensor> tensors, String name) {
    ScalarType type = null;
    for (Tensor t : tensors) {
      ScalarType own = t.scalar_type();
      // Compared by code: the enum constants the bindings return are not always the same
      // instances.
      if (type != null && own.value != type.value) {
        throw new InvalidArgumentException(
            name + " must share one scalar type, found " + type + " and " + own);
      }
      type = own;
    }
    return type;
  }

  /** libtorch's message without the C++ stack trace it appends. */
  private static String nativeMessage(RuntimeException e) {
    String message = String.valueOf(e.getMessage());
    int end = message.indexOf('\n');
    return (end < 0 ? message : message.substring(0, end)).trim();
  }
}
