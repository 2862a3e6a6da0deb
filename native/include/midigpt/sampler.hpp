// Next-token sampling over a raw logits buffer (reference spec §6.10): constraint mask,
// temperature, softmax, top_k -> top_p -> mask_k -> mask_p, then a seeded categorical draw.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "midigpt/constraints.hpp"

namespace midigpt {

/// The InferenceConfig fields that shape one draw. Defaults turn every filter off.
struct SamplerParams {
  float temperature = 1.0f;  // > 0; logits are divided by it before the softmax
  int32_t topK = 0;          // >= 0; keep the k most likely tokens, 0: off
  float topP = 1.0f;         // (0, 1]; keep the smallest most-likely prefix with mass >= p, 1: off
  int32_t maskK = 0;         // >= 0; then drop the k most likely survivors, 0: off
  float maskP = 0.0f;        // [0, 1); then drop the most likely survivors holding mass p, 0: off
  /// >= 0: the draws are a fixed function of the seed and the logits. < 0: seeded from
  /// std::random_device (not reproducible), like the reference's untouched torch RNG.
  int64_t seed = -1;
};

/// xoshiro256** (Blackman & Vigna) with its state filled by splitmix64 from the seed: a fixed
/// algorithm, so a seed gives the same stream with every compiler and standard library.
class Rng {
 public:
  explicit Rng(uint64_t seed) noexcept;
  uint64_t next() noexcept;
  /// Uniform in [0, 1): the top 53 bits of next() times 2^-53.
  double uniform() noexcept;

 private:
  uint64_t state_[4];
};

/// Index drawn from non-negative weights by inverse CDF: the first index whose running sum
/// (double precision, index order) exceeds u·Σw, skipping zero weights; the last positive
/// weight if rounding leaves none. Throws InvalidArgument when no weight is positive or u is
/// outside [0, 1).
int32_t drawCategorical(std::span<const float> weights, double u);

class Sampler {
 public:
  /// `constraints`, when given, is read (not stepped) on every call: the caller feeds it the
  /// prompt, advances it with every sampled token and sets the infill drum flag, and must keep
  /// it alive while the sampler uses it. Throws InvalidArgument for out-of-range params.
  explicit Sampler(SamplerParams params = {}, const ConstraintSet* constraints = nullptr);

  /// One token: distribution(logits), then a draw from the sampler's RNG.
  int32_t sample(std::span<float> logits);

  /// Turns the logits into the distribution sample() draws from, in place (zero-copy):
  ///  1. tokens the constraints forbid get -inf; none allowed -> InvalidArgument;
  ///  2. p = softmax(logits / temperature); if Σp is NaN or < 1e-6 (NaN/+inf logits, or every
  ///     allowed logit -inf), p is uniform over the allowed tokens; then the constraints' soft
  ///     weights (Constraint::weigh) multiply p, renormalised;
  ///  3. only when a filter is active, on p sorted descending (ties: lower id first) with
  ///     float running sums c: top_k keeps the first k if 0 < k < #(p > 0); top_p keeps the
  ///     first (first i with c[i] >= top_p) + 1, computed on the unfiltered p; survivors are
  ///     renormalised (running sums c2) and, with m survivors, mask_k drops the first k if
  ///     0 < k < m and mask_p drops the first min((first i with c2[i] >= mask_p) + 1, m - 1);
  ///     the result is p over the survivors, renormalised.
  /// Throws InvalidArgument for an empty buffer or one that does not match the constraints'
  /// vocabulary.
  void distribution(std::span<float> logits);

  /// Restarts the RNG stream (the session reseeds every attempt with seed + attempt).
  void reseed(uint64_t seed) noexcept { rng_ = Rng(seed); }
  /// Temperature for the next draws (attempts escalate it); throws InvalidArgument unless > 0.
  void setTemperature(float temperature);
  const SamplerParams& params() const noexcept { return params_; }

 private:
  void applyWeights(std::span<float> probabilities);
  void applyFilters(std::span<float> probabilities);

  SamplerParams params_;
  const ConstraintSet* constraints_;
  Rng rng_;
  std::vector<uint8_t> allowed_;  // per-call scratch, kept to avoid reallocation
  std::vector<int32_t> order_;
  std::vector<uint8_t> keep_;
  std::vector<float> weighed_;
};

}  // namespace midigpt
