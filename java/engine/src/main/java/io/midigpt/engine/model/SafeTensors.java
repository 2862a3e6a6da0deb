package io.midigpt.engine.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.midigpt.InvalidArgumentException;
import io.midigpt.InvalidCheckpointException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file: an 8-byte little-endian header length, a JSON header mapping tensor names to
 * {@code {dtype, shape, data_offsets}} plus an optional {@code __metadata__} string map, then the
 * raw little-endian tensor bytes.
 *
 * <p>Reading validates the header the way the Rust reference library does (every byte of the data
 * section belongs to exactly one tensor, sizes match shapes and dtypes) and maps tensor data from
 * the file on demand. Writing reproduces the Rust serializer's layout: tensors sorted by dtype
 * (widest first) then name, packed without gaps, header padded with spaces to 8 bytes.
 */
public final class SafeTensors implements AutoCloseable {
  /** Headers larger than this are rejected, as in the reference library. */
  private static final long MAX_HEADER_BYTES = 100_000_000L;

  private static final String METADATA_KEY = "__metadata__";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /**
   * Element types, in the Rust library's order (which decides the write order). The model itself
   * accepts only F32, F16 and BF16.
   */
  public enum DType {
    BOOL(1),
    U8(1),
    I8(1),
    I16(2),
    U16(2),
    F16(2),
    BF16(2),
    I32(4),
    U32(4),
    F32(4),
    F64(8),
    I64(8),
    U64(8);

    private final int bytes;

    DType(int bytes) {
      this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
      return bytes;
    }
  }

  /** Where one tensor lies: {@code begin} and {@code end} are relative to the data section. */
  public record TensorInfo(String name, DType dtype, List<Long> shape, long begin, long end) {
    public TensorInfo {
      shape = List.copyOf(shape);
    }

    public long numel() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }

    public long byteSize() {
      return end - begin;
    }

