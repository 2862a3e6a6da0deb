package io.midigpt.engine.model;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * The tiny GPT-2 parity fixture in {@code shared/golden/model} (see its README): three
 * checkpoints and {@code expected.json} with reference logits for every case.
 */
final class ModelFixture {
  static final List<String> DTYPES = List.of("f32", "f16", "bf16");
  /** README §4: elementwise logits tolerance, the same for all three files. */
  static final double ATOL = 2e-4;
  /** Below this top-2 margin, the reference's second choice is accepted as argmax. */
  static final double TIE_MARGIN = 1e-3;

  private static JsonNode expected;

  private ModelFixture() {}

  static Path dir() {
    String shared = System.getProperty("midigpt.shared");
    Path base = shared != null ? Path.of(shared) : Path.of("..", "..", "..", "shared");
    return base.resolve("golden").resolve("model");
  }

  static synchronized JsonNode expected() {
    if (expected == null) {
      try {
        expected = new ObjectMapper().readTree(dir().resolve("expected.json").toFile());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return expected;
  }

  static Path checkpoint(String dtype) {
    return dir().resolve(expected().get("checkpoints").get(dtype).get("file").asText());
  }

  static JsonNode testCase(String name) {
    for (JsonNode c : expected().get("cases")) {
      if (c.get("name").asText().equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException("no fixture case " + name);
  }

  static int vocab() {
    return expected().get("config").get("vocab_size").asInt();
  }

  /** One model call of a case, decoded from JSON. */
  record Call(int[] inputIds, int[] positionIds, boolean[] keyMask, int[][] nullBefore,
      int[] logitsRows, JsonNode node) {
    JsonNode expected(String dtype) {
      return node.get("expected").get(dtype);
    }
  }

  static List<Call> calls(JsonNode testCase) {
    List<Call> calls = new ArrayList<>();
    for (JsonNode call : testCase.get("calls")) {
      int[] positions = call.get("position_ids").isNull() ? null : ints(call.get("position_ids"));
      boolean[] mask = null;
      JsonNode keyMask = call.get("key_mask");
      if (!keyMask.isNull()) {
        mask = new boolean[keyMask.get("length").asInt()];
        Arrays.fill(mask, true);
        for (int[] range : ranges(keyMask.get("hidden_ranges"))) {
          Arrays.fill(mask, range[0], range[1], false);
        }
      }
      JsonNode nullBefore = call.get("null_kv_before");
      calls.add(new Call(
          ints(call.get("input_ids")),
          positions,
          mask,
          nullBefore == null || nullBefore.isNull() ? new int[0][] : ranges(nullBefore),
          ints(call.get("logits_rows")),
          call));
    }
    return calls;
  }

  /** Runs one call the way a session would: one token through decode, chunks through forward. */
  static float[][] run(Gpt2Model model, KvCache cache, Call call) {
    for (int[] range : call.nullBefore()) {
      cache.nullPositions(range[0], range[1]);
    }
    int[] ids = call.inputIds();
    try (Tensor logits = ids.length == 1
        ? model.decode(cache, ids[0],
            call.positionIds() == null ? cache.length() : call.positionIds()[0], call.keyMask())
        : model.forward(cache, ids, call.positionIds(), call.keyMask())) {
      return rows(logits, ids.length);
    }
  }

  /** Logits of one decoded token, freeing the tensor. */
  static float[] decodeRow(Gpt2Model model, KvCache cache, int token) {
    try (Tensor logits = model.decode(cache, token)) {
      return rows(logits, 1)[0];
    }
  }

  /** Logits of a forward chunk, freeing the tensor. */
  static float[][] forwardRows(Gpt2Model model, KvCache cache, int[] ids) {
    try (Tensor logits = model.forward(cache, ids)) {
      return rows(logits, ids.length);
    }
  }

  static float[][] rows(Tensor logits, int count) {
    float[] flat = Torch.toFloatArray(logits);
    int v = flat.length / count;
    float[][] rows = new float[count][];
    for (int i = 0; i < count; i++) {
      rows[i] = Arrays.copyOfRange(flat, i * v, (i + 1) * v);
    }
    return rows;
  }

  /** Largest |got - want| over a row. */
  static double maxDiff(float[] got, JsonNode want) {
    double max = 0;
    for (int j = 0; j < got.length; j++) {
      max = Math.max(max, Math.abs(got[j] - want.get(j).asDouble()));
    }
    return max;
  }

  static double maxDiff(float[] got, float[] want) {
    double max = 0;
    for (int j = 0; j < got.length; j++) {
      max = Math.max(max, Math.abs(got[j] - want[j]));
    }
    return max;
  }

  static int argmax(float[] row) {
    int best = 0;
    for (int j = 1; j < row.length; j++) {
      if (row[j] > row[best]) {
        best = j;
      }
    }
    return best;
  }

  /**
   * Checks a call's rows against the fixture: every recorded logits row within {@link #ATOL},
   * and the argmax of every row (the runner-up also counts where the reference's margin is a
   * near-tie). Returns the largest logits difference.
   */
  static double check(String what, float[][] rows, Call call, String dtype) {
    JsonNode expected = call.expected(dtype);
    double worst = 0;
    for (int i = 0; i < rows.length; i++) {
      int got = argmax(rows[i]);
      int want = expected.get("argmax").get(i).asInt();
      boolean tie = expected.get("margin").get(i).asDouble() < TIE_MARGIN
          && got == expected.get("second").get(i).asInt();
      if (got != want && !tie) {
        fail(what + ": row " + i + " argmax " + got + ", reference " + want);
      }
    }
    for (int r = 0; r < call.logitsRows().length; r++) {
      int row = call.logitsRows()[r];
      double diff = maxDiff(rows[row], expected.get("logits").get(r));
      worst = Math.max(worst, diff);
      assertTrue(diff <= ATOL, what + ": row " + row + " differs by " + diff + " > " + ATOL);
    }
    return worst;
  }

  private static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }

  private static int[][] ranges(JsonNode array) {
    int[][] out = new int[array.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = ints(array.get(i));
    }
    return out;
  }

  static byte[] bytes(Path path) {
    try {
      return Files.readAllBytes(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
