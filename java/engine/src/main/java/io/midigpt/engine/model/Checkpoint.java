package io.midigpt.engine.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.midigpt.InvalidArgumentException;
import io.midigpt.InvalidCheckpointException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A loaded MIDI-GPT checkpoint (spec §7.2): the model config, the encoder config the tokenizer
 * needs ({@link io.midigpt.tokenizer.Tokenizer#fromConfigJson}), and the model. Closing it closes
 * the model.
 *
 * <p>Only safetensors files with {@code format_version "2"} are readable. The legacy packed
 * {@code .pt} bundles and TorchScript folders are Python pickles; they must be converted once
 * with the reference package (the error says how).
 */
public record Checkpoint(Gpt2Config config, String encoderConfigJson, Gpt2Model model)
    implements AutoCloseable {
  public static final String FORMAT_VERSION = "2";
  public static final String ARCH = "gpt2";

  /** How to turn a legacy packed .pt bundle into a safetensors file with the reference. */
  private static final String CONVERT_BUNDLE =
      "convert it once with the reference package: python -c \"import sys, json;"
          + " from midigpt.tokenizer.checkpoint import load_checkpoint;"
          + " b = load_checkpoint(sys.argv[1]); b.model.save_pretrained(sys.argv[2],"
          + " encoder_config=json.loads(b.encoder_config.to_json()))\" %s OUT.safetensors";

  /**
   * The same for a TorchScript folder; the reference guesses n_head from the weights, so the
   * hint passes the real config.
   */
  private static final String CONVERT_FOLDER =
      "convert it once with the reference package: python -c \"import sys, json;"
          + " from midigpt.inference.model.gpt2 import GPT2LMHeadModel, GPT2Config;"
          + " d = sys.argv[1]; m = GPT2LMHeadModel.from_torchscript(d + '/model.pt',"
          + " cfg=GPT2Config(vocab_size=V, n_positions=P, n_embd=D, n_layer=L, n_head=H));"
          + " m.save_pretrained(sys.argv[2], encoder_config=json.load(open(d + '/config.json')))\""
          + " %s OUT.safetensors";

  /** Loads with {@link ModelOptions#defaults()}. */
  public static Checkpoint load(Path path) {
    return load(path, ModelOptions.defaults());
  }

  /** Loads and validates a checkpoint, then builds the model on the requested device. */
  public static Checkpoint load(Path path, ModelOptions options) {
    if (Files.isDirectory(path)) {
      throw new InvalidCheckpointException(
          path + " is a legacy TorchScript checkpoint folder, which Java cannot read; "
              + CONVERT_FOLDER.formatted(path));
    }
    if (!Files.exists(path)) {
      throw new InvalidCheckpointException("checkpoint not found: " + path);
    }
    String fileName = path.getFileName().toString();
    if (fileName.endsWith(".pt")) {
      throw new InvalidCheckpointException(
          path + " is a legacy pickled .pt bundle, which Java cannot read without Python; "
              + CONVERT_BUNDLE.formatted(path));
    }
    if (!fileName.endsWith(".safetensors")) {
      throw new InvalidCheckpointException(
          "checkpoint must be a .safetensors file (or a legacy .pt bundle or folder to convert): "
              + path);
    }
    try (SafeTensors file = SafeTensors.open(path)) {
      Map<String, String> metadata = file.metadata();
      String version = metadata.get("format_version");
      if (!FORMAT_VERSION.equals(version)) {
        throw new InvalidCheckpointException(
            path + ": " + (version == null ? "no format_version in the metadata"
                : "format_version \"" + version + "\" is not supported")
                + " (expected \"" + FORMAT_VERSION + "\"); is this a MIDI-GPT checkpoint?");
      }
      String arch = metadata.getOrDefault("arch", ARCH);
      if (!ARCH.equals(arch)) {
        throw new InvalidCheckpointException(
            path + ": arch \"" + arch + "\" is not supported (only \"" + ARCH + "\")");
      }
      String configJson = metadata.get("config");
      if (configJson == null) {
        throw new InvalidCheckpointException(path + ": no 'config' in the metadata");
      }
      Gpt2Config config;
      try {
        config = Gpt2Config.fromJson(configJson);
      } catch (InvalidArgumentException e) {
        throw new InvalidCheckpointException(path + ": " + e.getMessage(), e);
      }
      String encoderConfig = encoderConfig(path, metadata.get("encoder_config"));
      return new Checkpoint(config, encoderConfig, Gpt2Model.load(config, file, options));
    }
  }

  /**
   * A checkpoint with random weights (GPT-2's initialisation) of the given size and encoder
   * config, for benchmarks and tests at sizes no real file has. Its notes are random.
   */
  public static Checkpoint random(
      Gpt2Config config, String encoderConfigJson, ModelOptions options, long seed) {
    return new Checkpoint(config, encoderConfig(Path.of("(random weights)"), encoderConfigJson),
        Gpt2Model.random(config, options, seed));
  }

  private static String encoderConfig(Path path, String json) {
    // The reference writes json.dumps(None) = "null" when a model was saved without one.
    if (json == null || json.trim().equals("null")) {
      throw new InvalidCheckpointException(
          path + ": missing 'encoder_config' in the metadata; cannot tokenize without it");
    }
    JsonNode node;
    try {
      node = new ObjectMapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidCheckpointException(
          path + ": 'encoder_config' is not valid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new InvalidCheckpointException(path + ": 'encoder_config' is not a JSON object");
    }
    return json;
  }

  /** The four metadata entries of a format_version 2 checkpoint, in the reference's order. */
  public static Map<String, String> metadata(Gpt2Config config, String encoderConfigJson) {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("format_version", FORMAT_VERSION);
    metadata.put("arch", ARCH);
    metadata.put("config", config.toJson());
    metadata.put("encoder_config", encoderConfigJson);
    return metadata;
  }

  /** Writes a format_version 2 checkpoint atomically. */
  public static void save(
      Path path, Gpt2Config config, String encoderConfigJson, List<SafeTensors.Entry> tensors) {
    SafeTensors.write(path, metadata(config, encoderConfigJson), tensors);
  }

  @Override
  public void close() {
    model.close();
  }
}
