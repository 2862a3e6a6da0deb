package io.midigpt.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.midigpt.InvalidCheckpointException;
import io.midigpt.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint loading: metadata, the strict tensor check, and the errors for unusable files. */
class CheckpointTest {
  @TempDir Path dir;
  private Map<String, String> metadata;
  private List<SafeTensors.Entry> tensors;

  @BeforeEach
  void readFixture() {
    try (SafeTensors file = SafeTensors.open(ModelFixture.checkpoint("f32"))) {
      metadata = new LinkedHashMap<>(file.metadata());
      tensors = new ArrayList<>(SafeTensorsTest.entries(file));
    }
  }

  @Test
  void loadsConfigEncoderConfigAndModel() {
    try (Checkpoint checkpoint = Checkpoint.load(ModelFixture.checkpoint("f32"))) {
      assertEquals(new Gpt2Config(647, 2048, 64, 2, 4), checkpoint.config());
      assertEquals(313_984, checkpoint.config().parameterCount());
      assertEquals(checkpoint.config(), checkpoint.model().config());
      assertEquals(ModelFixture.expected().get("metadata").get("encoder_config").asText(),
          checkpoint.encoderConfigJson());
      try (Tokenizer tokenizer = Tokenizer.fromConfigJson(checkpoint.encoderConfigJson())) {
        assertEquals(checkpoint.config().vocabSize(), tokenizer.vocabulary().size());
      }
    }
  }

  @Test
  void savedCheckpointsLoadBack() {
    Path path = dir.resolve("saved.safetensors");
    Gpt2Config config = new Gpt2Config(647, 2048, 64, 2, 4);
    Checkpoint.save(path, config, metadata.get("encoder_config"), tensors);
    assertEquals(Checkpoint.metadata(config, metadata.get("encoder_config")), metadata);
    try (Checkpoint checkpoint = Checkpoint.load(path)) {
      assertEquals(config, checkpoint.config());
    }
  }

  @Test
  void missingTensor() {
    assertRejected(t -> t.removeIf(e -> e.name().equals("transformer.h.1.mlp.c_fc.bias")),
        "missing: transformer.h.1.mlp.c_fc.bias");
  }

  @Test
  void unexpectedTensor() {
    assertRejected(t -> t.add(tensor("transformer.h.0.attn.rotary", 4)),
        "unexpected: transformer.h.0.attn.rotary");
  }

  @Test
  void legacyAttentionBuffersAreIgnored() {
    tensors.add(tensor("transformer.h.0.attn.bias", 4));
    tensors.add(tensor("transformer.h.1.attn.masked_bias", 1));
    Path path = write(metadata, tensors);
    try (Checkpoint checkpoint = Checkpoint.load(path)) {
      assertEquals(2, checkpoint.config().nLayer());
    }
  }

  @Test
  void wrongShape() {
    // c_fc read as [out, in] (a transposed export) must not load.
    assertRejected(t -> t.replaceAll(e -> e.name().equals("transformer.h.0.mlp.c_fc.weight")
            ? new SafeTensors.Entry(e.name(), e.dtype(), List.of(256L, 64L), e.data()) : e),
        "mismatched: transformer.h.0.mlp.c_fc.weight has shape [256, 64], expected [64, 256]");
  }

  @Test
  void wrongDtype() {
    assertRejected(t -> t.replaceAll(e -> e.name().equals("transformer.ln_f.bias")
            ? new SafeTensors.Entry(e.name(), SafeTensors.DType.I32, e.shape(), e.data()) : e),
        "transformer.ln_f.bias has dtype I32, expected F32, F16 or BF16");
  }

  @Test
  void configThatDisagreesWithTheTensors() {
    metadata.put("config", new Gpt2Config(647, 2048, 64, 3, 4).toJson());
    assertRejected(t -> {}, "missing: transformer.h.2.ln_1.weight");
  }

