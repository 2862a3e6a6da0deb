package io.midigpt.bridge;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.ByVal;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Namespace;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.StdString;

/**
 * JavaCPP mapping of {@code native/include/midigpt/bridge.hpp}. Not public API: callers go
 * through {@link NativeCalls}, which copies results out, frees them and translates errors.
 */
@Platform(include = "midigpt/bridge.hpp", link = "midigpt_core")
@Namespace("midigpt::bridge")
public final class MidigptNative {
  static {
    Loader.load();
  }

  private MidigptNative() {}

  /** An owned native int32 buffer. */
  @Name("IntArray")
  public static class IntArray extends Pointer {
    static {
      Loader.load();
    }

    public IntArray(Pointer pointer) {
      super(pointer);
    }

    public native long size();

    public native @Const IntPointer data();
  }

  /** An owned native byte buffer. */
  @Name("ByteArray")
  public static class ByteArray extends Pointer {
    static {
      Loader.load();
    }

    public ByteArray(Pointer pointer) {
      super(pointer);
    }

    public native long size();

    public native @Const @Cast("const signed char*") BytePointer data();
  }

  /** A native tokenizer for one encoder config. */
  @Name("TokenizerHandle")
  public static class TokenizerHandle extends Pointer {
    static {
      Loader.load();
    }

    public TokenizerHandle(String configJson) {
      allocate(configJson);
    }

    private native void allocate(@StdString String configJson);

    public native @StdString String configJson();

    public native @StdString String describeJson();

    public native @ByVal IntArray encode(
        int[] score, long scoreLength, int[] options, long optionsLength, boolean computeAttributes);

    public native @ByVal IntArray encodeMidi(
        @Cast("const signed char*") byte[] bytes,
        long length,
        int firstBars,
        int[] options,
        long optionsLength);

    public native @ByVal IntArray decode(int[] tokens, long length, boolean referenceQuirks);

    public native @ByVal IntArray normalizeInput(int[] score, long length);

    public native @ByVal IntArray normalizeOutput(int[] score, long length);

    public native @ByVal IntArray annotate(int[] score, long length);

    public native @ByVal IntArray grammarMasks(int[] tokens, long length);
  }

  /**
   * One generation run: Java runs the model and calls {@link #next} once per token. Status and
   * field layouts are the constants documented in bridge.hpp ({@code kStepInfoFields},
   * {@code kSessionProgressFields}, {@code kDraftNoteFields}).
   */
  @Name("SessionHandle")
  public static class SessionHandle extends Pointer {
    static {
      Loader.load();
    }

    public SessionHandle(
        String configJson, int[] score, long scoreLength, String requestJson, int contextLength) {
      allocate(configJson, score, scoreLength, requestJson, contextLength);
    }

    private native void allocate(
        @StdString String configJson,
        @Const int[] score,
        long scoreLength,
        @StdString String requestJson,
        int contextLength);

    public native @ByVal IntArray promptIds();

    public native @ByVal IntArray inputIds();

    public native @ByVal IntArray positionIds();

    public native @ByVal IntArray keyMask();

    public native @ByVal IntArray stepInfo();

    public native float temperature();

    /**
     * Samples from {@code logits}, which the core overwrites in place: pass a pointer onto the
     * logits tensor's own storage ({@code tensor.data_ptr_float()}) so nothing is copied.
     */
    public native int next(FloatPointer logits, long length);

    public native int status();

    public native @ByVal IntArray result();

    public native @ByVal IntArray progress();

    public native @ByVal IntArray draftNotes();

    public native @StdString String failure();

    public native @StdString String warningsJson();

    public native void cancel();
  }

  public static native @ByVal IntArray readMidi(
      @Cast("const signed char*") byte[] bytes, long length, int resolution);

  public static native @ByVal ByteArray writeMidi(int[] score, long length);

  public static native @StdString String attributeKeysJson();

  public static native @StdString String maskPresetsJson();
}