    public long[] shapeArray() {
      return shape.stream().mapToLong(Long::longValue).toArray();
    }
  }

  /** A tensor to write: {@code data} holds exactly its little-endian bytes (position to limit). */
  public record Entry(String name, DType dtype, List<Long> shape, ByteBuffer data) {
    public Entry {
      shape = List.copyOf(shape);
      data = data.slice().asReadOnlyBuffer();
    }
  }

  private final Path path;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, String> metadata;
  private final Map<String, TensorInfo> tensors;

  private SafeTensors(
      Path path,
      FileChannel channel,
      long dataStart,
      Map<String, String> metadata,
      Map<String, TensorInfo> tensors) {
    this.path = path;
    this.channel = channel;
    this.dataStart = dataStart;
    this.metadata = metadata;
    this.tensors = tensors;
  }

  /** Opens and validates a file; tensor data is mapped later, tensor by tensor. */
  public static SafeTensors open(Path path) {
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + path + ": " + e.getMessage(), e);
    }
    try {
      return parse(path, channel);
    } catch (RuntimeException e) {
      closeQuietly(channel, e);
      throw e;
    }
  }

  private static SafeTensors parse(Path path, FileChannel channel) {
    long fileSize;
    ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    try {
      fileSize = channel.size();
      if (fileSize < 8) {
        throw invalid(path, "only " + fileSize + " bytes, too short for the 8-byte header length");
      }
      readFully(channel, lengthBytes, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
    }
    long headerLength = lengthBytes.flip().getLong();
    if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
      throw invalid(
          path, "header length " + Long.toUnsignedString(headerLength) + " is implausible; not a"
              + " safetensors file");
    }
    if (8 + headerLength > fileSize) {
      throw invalid(
          path, "header length " + headerLength + " runs past the end of the file (" + fileSize
              + " bytes); the file is truncated or not safetensors");
    }
    ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
    try {
      readFully(channel, headerBytes, 8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
    }
    JsonNode header;
    try {
      header = JSON.readTree(new String(headerBytes.array(), StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw invalid(path, "header is not valid JSON: " + e.getOriginalMessage());
    }
    if (header == null || !header.isObject()) {
      throw invalid(path, "header is not a JSON object");
    }
    long dataStart = 8 + headerLength;
    long dataLength = fileSize - dataStart;
    Map<String, String> metadata = new LinkedHashMap<>();
    List<TensorInfo> infos = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : header.properties()) {
      if (field.getKey().equals(METADATA_KEY)) {
        readMetadata(path, field.getValue(), metadata);
      } else {
        infos.add(readTensorInfo(path, field.getKey(), field.getValue(), dataLength));
      }
    }
    checkCoverage(path, infos, dataLength);
    Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    for (TensorInfo info : infos) {
      tensors.put(info.name(), info);
    }
    return new SafeTensors(
        path,
        channel,
        dataStart,
        Collections.unmodifiableMap(metadata),
        Collections.unmodifiableMap(tensors));
  }

  private static void readMetadata(Path path, JsonNode node, Map<String, String> into) {
    if (!node.isObject()) {
      throw invalid(path, "__metadata__ is not a JSON object");
    }
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      if (!entry.getValue().isTextual()) {
        throw invalid(path, "__metadata__ value of '" + entry.getKey() + "' is not a string");
      }
      into.put(entry.getKey(), entry.getValue().textValue());
    }
  }

  private static TensorInfo readTensorInfo(
      Path path, String name, JsonNode node, long dataLength) {
    if (!node.isObject()) {
      throw invalidTensor(path, name, "entry is not a JSON object");
    }
    JsonNode dtypeNode = node.get("dtype");
    if (dtypeNode == null || !dtypeNode.isTextual()) {
      throw invalidTensor(path, name, "missing or non-string 'dtype'");
    }
    DType dtype;
    try {
      dtype = DType.valueOf(dtypeNode.textValue());
    } catch (IllegalArgumentException e) {
      throw invalidTensor(path, name, "unsupported dtype '" + dtypeNode.textValue() + "'");
    }
    JsonNode shapeNode = node.get("shape");
    if (shapeNode == null || !shapeNode.isArray()) {
      throw invalidTensor(path, name, "missing or non-array 'shape'");
    }
    List<Long> shape = new ArrayList<>();
    long numel = 1;
    for (JsonNode d : shapeNode) {
      if (!d.isIntegralNumber() || !d.canConvertToLong() || d.longValue() < 0) {
        throw invalidTensor(path, name, "shape " + shapeNode + " is not a list of sizes");
      }
      shape.add(d.longValue());
      try {
        numel = Math.multiplyExact(numel, d.longValue());
      } catch (ArithmeticException e) {
        throw invalidTensor(path, name, "shape " + shapeNode + " is too large");
      }
    }
    JsonNode offsets = node.get("data_offsets");
    if (offsets == null
        || !offsets.isArray()
        || offsets.size() != 2
        || !offsets.get(0).canConvertToLong()
        || !offsets.get(1).canConvertToLong()
        || !offsets.get(0).isIntegralNumber()
        || !offsets.get(1).isIntegralNumber()) {
      throw invalidTensor(path, name, "'data_offsets' is not a pair of integers");
    }
    long begin = offsets.get(0).longValue();
    long end = offsets.get(1).longValue();
    if (begin < 0 || end < begin) {
      throw invalidTensor(path, name, "data_offsets " + offsets + " are not an ordered range");
    }
    if (end > dataLength) {
      throw invalidTensor(
          path, name, "data_offsets " + offsets + " run past the end of the data (" + dataLength
              + " bytes); the file is truncated");
    }
    // numel <= dataLength keeps the byte count below overflow.
    if (numel > dataLength || end - begin != numel * dtype.bytes()) {
      String needs = numel > dataLength ? "more than the file holds" : numel * dtype.bytes() + "";
      throw invalidTensor(
          path, name, "data_offsets " + offsets + " hold " + (end - begin) + " bytes but shape "
              + shape + " of " + dtype + " needs " + needs);
    }
    return new TensorInfo(name, dtype, shape, begin, end);
  }

  /** Every data byte must belong to exactly one tensor: no overlaps, no holes, nothing after. */
  private static void checkCoverage(Path path, List<TensorInfo> infos, long dataLength) {
    infos.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
    long expectedBegin = 0;
    TensorInfo previous = null;
    for (TensorInfo info : infos) {
      if (info.begin() != expectedBegin) {
        String where = previous == null ? "the start of the data" : "'" + previous.name() + "'";
        throw invalidTensor(
            path, info.name(), (info.begin() < expectedBegin ? "overlaps " : "leaves a gap after ")
                + where + " (begins at " + info.begin() + ", expected " + expectedBegin + ")");
      }
      expectedBegin = info.end();
      previous = info;
    }
    if (expectedBegin != dataLength) {
      throw invalid(
          path, "tensors cover " + expectedBegin + " of " + dataLength + " data bytes; the file"
              + " has trailing bytes");
    }
  }

  public Path path() {
    return path;
  }

  /** The {@code __metadata__} map (empty when absent). */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** All tensors, in data-offset order. */
  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  /** The named tensor's entry; throws when absent. */
  public TensorInfo tensor(String name) {
    TensorInfo info = tensors.get(name);
    if (info == null) {
      throw new InvalidCheckpointException(path + ": no tensor named '" + name + "'");
    }
    return info;
  }

  /**
   * The named tensor's bytes, read-only and little-endian, mapped from the file. The mapping is
   * released by the garbage collector once the buffer is unreachable.
   */
  public ByteBuffer data(String name) {
    TensorInfo info = tensor(name);
    if (info.byteSize() > Integer.MAX_VALUE) {
      throw new InvalidCheckpointException(
          path + ": tensor '" + name + "' has " + info.byteSize() + " bytes, more than one"
              + " buffer can map");
    }
    try {
      return channel
          .map(FileChannel.MapMode.READ_ONLY, dataStart + info.begin(), info.byteSize())
          .order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot map tensor '" + name + "' of " + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes a file atomically: to a temporary file in the same folder, then renamed over
   * {@code path}, so readers never see a half-written checkpoint.
   */
  public static void write(Path path, Map<String, String> metadata, List<Entry> tensors) {
    List<Entry> ordered = new ArrayList<>(tensors);
    // The Rust serializer's order: dtype descending (widest alignment first), then name by bytes.
    ordered.sort(
        Comparator.comparing(Entry::dtype, Comparator.reverseOrder())
            .thenComparing(Entry::name, SafeTensors::compareUtf8));
    ObjectNode header = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = header.putObject(METADATA_KEY);
      metadata.forEach(meta::put);
    }
    long offset = 0;
    for (Entry entry : ordered) {
      if (entry.name().equals(METADATA_KEY) || header.has(entry.name())) {
        throw new InvalidArgumentException("duplicate or reserved tensor name '" + entry.name()
            + "'");
      }
      long numel = 1;
      for (long d : entry.shape()) {
        if (d < 0) {
          throw new InvalidArgumentException("tensor '" + entry.name() + "' has a negative size");
        }
        numel *= d;
      }
      long bytes = entry.data().remaining();
      if (bytes != numel * entry.dtype().bytes()) {
        throw new InvalidArgumentException(
            "tensor '" + entry.name() + "' has " + bytes + " bytes but shape " + entry.shape()
                + " of " + entry.dtype() + " needs " + numel * entry.dtype().bytes());
      }
      ObjectNode node = header.putObject(entry.name());
      node.put("dtype", entry.dtype().name());
      ArrayNode shape = node.putArray("shape");
      entry.shape().forEach(shape::add);
      node.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(header);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    prefix.putLong(padded).put(json);
    while (prefix.hasRemaining()) {
      prefix.put((byte) ' ');
    }
    prefix.flip();

    Path absolute = path.toAbsolutePath();
    Path temp;
    try {
      temp = io.midigpt.TempFiles.beside(absolute);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
    }
    try {
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        writeFully(out, prefix);
        for (Entry entry : ordered) {
          writeFully(out, entry.data().duplicate());
        }
        out.force(true);
      }
      try {
        Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
    }
  }

  private static int compareUtf8(String a, String b) {
    return Arrays.compareUnsigned(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static void readFully(FileChannel channel, ByteBuffer into, long position)
      throws IOException {
    while (into.hasRemaining()) {
      int n = channel.read(into, position + into.position());
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
    }
  }

  private static void writeFully(FileChannel channel, ByteBuffer from) throws IOException {
    while (from.hasRemaining()) {
      channel.write(from);
    }
  }

  private static void closeQuietly(FileChannel channel, RuntimeException pending) {
    try {
      channel.close();
    } catch (IOException e) {
      pending.addSuppressed(e);
    }
  }

  private static InvalidCheckpointException invalid(Path path, String problem) {
    return new InvalidCheckpointException(path + ": " + problem);
  }

  private static InvalidCheckpointException invalidTensor(Path path, String name, String problem) {
    return new InvalidCheckpointException(path + ": tensor '" + name + "': " + problem);
  }
}
