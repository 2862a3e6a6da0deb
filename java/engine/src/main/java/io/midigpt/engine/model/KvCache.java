package io.midigpt.engine.model;

import io.midigpt.InvalidArgumentException;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The keys and values of every layer for one token sequence, on the model's device.
 *
 * <p>Storage is one preallocated tensor {@code [n_layer, 2, n_head, capacity, head_dim]} that
 * grows by doubling (up to {@code n_positions}), so appending a token is a copy into place
 * rather than a concatenation. {@link #truncate} and {@link #copy} support retries;
 * {@link #nullPositions} reproduces the reference's {@code kv_null_positions}. Not thread-safe;
 * close it to free its memory.
 */
public final class KvCache implements AutoCloseable {
  /** Capacities are multiples of this. */
  private static final int MIN_CAPACITY = 64;
  /** What the reference writes into hidden keys: large but finite (spec §12 item 20). */
  private static final double NULL_KEY = -1e4;

  private final Gpt2Model model;
  private final int layers;
  private final int heads;
  private final int headDim;
  private final int maxLength;
  private final Owned common = new Owned();
  private final Dims keySize;
  private final Dims keyStride;
  private final Dims valueSize;
  private final Dims valueStride;
  private final Dims slotSize;
  private final Dims slotStride;
  private final LongOptional offset;

  private Owned storage = new Owned();
  private Tensor kv;
  private Tensor[] slots = new Tensor[0];
  private Tensor[] keyViews = new Tensor[0];
  private Tensor[] valueViews = new Tensor[0];
  private int capacity;
  private int length;
  private boolean closed;

  KvCache(Gpt2Model model, int initialCapacity) {
    Gpt2Config config = model.config();
    this.model = model;
    this.layers = config.nLayer();
    this.heads = config.nHead();
    this.headDim = config.headDim();
    this.maxLength = config.nPositions();
    keySize = new Dims(common, 0, headDim);
    keyStride = new Dims(common, headDim, 1);
    valueSize = new Dims(common, headDim, 0);
    valueStride = new Dims(common, 1, headDim);
    slotSize = new Dims(common, 2, heads, headDim);
    slotStride = new Dims(common, 0, 0, 1);
    offset = common.keep(new LongOptional(0));
    if (initialCapacity > 0) {
      try (InferenceMode guard = new InferenceMode();
          PointerScope scope = new PointerScope()) {
        reallocate(Math.min(maxLength, initialCapacity));
      }
    }
  }

  /** Cached tokens. */
  public int length() {
    return length;
  }

  /** Tokens that fit before the storage must grow. */
  public int capacity() {
    return capacity;
  }

  /** The most tokens this cache can hold: the model's {@code n_positions}. */
  public int maxLength() {
    return maxLength;
  }

  /** Forgets every token from {@code newLength} on (keeps the storage). */
  public void truncate(int newLength) {
    checkOpen();
    if (newLength < 0 || newLength > length) {
      throw new InvalidArgumentException(
          "cannot truncate a cache of " + length + " tokens to " + newLength);
    }
    length = newLength;
  }

  /** An independent cache with the same tokens, for trying a continuation and rolling back. */
  public KvCache copy() {
    checkOpen();
    KvCache copy = new KvCache(model, capacity);
    if (length > 0) {
      try (InferenceMode guard = new InferenceMode();
          PointerScope scope = new PointerScope()) {
        copy.kv.narrow(3, 0, length).copy_(kv.narrow(3, 0, length));
      }
    }
    copy.length = length;
    return copy;
  }

  /**
   * Hides cached positions {@code [start, end)} from later queries the way the reference's
   * {@code attention_approx} mode does: keys become -1e4 and values 0 in every layer and head.
   * Because -1e4 is finite, such a key still scores {@code -1e4·Σq/√d}, which is large and
   * positive for queries with a negative sum; that quirk is the reference's behaviour.
   */
  public void nullPositions(int start, int end) {
    checkOpen();
    if (start < 0 || end < start || end > length) {
      throw new InvalidArgumentException(
          "null positions [" + start + ", " + end + ") outside the cache's " + length
              + " tokens");
    }
    if (start == end) {
      return;
    }
    try (InferenceMode guard = new InferenceMode();
        PointerScope scope = new PointerScope()) {
      Tensor span = kv.narrow(3, start, end - start);
      span.select(1, 0).fill_(new Scalar(NULL_KEY));
      span.select(1, 1).fill_(new Scalar(0.0));
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      storage.close();
      common.close();
      kv = null;
    }
  }

  // ---- used by Gpt2Model, inside its InferenceMode and PointerScope ----

  Gpt2Model model() {
    return model;
  }

  boolean isClosed() {
    return closed;
  }

  void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the KV cache is closed");
    }
    if (model.isClosed()) {
      throw new IllegalStateException("the KV cache's model is closed");
    }
  }

  /** Grows the storage (doubling) so that {@code needed <= maxLength()} tokens fit. */
  void ensureCapacity(int needed) {
    if (needed > capacity) {
      int grown = Math.max(needed, Math.max(MIN_CAPACITY, 2 * capacity));
      reallocate(Math.min(maxLength, (grown + MIN_CAPACITY - 1) / MIN_CAPACITY * MIN_CAPACITY));
    }
  }

  void setLength(int length) {
    this.length = length;
  }

  /** Layer {@code layer}'s keys, {@code [n_head, capacity, head_dim]}. */
  Tensor keys(int layer) {
    return kv.select(0, layer).select(0, 0);
  }

  /** Layer {@code layer}'s values, {@code [n_head, capacity, head_dim]}. */
  Tensor values(int layer) {
    return kv.select(0, layer).select(0, 1);
  }

  /**
   * Re-strides the persistent decode views for a step that writes cache entry {@code index} and
   * then attends over {@code index + 1} keys: no tensor is allocated.
   */
  void prepareDecode(int index) {
    int total = index + 1;
    keySize.set(0, total);
    valueSize.set(1, total);
    for (int l = 0; l < layers; l++) {
      slots[l].as_strided_(slotSize.ref, slotStride.ref, offset.put(base(l, 0, 0)
          + (long) index * headDim));
      for (int h = 0; h < heads; h++) {
        keyViews[l * heads + h].as_strided_(keySize.ref, keyStride.ref, offset.put(base(l, 0, h)));
        valueViews[l * heads + h].as_strided_(
            valueSize.ref, valueStride.ref, offset.put(base(l, 1, h)));
      }
    }
  }

  /** Where the new token's key and value go: {@code [2, n_head, head_dim]}. */
  Tensor slot(int layer) {
    return slots[layer];
  }

  /** One head's keys {@code [length, head_dim]} as set by {@link #prepareDecode}. */
  Tensor keyView(int layer, int head) {
    return keyViews[layer * heads + head];
  }

  /** One head's values transposed, {@code [head_dim, length]}, as set by {@link #prepareDecode}. */
  Tensor valueViewT(int layer, int head) {
    return valueViews[layer * heads + head];
  }

  private long base(int layer, int kind, int head) {
    return (((long) layer * 2 + kind) * heads + head) * capacity * headDim;
  }

  private void reallocate(int newCapacity) {
    Owned next = new Owned();
    Tensor grown = next.keep(torch.empty(
        new long[] {layers, 2, heads, newCapacity, headDim}, model.floatOptions(),
        model.anyFormat()));
    if (length > 0) {
      grown.narrow(3, 0, length).copy_(kv.narrow(3, 0, length));
    }
    storage.close();
    storage = next;
    kv = grown;
    capacity = newCapacity;
    slotStride.set(0, (long) heads * capacity * headDim);
    slotStride.set(1, (long) capacity * headDim);
    slots = new Tensor[layers];
    keyViews = new Tensor[layers * heads];
    valueViews = new Tensor[layers * heads];
    for (int l = 0; l < layers; l++) {
      slots[l] = next.keep(kv.as_strided(slotSize.ref, slotStride.ref, offset.put(base(l, 0, 0))));
      for (int h = 0; h < heads; h++) {
        keyViews[l * heads + h] =
            next.keep(kv.as_strided(keySize.ref, keyStride.ref, offset.put(base(l, 0, h))));
        valueViews[l * heads + h] =
            next.keep(kv.as_strided(valueSize.ref, valueStride.ref, offset.put(base(l, 1, h))));
      }
    }
  }
}
