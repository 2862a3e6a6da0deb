package io.midigpt.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Logits parity with the reference on the tiny GPT-2 fixture, for the F32, F16 and BF16 files:
 * every recorded case, plus the fixture's invariants (cached decode equals the full forward,
 * chunked prefill, and the three span-mask modes agreeing) checked on every row and dtype.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelParityTest {
  private final Map<String, Checkpoint> checkpoints = new HashMap<>();

  private Gpt2Model model(String dtype) {
    return checkpoints
        .computeIfAbsent(dtype, d -> Checkpoint.load(ModelFixture.checkpoint(d)))
        .model();
  }

  @AfterAll
  void closeModels() {
    checkpoints.values().forEach(Checkpoint::close);
  }

  /** Every (dtype, case) pair the fixture has expectations for. */
  Stream<Arguments> recordedCases() {
    List<Arguments> out = new ArrayList<>();
    for (JsonNode c : ModelFixture.expected().get("cases")) {
      for (String dtype : ModelFixture.DTYPES) {
        if (c.get("calls").get(0).get("expected").has(dtype)) {
          out.add(Arguments.of(dtype, c.get("name").asText()));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{1} [{0}]")
  @MethodSource("recordedCases")
  void recordedCaseMatchesTheReference(String dtype, String name) {
    Gpt2Model model = model(dtype);
    double worst = 0;
    try (KvCache cache = model.newCache()) {
      List<ModelFixture.Call> calls = ModelFixture.calls(ModelFixture.testCase(name));
      for (int i = 0; i < calls.size(); i++) {
        float[][] rows = ModelFixture.run(model, cache, calls.get(i));
        worst = Math.max(worst,
            ModelFixture.check(name + " call " + i + " [" + dtype + "]", rows, calls.get(i), dtype));
      }
    }
    System.out.printf("parity %-18s %-4s max |Δlogit| %.2e%n", name, dtype, worst);
  }

  @ParameterizedTest
  @ValueSource(strings = {"f32", "f16", "bf16"})
  void tokenByTokenDecodeEqualsFullForward(String dtype) {
    Gpt2Model model = model(dtype);
    for (String name : List.of("plain_len17", "plain_len300")) {
      ModelFixture.Call full = ModelFixture.calls(ModelFixture.testCase(name)).get(0);
      int[] ids = full.inputIds();
      float[][] batched;
      try (KvCache cache = model.newCache()) {
        batched = ModelFixture.run(model, cache, full);
      }
      float[][] stepped = new float[ids.length][];
      try (KvCache cache = model.newCache()) {
        for (int i = 0; i < ids.length; i++) {
          stepped[i] = ModelFixture.decodeRow(model, cache, ids[i]);
        }
        assertEquals(ids.length, cache.length());
      }
      double worst = 0;
      for (int i = 0; i < ids.length; i++) {
        worst = Math.max(worst, ModelFixture.maxDiff(stepped[i], batched[i]));
      }
      assertTrue(worst <= ModelFixture.ATOL, name + " [" + dtype + "]: decode vs forward " + worst);
      ModelFixture.check(name + " decoded [" + dtype + "]", stepped, full, dtype);
      System.out.printf("decode=forward %-13s %-4s max |Δlogit| %.2e%n", name, dtype, worst);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"f32", "f16", "bf16"})
  void chunkedPrefillMatchesTheReference(String dtype) {
    Gpt2Model model = model(dtype);
    ModelFixture.Call full = ModelFixture.calls(ModelFixture.testCase("plain_len300")).get(0);
    int[] ids = full.inputIds();
    float[][] rows = new float[ids.length][];
    try (KvCache cache = model.newCache()) {
      int start = 0;
      // Chunks on top of a cache exercise the causal mask with Tq < Tk, and storage growth.
      for (int size : new int[] {100, 150, 1, 49}) {
        int[] chunk = Arrays.copyOfRange(ids, start, start + size);
        float[][] got = ModelFixture.forwardRows(model, cache, chunk);
        System.arraycopy(got, 0, rows, start, size);
        start += size;
      }
    }
    ModelFixture.check("plain_len300 chunked [" + dtype + "]", rows, full, dtype);
  }

  /**
   * The key-mask path (attention), the explicit-position path (attention_skip) and the cache
   * nulling path (attention_approx) on the same prompt, for every dtype: attention and
   * attention_skip agree on every kept row and on decode, and approx's prefill is attention's.
   */
  @ParameterizedTest
  @ValueSource(strings = {"f32", "f16", "bf16"})
  void spanMaskModesAgree(String dtype) {
    Gpt2Model model = model(dtype);
    List<float[][]> attention = runCase(model, "attention");
    List<float[][]> approx = runCase(model, "attention_approx");
    List<float[][]> skip = runCase(model, "attention_skip");
    int[][] hidden = {{220, 223}, {223, 226}};
    float[][] attentionPrefill = attention.get(0);
    float[][] skipPrefill = skip.get(0);
    double worst = 0;
    int kept = 0;
    for (int i = 0; i < attentionPrefill.length; i++) {
      if (i >= hidden[0][0] && i < hidden[1][1]) {
        continue;
      }
      worst = Math.max(worst, ModelFixture.maxDiff(attentionPrefill[i], skipPrefill[kept++]));
    }
    assertEquals(skipPrefill.length, kept);
    for (int call = 1; call < attention.size(); call++) {
      worst = Math.max(worst, ModelFixture.maxDiff(attention.get(call)[0], skip.get(call)[0]));
    }
    assertTrue(worst <= ModelFixture.ATOL, "attention vs attention_skip [" + dtype + "]: " + worst);
    double prefill = 0;
    for (int i = 0; i < attentionPrefill.length; i++) {
      prefill = Math.max(prefill, ModelFixture.maxDiff(attentionPrefill[i], approx.get(0)[i]));
    }
    assertEquals(0.0, prefill, "attention_approx prefill must be attention's");
    // Nulled keys are not masked keys (-1e4 is finite): decode must differ, as in the reference.
    assertTrue(ModelFixture.maxDiff(attention.get(1)[0], approx.get(1)[0]) > 1e-2);
  }

  private static List<float[][]> runCase(Gpt2Model model, String name) {
    List<float[][]> out = new ArrayList<>();
    try (KvCache cache = model.newCache()) {
      for (ModelFixture.Call call : ModelFixture.calls(ModelFixture.testCase(name))) {
        out.add(ModelFixture.run(model, cache, call));
      }
    }
    return out;
  }
}
