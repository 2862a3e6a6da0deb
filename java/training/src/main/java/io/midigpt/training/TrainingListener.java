package io.midigpt.training;

/** What a training run reports as it goes; the CLI draws a progress bar from it. */
public interface TrainingListener {
  /** A line of information (data indexed, resumed from, checkpoint saved, ...). */
  default void message(String text) {}

  /** After every optimizer step. */
  default void step(TrainingProgress progress) {}

  TrainingListener SILENT = new TrainingListener() {};
}
