package io.midigpt.training;

/**
 * The reference's LambdaLR (spec §10.4): linear warmup from 0, then linear decay to 0, half a
 * cosine to 0, or constant. {@code at(s)} is the rate of optimizer step {@code s} (0-based).
 */
record LearningRateSchedule(double base, int warmupSteps, long totalSteps, String type) {
  double at(long step) {
    if (step < warmupSteps) {
      return base * step / warmupSteps;
    }
    double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
    double factor = switch (type) {
      case "linear" -> Math.max(0, 1 - progress);
      case "cosine" -> Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress)));
      case "constant" -> 1;
      default -> throw new IllegalStateException("unknown schedule " + type);
    };
    return base * factor;
  }
}
