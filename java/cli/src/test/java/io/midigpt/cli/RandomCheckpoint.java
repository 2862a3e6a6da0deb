package io.midigpt.cli;

import io.midigpt.engine.model.Checkpoint;
import io.midigpt.engine.model.Gpt2Config;
import io.midigpt.engine.model.SafeTensors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes a tiny GPT-2 checkpoint with random weights for any shipped encoder (the golden fixture
 * has yellow's vocabulary only; prism's has bar-level attributes).
 */
final class RandomCheckpoint {
  private RandomCheckpoint() {}

  static Path write(Path file, String encoder, int vocabSize) throws IOException {
    String encoderConfig = Files.readString(Path.of("..", "..", "models", encoder + "_encoder.json"));
    int d = 32;
    Gpt2Config config = new Gpt2Config(vocabSize, 2048, d, 2, 2);
    Random random = new Random(7);
    List<SafeTensors.Entry> tensors = new ArrayList<>();
    tensors.add(tensor("transformer.wte.weight", random, vocabSize, d));
    tensors.add(tensor("transformer.wpe.weight", random, 2048, d));
    for (int i = 0; i < config.nLayer(); i++) {
      String block = "transformer.h." + i + ".";
      tensors.add(tensor(block + "ln_1.weight", random, d));
      tensors.add(tensor(block + "ln_1.bias", random, d));
      tensors.add(tensor(block + "attn.c_attn.weight", random, d, 3 * d));
      tensors.add(tensor(block + "attn.c_attn.bias", random, 3 * d));
      tensors.add(tensor(block + "attn.c_proj.weight", random, d, d));
      tensors.add(tensor(block + "attn.c_proj.bias", random, d));
      tensors.add(tensor(block + "ln_2.weight", random, d));
      tensors.add(tensor(block + "ln_2.bias", random, d));
      tensors.add(tensor(block + "mlp.c_fc.weight", random, d, 4 * d));
      tensors.add(tensor(block + "mlp.c_fc.bias", random, 4 * d));
      tensors.add(tensor(block + "mlp.c_proj.weight", random, 4 * d, d));
      tensors.add(tensor(block + "mlp.c_proj.bias", random, d));
    }
    tensors.add(tensor("transformer.ln_f.weight", random, d));
    tensors.add(tensor("transformer.ln_f.bias", random, d));
    tensors.add(tensor("lm_head.weight", random, vocabSize, d));
    Checkpoint.save(file, config, encoderConfig, tensors);
    return file;
  }

  private static SafeTensors.Entry tensor(String name, Random random, int... shape) {
    int count = 1;
    List<Long> dims = new ArrayList<>();
    for (int dim : shape) {
      count *= dim;
      dims.add((long) dim);
    }
    ByteBuffer data = ByteBuffer.allocate(count * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      data.putFloat((float) (random.nextGaussian() * 0.5));
    }
    data.flip();
    return new SafeTensors.Entry(name, SafeTensors.DType.F32, dims, data);
  }
}
