package io.midigpt.engine.model;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Pointer;

/**
 * Native objects that outlive the call that made them (weights, caches, preallocated buffers and
 * views), released together. Keeping one reference each makes them survive any
 * {@link org.bytedeco.javacpp.PointerScope} that was open when they were created, whether the
 * engine's own or a caller's.
 */
public final class Owned implements AutoCloseable {
  private final List<Pointer> pointers = new ArrayList<>();

  public <P extends Pointer> P keep(P pointer) {
    pointer.retainReference();
    pointers.add(pointer);
    return pointer;
  }

  @Override
  public void close() {
    for (int i = pointers.size() - 1; i >= 0; i--) {
      pointers.get(i).releaseReference();
    }
    pointers.clear();
  }
}
