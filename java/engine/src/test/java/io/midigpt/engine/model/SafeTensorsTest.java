package io.midigpt.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.midigpt.InvalidArgumentException;
import io.midigpt.InvalidCheckpointException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafeTensorsTest {
  @TempDir Path dir;

  /** Every tensor of a file, copied to the heap, in file order. */
  static List<SafeTensors.Entry> entries(SafeTensors file) {
    List<SafeTensors.Entry> out = new ArrayList<>();
    for (SafeTensors.TensorInfo info : file.tensors().values()) {
      ByteBuffer copy = ByteBuffer.allocate((int) info.byteSize());
      copy.put(file.data(info.name())).flip();
      out.add(new SafeTensors.Entry(info.name(), info.dtype(), info.shape(), copy));
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"f32", "f16", "bf16"})
  void rewritingTheFixtureReproducesItByteForByte(String dtype) {
    Path source = ModelFixture.checkpoint(dtype);
    Path copy = dir.resolve("copy.safetensors");
    try (SafeTensors file = SafeTensors.open(source)) {
      assertEquals(
          ModelFixture.expected().get("checkpoints").get(dtype).get("header_len").asLong(),
          Files.size(source) - 8 - file.tensors().values().stream()
              .mapToLong(SafeTensors.TensorInfo::byteSize).sum());
      List<SafeTensors.Entry> tensors = entries(file);
      java.util.Collections.reverse(tensors); // the writer must not depend on the given order
      SafeTensors.write(copy, file.metadata(), tensors);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    assertArrayEquals(ModelFixture.bytes(source), ModelFixture.bytes(copy));
  }

  @Test
  void readsTheFixtureTableAndMetadata() {
    try (SafeTensors file = SafeTensors.open(ModelFixture.checkpoint("f32"))) {
      var expected = ModelFixture.expected();
      assertEquals(expected.get("tensors").size(), file.tensors().size());
      for (var t : expected.get("tensors")) {
        SafeTensors.TensorInfo info = file.tensor(t.get("name").asText());
        assertEquals(SafeTensors.DType.F32, info.dtype());
        assertEquals(t.get("data_offsets").get(0).asLong(), info.begin());
        assertEquals(t.get("data_offsets").get(1).asLong(), info.end());
        ByteBuffer data = file.data(info.name());
        assertEquals((float) t.get("first4").get(0).asDouble(), data.getFloat(0));
        // Conv1D layout check: element [0][1] is in=0, out=1, stored row-major.
        if (info.shape().size() == 2) {
          assertEquals((float) t.get("element_0_1").asDouble(), data.getFloat(4));
          assertEquals((float) t.get("element_1_0").asDouble(),
              data.getFloat(4 * info.shape().get(1).intValue()));
        }
      }
      Map<String, String> metadata = new LinkedHashMap<>();
      expected.get("metadata").properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asText()));
      assertEquals(metadata, file.metadata());
    }
  }

  @Test
  void writeThenReadRoundTripsMixedDtypes() {
    ByteBuffer f32 = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 6; i++) {
      f32.putFloat(i * 0.5f);
    }
    f32.flip();
    ByteBuffer f16 = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
    f16.putShort((short) 0x3c00).putShort((short) 0xc000).putShort((short) 0x0000).flip();
    ByteBuffer i64 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    i64.putLong(-7).putLong(1L << 40).flip();
    List<SafeTensors.Entry> tensors = List.of(
        new SafeTensors.Entry("b.half", SafeTensors.DType.F16, List.of(3L), f16),
        new SafeTensors.Entry("a.float", SafeTensors.DType.F32, List.of(2L, 3L), f32),
        new SafeTensors.Entry("c.long", SafeTensors.DType.I64, List.of(2L), i64),
        new SafeTensors.Entry("empty", SafeTensors.DType.F32, List.of(0L, 4L),
            ByteBuffer.allocate(0)));
    Map<String, String> metadata = Map.of("format_version", "2", "note", "ünïcode ✓");
    Path path = dir.resolve("mixed.safetensors");
    SafeTensors.write(path, metadata, tensors);
    SafeTensors.write(path, metadata, tensors); // overwriting an existing file is fine too
    try (SafeTensors file = SafeTensors.open(path)) {
      assertEquals(metadata, file.metadata());
      // The Rust writer's order: widest dtype first, then by name.
      assertEquals(List.of("c.long", "a.float", "empty", "b.half"),
          List.copyOf(file.tensors().keySet()));
      for (SafeTensors.Entry entry : tensors) {
        SafeTensors.TensorInfo info = file.tensor(entry.name());
        assertEquals(entry.dtype(), info.dtype());
        assertEquals(entry.shape(), info.shape());
        assertEquals(entry.data(), file.data(entry.name()));
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(path), files.toList(), "no temporary file may be left behind");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void writeRejectsDataThatDoesNotMatchTheShape() {
    var error = assertThrows(InvalidArgumentException.class, () -> SafeTensors.write(
        dir.resolve("x.safetensors"), Map.of(),
        List.of(new SafeTensors.Entry("w", SafeTensors.DType.F32, List.of(3L),
            ByteBuffer.allocate(8)))));
    assertTrue(error.getMessage().contains("'w' has 8 bytes but shape [3] of F32 needs 12"),
        error.getMessage());
  }

  @Test
  void rejectsMalformedFilesNamingTheProblem() throws IOException {
    assertInvalid(new byte[] {1, 2, 3}, "too short for the 8-byte header length");
    assertInvalid(withHeader("{\"a\":", new byte[0]), "header is not valid JSON");
    assertInvalid(withHeader("[1,2]", new byte[0]), "header is not a JSON object");
    byte[] huge = new byte[16];
    ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(1000);
    assertInvalid(huge, "runs past the end of the file");
    assertInvalid(withHeader(tensor("w", "F32", "[2]", 0, 8), new byte[4]),
        "tensor 'w': data_offsets [0,8] run past the end of the data (4 bytes); the file is"
            + " truncated");
    assertInvalid(withHeader(tensor("w", "F32", "[3]", 0, 8), new byte[8]),
        "tensor 'w': data_offsets [0,8] hold 8 bytes but shape [3] of F32 needs 12");
    assertInvalid(withHeader(tensor("w", "Q4", "[2]", 0, 8), new byte[8]),
        "tensor 'w': unsupported dtype 'Q4'");
    assertInvalid(withHeader(tensor("w", "F32", "[-2]", 0, 8), new byte[8]),
        "tensor 'w': shape [-2] is not a list of sizes");
    assertInvalid(withHeader("{" + entry("a", "F32", "[2]", 0, 8) + ","
        + entry("b", "F32", "[2]", 4, 12) + "}", new byte[12]),
        "tensor 'b': overlaps 'a'");
    assertInvalid(withHeader(tensor("w", "F32", "[1]", 4, 8), new byte[8]),
        "tensor 'w': leaves a gap after the start of the data");
    assertInvalid(withHeader(tensor("w", "F32", "[1]", 0, 4), new byte[8]),
        "tensors cover 4 of 8 data bytes");
    assertInvalid(withHeader("{\"__metadata__\":{\"k\":1}}", new byte[0]),
        "__metadata__ value of 'k' is not a string");
    assertInvalid(withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
        + "\"w\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[4,8]}}", new byte[8]),
        "header is not valid JSON: Duplicate field 'w'");
  }

  private void assertInvalid(byte[] content, String expectedMessage) throws IOException {
    Path path = dir.resolve("bad.safetensors");
    Files.write(path, content);
    var error = assertThrows(InvalidCheckpointException.class, () -> SafeTensors.open(path));
    assertTrue(error.getMessage().startsWith(path.toString()), error.getMessage());
    assertTrue(error.getMessage().contains(expectedMessage),
        "expected \"" + expectedMessage + "\" in: " + error.getMessage());
  }

  private static String tensor(String name, String dtype, String shape, long begin, long end) {
    return "{" + entry(name, dtype, shape, begin, end) + "}";
  }

  private static String entry(String name, String dtype, String shape, long begin, long end) {
    return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape
        + ",\"data_offsets\":[" + begin + "," + end + "]}";
  }

  static byte[] withHeader(String json, byte[] data) {
    byte[] header = json.getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.allocate(8 + header.length + data.length)
        .order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(header.length).put(header).put(data);
    return out.array();
  }
}
