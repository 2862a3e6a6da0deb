package io.midigpt.training;

import io.midigpt.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Function;

/**
 * One tokenizer per worker thread, lent out for one call at a time, so data loading on several
 * threads never shares a native tokenizer.
 */
final class TokenizerPool implements AutoCloseable {
  private final List<Tokenizer> all = new ArrayList<>();
  private final BlockingQueue<Tokenizer> idle;

  TokenizerPool(String encoderConfigJson, int size) {
    idle = new ArrayBlockingQueue<>(size);
    try {
      for (int i = 0; i < size; i++) {
        Tokenizer tokenizer = Tokenizer.fromConfigJson(encoderConfigJson);
        all.add(tokenizer);
        idle.add(tokenizer);
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  <T> T apply(Function<Tokenizer, T> work) {
    Tokenizer tokenizer;
    try {
      tokenizer = idle.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a tokenizer", e);
    }
    try {
      return work.apply(tokenizer);
    } finally {
      idle.add(tokenizer);
    }
  }

  @Override
  public void close() {
    all.forEach(Tokenizer::close);
    all.clear();
  }
}
