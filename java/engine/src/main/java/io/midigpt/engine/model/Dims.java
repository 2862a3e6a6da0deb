package io.midigpt.engine.model;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.LongArrayRef;

/**
 * A native long array handed to libtorch as an {@code IntArrayRef}. Decode re-strides views
 * every step; updating these in place avoids copying a Java array into native memory per call.
 */
final class Dims {
  private final LongPointer data;
  final LongArrayRef ref;

  Dims(Owned owned, long... values) {
    data = owned.keep(new LongPointer(values));
    ref = owned.keep(new LongArrayRef(data, values.length));
  }

  void set(int index, long value) {
    data.put(index, value);
  }
}
