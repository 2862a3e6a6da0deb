package io.midigpt.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.midigpt.InvalidConfigException;
import org.junit.jupiter.api.Test;

class TrainConfigTest {
  @Test
  void defaultsAreTheReferenceTrainConfig() {
    TrainConfig c = TrainConfig.defaults();
    assertEquals(5e-5, c.learningRate());
    assertEquals(0.01, c.weightDecay());
    assertEquals(1.0, c.maxGradNorm());
    assertEquals(500, c.warmupSteps());
    assertEquals("linear", c.lrSchedulerType());
    assertEquals(10, c.numEpochs());
    assertEquals(4, c.batchSize());
    assertEquals(8, c.gradientAccumulationSteps());
    assertEquals(42, c.seed());
    assertEquals(512, c.nEmbd());
    assertEquals(6, c.nLayer());
    assertEquals(8, c.nHead());
    assertEquals(2048, c.maxSeqLen());
    assertEquals(12, c.maxTracks());
    assertEquals(0.75, c.minFillRatio());
    assertEquals(0.75, c.infillProbability());
    assertEquals(0.5, c.infillBarFraction());
  }

  @Test
  void readsReferenceFilesIgnoringKeysThatDoNotApply() {
    TrainConfig c = TrainConfig.fromJson("{\"learning_rate\": 3e-4, \"lr_scheduler_type\":"
        + " \"cosine\", \"logger\": \"wandb\", \"wandb_project\": \"x\", \"max_steps\": 500000,"
        + " \"precision\": \"fp32\", \"mask_mode\": 2}");
    assertEquals(3e-4, c.learningRate());
    assertEquals("cosine", c.lrSchedulerType());
    assertEquals(500000, c.maxSteps());
    assertEquals(500000, c.totalSteps(10));
  }

  @Test
  void epochsDecideTheStepsWithoutMaxSteps() {
    TrainConfig c = TrainConfig.fromJson("{\"per_device_batch_size\": 4,"
        + " \"gradient_accumulation_steps\": 2, \"num_epochs\": 3}");
    // ceil(17 / 8) = 3 steps per epoch.
    assertEquals(9, c.totalSteps(17));
  }

  @Test
  void badValuesNameTheField() {
    InvalidConfigException e = assertThrows(InvalidConfigException.class,
        () -> TrainConfig.fromJson("{\"n_embd\": 100, \"n_head\": 3}"));
    assertTrue(e.getMessage().contains("n_embd must be a multiple of n_head"), e.getMessage());
    e = assertThrows(InvalidConfigException.class,
        () -> TrainConfig.fromJson("{\"lr_scheduler_type\": \"step\"}"));
    assertTrue(e.getMessage().contains("lr_scheduler_type"), e.getMessage());
    e = assertThrows(InvalidConfigException.class,
        () -> TrainConfig.fromJson("{\"precision\": \"bf16\"}"));
    assertTrue(e.getMessage().contains("precision"), e.getMessage());
    e = assertThrows(InvalidConfigException.class,
        () -> TrainConfig.fromJson("{\"learning_rate\": \"fast\"}"));
    assertTrue(e.getMessage().contains("learning_rate"), e.getMessage());
    assertThrows(InvalidConfigException.class, () -> TrainConfig.fromJson("{not json"));
  }

  @Test
  void scheduleWarmsUpThenDecays() {
    LearningRateSchedule cosine = new LearningRateSchedule(1.0, 10, 110, "cosine");
    assertEquals(0.0, cosine.at(0));
    assertEquals(0.5, cosine.at(5), 1e-12);
    assertEquals(1.0, cosine.at(10), 1e-12);
    assertEquals(0.5, cosine.at(60), 1e-12);
    assertEquals(0.0, cosine.at(110), 1e-12);
    LearningRateSchedule linear = new LearningRateSchedule(2.0, 0, 100, "linear");
    assertEquals(1.0, linear.at(50), 1e-12);
    assertEquals(2.0, new LearningRateSchedule(2.0, 0, 100, "constant").at(99));
  }
}
