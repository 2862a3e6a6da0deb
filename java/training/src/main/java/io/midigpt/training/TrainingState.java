package io.midigpt.training;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where a run stands, saved with each checkpoint: with the weights and optimizer moments it is
 * all {@code --resume} needs, because samples are a function of their index.
 *
 * @param step optimizer steps done
 * @param microBatches micro-batches consumed (the data position)
 * @param tokens targets trained on so far
 * @param elapsedSeconds training time so far, over all sessions of the run
 */
record TrainingState(
    @JsonProperty("step") long step,
    @JsonProperty("micro_batches") long microBatches,
    @JsonProperty("tokens") long tokens,
    @JsonProperty("elapsed_seconds") double elapsedSeconds) {

  static final TrainingState START = new TrainingState(0, 0, 0, 0);
}