  @Test
  void badHeaderAndTruncatedFile() throws IOException {
    Path good = write(metadata, tensors);
    byte[] bytes = Files.readAllBytes(good);
    Path truncated = dir.resolve("truncated.safetensors");
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 100));
    assertLoadError(truncated, "tensor 'transformer.wte.weight': data_offsets [1090304,1255936]"
        + " run past the end of the data (1255836 bytes); the file is truncated");
    Path garbage = dir.resolve("garbage.safetensors");
    byte[] broken = bytes.clone();
    broken[8] = '[';
    Files.write(garbage, broken);
    assertLoadError(garbage, "header is not valid JSON");
  }

  @Test
  void formatVersion() {
    metadata.put("format_version", "1");
    assertRejected(t -> {}, "format_version \"1\" is not supported (expected \"2\")");
    metadata.remove("format_version");
    assertRejected(t -> {}, "no format_version in the metadata");
  }

  @Test
  void arch() {
    metadata.put("arch", "llama");
    assertRejected(t -> {}, "arch \"llama\" is not supported");
    metadata.remove("arch"); // a missing arch means gpt2, as in the reference
    try (Checkpoint checkpoint = Checkpoint.load(write(metadata, tensors))) {
      assertEquals(647, checkpoint.config().vocabSize());
    }
  }

  @Test
  void missingEncoderConfig() {
    metadata.put("encoder_config", "null");
    assertRejected(t -> {}, "missing 'encoder_config'");
    metadata.remove("encoder_config");
    assertRejected(t -> {}, "missing 'encoder_config'");
    metadata.put("encoder_config", "[1]");
    assertRejected(t -> {}, "'encoder_config' is not a JSON object");
  }

  @Test
  void badModelConfig() {
    metadata.put("config", "{\"vocab_size\": 647, \"n_positions\": 2048, \"n_embd\": 64,"
        + " \"n_layer\": 2, \"n_head\": 4, \"dropout\": 0.1}");
    assertRejected(t -> {}, "GPT-2 config has unknown key 'dropout'");
    metadata.put("config", "{\"vocab_size\": 647, \"n_positions\": 2048, \"n_embd\": 64,"
        + " \"n_layer\": 2, \"n_head\": 5}");
    assertRejected(t -> {}, "n_embd 64 is not a multiple of n_head 5");
    metadata.remove("config");
    assertRejected(t -> {}, "no 'config' in the metadata");
  }

  @Test
  void legacyFormatsExplainTheConversion() throws IOException {
    Path pt = dir.resolve("yellow.pt");
    Files.write(pt, new byte[] {(byte) 0x80, 2});
    String message = assertLoadError(pt, "legacy pickled .pt bundle");
    assertTrue(message.contains("python -c") && message.contains("save_pretrained")
        && message.contains(pt.toString()), message);
    Path folder = Files.createDirectory(dir.resolve("torchscript"));
    assertLoadError(folder, "legacy TorchScript checkpoint folder");
    Path other = dir.resolve("model.bin");
    Files.write(other, new byte[8]);
    assertLoadError(other, "checkpoint must be a .safetensors file");
    assertLoadError(dir.resolve("absent.safetensors"), "checkpoint not found");
  }

  private static SafeTensors.Entry tensor(String name, int floats) {
    return new SafeTensors.Entry(name, SafeTensors.DType.F32, List.of((long) floats),
        ByteBuffer.allocate(4 * floats));
  }

  private Path write(Map<String, String> meta, List<SafeTensors.Entry> entries) {
    Path path = dir.resolve("edited.safetensors");
    SafeTensors.write(path, meta, entries);
    return path;
  }

  private void assertRejected(Consumer<List<SafeTensors.Entry>> edit, String expectedMessage) {
    List<SafeTensors.Entry> edited = new ArrayList<>(tensors);
    edit.accept(edited);
    assertLoadError(write(metadata, edited), expectedMessage);
  }

  private static String assertLoadError(Path path, String expectedMessage) {
    var error = assertThrows(InvalidCheckpointException.class, () -> Checkpoint.load(path));
    assertTrue(error.getMessage().contains(expectedMessage),
        "expected \"" + expectedMessage + "\" in: " + error.getMessage());
    return error.getMessage();
  }
}
