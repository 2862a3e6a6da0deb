package io.midigpt.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.midigpt.InvalidArgumentException;
import java.util.Arrays;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The model's API around the math: devices, threads, argument checks and cache operations. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Gpt2ModelTest {
  private Checkpoint checkpoint;
  private Gpt2Model model;
  private int[] prompt;

  @BeforeAll
  void load() {
    checkpoint = Checkpoint.load(ModelFixture.checkpoint("f32"), ModelOptions.defaults());
    model = checkpoint.model();
    prompt = ModelFixture.calls(ModelFixture.testCase("plain_len17")).get(0).inputIds();
  }

  @AfterAll
  void close() {
    checkpoint.close();
  }

  @Test
  void autoPicksAnAvailableDeviceAndThreadsAreApplied() {
    String expected = torch.hasCUDA() ? "cuda" : torch.hasMPS() ? "mps" : "cpu";
    assertTrue(model.device().startsWith(expected), model.device());
    assertEquals(ModelOptions.defaults().threads(), Torch.threads());
    assertEquals(1, Torch.blasThreads(), "OpenBLAS must stay single-threaded");
  }

  @Test
  void unavailableOrUnknownDevicesAreErrors() {
    assumeFalse(torch.hasCUDA());
    var cuda = assertThrows(InvalidArgumentException.class, () -> Torch.device("cuda"));
    assertTrue(cuda.getMessage().contains("CUDA is unavailable"), cuda.getMessage());
    var unknown = assertThrows(InvalidArgumentException.class, () -> Torch.device("tpu"));
    assertTrue(unknown.getMessage().contains("expected auto, cpu, cuda, cuda:N or mps"));
    assertThrows(InvalidArgumentException.class, () -> new ModelOptions("cpu", 0));
    var load = assertThrows(InvalidArgumentException.class, () -> Checkpoint.load(
        ModelFixture.checkpoint("f32"), ModelOptions.defaults().withDevice("cuda:1")));
    assertTrue(load.getMessage().contains("cuda:1"), load.getMessage());
  }

  @Test
  void argumentsAreChecked() {
    try (KvCache cache = model.newCache()) {
      assertMessage(() -> model.decode(cache, 647), "token 647 at index 0 is outside the vocabulary of 647");
      assertMessage(() -> model.decode(cache, 0, 2048), "position 2048 at index 0 is outside the model's 2048 positions");
      assertMessage(() -> model.forward(cache, new int[] {1, 2}, new int[] {0}, null), "got 1 position ids for 2 tokens");
      assertMessage(() -> model.forward(cache, new int[] {1, 2}, null, new boolean[3]), "key mask has 3 entries but the call attends over 2 keys");
      assertMessage(() -> model.forward(cache, new int[0]), "at least one input token");
      assertEquals(0, cache.length(), "failed calls leave the cache alone");
      assertMessage(() -> model.forward(cache, new int[2049]), "exceeds the model's context of 2048 positions");
      assertMessage(() -> cache.truncate(1), "cannot truncate a cache of 0 tokens to 1");
      assertMessage(() -> cache.nullPositions(0, 1), "outside the cache's 0 tokens");
    }
    try (Gpt2Model other = Gpt2Model.random(model.config(), ModelOptions.defaults(), 1);
        KvCache foreign = other.newCache()) {
      assertMessage(() -> model.decode(foreign, 1), "belongs to another model");
    }
  }

  @Test
  void closedModelsAndCachesRefuseWork() {
    Gpt2Model scratch = Gpt2Model.random(model.config(), ModelOptions.defaults(), 2);
    KvCache cache = scratch.newCache();
    cache.close();
    assertThrows(IllegalStateException.class, () -> scratch.decode(cache, 1));
    try (KvCache orphan = scratch.newCache()) {
      ModelFixture.decodeRow(scratch, orphan, 1);
      scratch.close();
      scratch.close();
      assertThrows(IllegalStateException.class, scratch::newCache);
      assertThrows(IllegalStateException.class, orphan::copy);
      assertThrows(IllegalStateException.class, () -> orphan.nullPositions(0, 1));
    }
  }

  @Test
  void closingFreesTheWeights() {
    Gpt2Config config = new Gpt2Config(647, 2048, 512, 6, 8); // ~80 MiB of weights
    Gpt2Model.random(config, ModelOptions.defaults(), 3).close();
    long resident = Pointer.physicalBytes();
    for (int i = 0; i < 10; i++) {
      try (Gpt2Model scratch = Gpt2Model.random(config, ModelOptions.defaults(), 3);
          KvCache cache = scratch.newCache()) {
        ModelFixture.forwardRows(scratch, cache, new int[64]);
      }
    }
    // A leak keeps every model (~800 MiB); the allocator may keep one or two freed ones mapped.
    long growth = Pointer.physicalBytes() - resident;
    assertTrue(growth < 160L << 20, "ten closed models left " + growth + " bytes resident");
  }

  @Test
  void truncateAndCopySupportRetries() {
    int[] head = Arrays.copyOf(prompt, 12);
    try (KvCache cache = model.newCache()) {
      ModelFixture.forwardRows(model, cache, head);
      float[] first = ModelFixture.decodeRow(model, cache, prompt[12]);
      try (KvCache fork = cache.copy()) {
        assertEquals(13, fork.length());
        float[] forked = ModelFixture.decodeRow(model, fork, prompt[13]);
        cache.truncate(12);
        assertArrayEquals(first, ModelFixture.decodeRow(model, cache, prompt[12]),
            "a retried step must reproduce its logits");
        assertArrayEquals(forked, ModelFixture.decodeRow(model, cache, prompt[13]));
        assertEquals(14, fork.length());
      }
    }
  }

  @Test
  void cacheGrowsToTheFullContext() {
    try (KvCache cache = model.newCache()) {
      ModelFixture.forwardRows(model, cache, new int[2047]);
      assertEquals(2048, cache.capacity());
      ModelFixture.decodeRow(model, cache, 5);
      assertMessage(() -> model.decode(cache, 5), "exceeds the model's context of 2048 positions");
      assertEquals(2048, cache.length());
    }
  }

  /**
   * Decoding must not grow native memory: every temporary is freed per step. Asserts both the
   * count of live JavaCPP pointers and the resident set over 2,000 steps, not a timing.
   */
  @Test
  void memoryStaysFlatOverLongDecodes() {
    try (KvCache cache = model.newCache()) {
      ModelFixture.forwardRows(model, cache, Arrays.copyOf(prompt, 8));
      boolean[] mask = new boolean[2048];
      Arrays.fill(mask, true);
      mask[3] = false;
      // Warm-up, and grow the cache to its final capacity so storage does not count as a leak.
      for (int i = 0; i < 200; i++) {
        ModelFixture.decodeRow(model, cache, prompt[i % prompt.length]);
      }
      ModelFixture.forwardRows(model, cache, new int[2040 - cache.length()]);
      cache.truncate(8);
      System.gc();
      long pointers = Pointer.totalCount();
      long resident = Pointer.physicalBytes();
      for (int i = 0; i < 2000; i++) {
        int token = prompt[i % prompt.length];
        if (i % 2 == 0) {
          ModelFixture.decodeRow(model, cache, token);
        } else {
          // The key-mask path allocates host buffers per call if done carelessly.
          model.decode(cache, token, cache.length(), Arrays.copyOf(mask, cache.length() + 1))
              .close();
        }
      }
      long pointerGrowth = Pointer.totalCount() - pointers;
      long residentGrowth = Pointer.physicalBytes() - resident;
      System.out.printf("2000 decode steps: %+d JavaCPP pointers, %+.1f MiB resident%n",
          pointerGrowth, residentGrowth / 1048576.0);
      assertTrue(pointerGrowth <= 16, "live JavaCPP pointers grew by " + pointerGrowth);
      assertTrue(residentGrowth < 32L << 20, "resident set grew by " + residentGrowth + " bytes");
    }
  }

  private static void assertMessage(Runnable call, String expected) {
    var error = assertThrows(RuntimeException.class, call::run);
    assertTrue(error.getMessage().contains(expected),
        "expected \"" + expected + "\" in: " + error.getMessage());
  }
}
