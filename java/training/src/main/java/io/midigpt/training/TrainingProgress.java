package io.midigpt.training;

/**
 * One optimizer step's figures.
 *
 * @param step steps done
 * @param totalSteps steps the run will take
 * @param loss mean loss per target of this step (nats)
 * @param learningRate the rate this step used
 * @param tokensPerSecond targets per second over the recent steps
 * @param etaSeconds estimated time to the end
 * @param evalLoss the latest validation loss, NaN before the first evaluation
 */
public record TrainingProgress(
    long step,
    long totalSteps,
    double loss,
    double learningRate,
    double tokensPerSecond,
    double etaSeconds,
    double evalLoss) {}
