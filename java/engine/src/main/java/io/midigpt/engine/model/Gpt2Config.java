package io.midigpt.engine.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.midigpt.InvalidArgumentException;
import java.util.List;
import java.util.Map;

/**
 * GPT-2 hyperparameters: exactly the reference's five config fields. Everything else (LayerNorm
 * eps 1e-5, tanh GELU, no dropout, untied lm_head) is fixed by the architecture.
 */
public record Gpt2Config(int vocabSize, int nPositions, int nEmbd, int nLayer, int nHead) {
  /** The JSON keys, in the reference's {@code asdict} order. */
  public static final List<String> KEYS =
      List.of("vocab_size", "n_positions", "n_embd", "n_layer", "n_head");

  public Gpt2Config {
    int[] values = {vocabSize, nPositions, nEmbd, nLayer, nHead};
    for (int i = 0; i < values.length; i++) {
      if (values[i] < 1) {
        throw new InvalidArgumentException(
            "GPT-2 config: " + KEYS.get(i) + " must be positive, got " + values[i]);
      }
    }
    if (nEmbd % nHead != 0) {
      throw new InvalidArgumentException(
          "GPT-2 config: n_embd " + nEmbd + " is not a multiple of n_head " + nHead);
    }
  }

  public int headDim() {
    return nEmbd / nHead;
  }

  /** Parameter count of the state dict (both embeddings and the untied lm_head included). */
  public long parameterCount() {
    long d = nEmbd;
    long perLayer = 4 * d + (d * 3 * d + 3 * d) + (d * d + d) + (d * 4 * d + 4 * d)
        + (4 * d * d + d);
    return 2L * vocabSize * d + (long) nPositions * d + nLayer * perLayer + 2 * d;
  }

  /**
   * Parses the checkpoint metadata's {@code config}. Like the reference ({@code Config(**json)}),
   * every key is required and unknown keys are rejected.
   */
  public static Gpt2Config fromJson(String json) {
    JsonNode node;
    try {
      node = new ObjectMapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidArgumentException("GPT-2 config is not valid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new InvalidArgumentException("GPT-2 config is not a JSON object: " + json);
    }
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      String key = entry.getKey();
      if (!KEYS.contains(key)) {
        throw new InvalidArgumentException(
            "GPT-2 config has unknown key '" + key + "' (expected " + KEYS + ")");
      }
    }
    int[] values = new int[KEYS.size()];
    for (int i = 0; i < values.length; i++) {
      JsonNode value = node.get(KEYS.get(i));
      if (value == null) {
        throw new InvalidArgumentException("GPT-2 config is missing '" + KEYS.get(i) + "'");
      }
      if (!value.isIntegralNumber() || !value.canConvertToInt()) {
        throw new InvalidArgumentException(
            "GPT-2 config '" + KEYS.get(i) + "' is not an integer: " + value);
      }
      values[i] = value.intValue();
    }
    return new Gpt2Config(values[0], values[1], values[2], values[3], values[4]);
  }

  /** The JSON the reference writes ({@code json.dumps(asdict(cfg))}: Python's separators). */
  public String toJson() {
    return "{\"vocab_size\": " + vocabSize + ", \"n_positions\": " + nPositions
        + ", \"n_embd\": " + nEmbd + ", \"n_layer\": " + nLayer + ", \"n_head\": " + nHead + "}";
  }
}
