package io.midigpt.bridge;

import io.midigpt.InvalidArgumentException;
import io.midigpt.InvalidConfigException;
import io.midigpt.InvalidMidiException;
import io.midigpt.InvalidScoreException;
import io.midigpt.InvalidTokensException;
import io.midigpt.MidigptException;
import io.midigpt.NativeException;
import io.midigpt.RequestValidationException;
import java.util.function.Supplier;

/**
 * Runs native calls: copies owned results into Java arrays, frees the native memory at once,
 * and turns the core's error messages ("InvalidMidi: ...") into domain exceptions.
 */
public final class NativeCalls {
  private NativeCalls() {}

  /** Calls {@code call}, returns its int32 result as a Java array. */
  public static int[] ints(Supplier<MidigptNative.IntArray> call) {
    try (MidigptNative.IntArray result = translated(call)) {
      int[] values = new int[Math.toIntExact(result.size())];
      if (values.length > 0) {
        result.data().capacity(values.length).get(values);
      }
      return values;
    }
  }

  /** Calls {@code call}, returns its byte result as a Java array. */
  public static byte[] bytes(Supplier<MidigptNative.ByteArray> call) {
    try (MidigptNative.ByteArray result = translated(call)) {
      byte[] values = new byte[Math.toIntExact(result.size())];
      if (values.length > 0) {
        result.data().capacity(values.length).get(values);
      }
      return values;
    }
  }

  /** Calls {@code call}, translating native errors. */
  public static <T> T translated(Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      // JavaCPP reports a C++ exception as a plain RuntimeException; anything more specific was
      // raised on the Java side and passes through.
      if (e.getClass() != RuntimeException.class) {
        throw e;
      }
      throw translate(e);
    }
  }

  /** The domain exception for a native error message of the form "Code: detail". */
  static MidigptException translate(RuntimeException nativeError) {
    String message = String.valueOf(nativeError.getMessage());
    int colon = message.indexOf(": ");
    String code = colon > 0 ? message.substring(0, colon) : "";
    String detail = colon > 0 ? message.substring(colon + 2) : message;
    switch (code) {
      case "InvalidMidi":
        return new InvalidMidiException(detail);
      case "InvalidConfig":
        return new InvalidConfigException(detail);
      case "InvalidScore":
        return new InvalidScoreException(detail);
      case "InvalidTokens":
        return new InvalidTokensException(detail);
      case "InvalidArgument":
        return new InvalidArgumentException(detail);
      case "InvalidRequest":
        return new RequestValidationException(detail);
      default:
        return new NativeException(message, nativeError);
    }
  }
}
