package io.midigpt.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.midigpt.InvalidArgumentException;
import io.midigpt.InvalidConfigException;
import io.midigpt.InvalidMidiException;
import io.midigpt.InvalidScoreException;
import io.midigpt.InvalidTokensException;
import io.midigpt.MidigptException;
import io.midigpt.NativeException;
import io.midigpt.RequestValidationException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every error code of the core maps to its domain exception, with the code prefix removed. */
class NativeCallsTest {
  static Stream<Arguments> codes() {
    return Stream.of(
        Arguments.of("InvalidMidi", InvalidMidiException.class),
        Arguments.of("InvalidConfig", InvalidConfigException.class),
        Arguments.of("InvalidScore", InvalidScoreException.class),
        Arguments.of("InvalidTokens", InvalidTokensException.class),
        Arguments.of("InvalidArgument", InvalidArgumentException.class),
        Arguments.of("InvalidRequest", RequestValidationException.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("codes")
  void codesMapToDomainExceptions(String code, Class<? extends MidigptException> type) {
    MidigptException error =
        NativeCalls.translate(new RuntimeException(code + ": tracks[1].bars: bar 9 is outside"));
    assertInstanceOf(type, error);
    assertEquals("tracks[1].bars: bar 9 is outside", error.getMessage());
  }

  @Test
  void otherMessagesAreNativeExceptions() {
    assertInstanceOf(
        NativeException.class, NativeCalls.translate(new RuntimeException("std::bad_alloc")));
    assertInstanceOf(
        NativeException.class, NativeCalls.translate(new RuntimeException("Invalid: x")));
  }
}
