package io.midigpt.training;

import io.midigpt.engine.model.Gpt2Config;
import io.midigpt.engine.model.SafeTensors;
import io.midigpt.tokenizer.Tokenizer;
import java.nio.file.Path;

/**
 * A child process for {@link CheckpointKillTest}: saves checkpoints of a small model in a loop
 * until it is killed.
 */
public final class SavingForever {
  private SavingForever() {}

  public static void main(String[] args) {
    String encoder = Tokenizer.builtinConfig("yellow");
    Gpt2Config config = CheckpointKillTest.modelConfig();
    CheckpointStore store = new CheckpointStore(Path.of(args[0]), 2);
    try (TrainableGpt2 model = TrainableGpt2.create(config, "cpu", 1, 0.0);
        AdamW optimizer = new AdamW(model.parameters(), 0.01)) {
      for (long step = 1; ; step++) {
        store.save(new TrainingState(step, step, step, step), TrainConfig.defaults().toJson(),
            dir -> {
              model.save(dir.resolve(CheckpointStore.MODEL), encoder, SafeTensors.DType.F32);
              optimizer.save(dir.resolve(CheckpointStore.OPTIMIZER));
            });
      }
    }
  }
}
