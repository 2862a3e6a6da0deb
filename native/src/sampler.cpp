// Sampler chain (reference spec §6.10) and its RNG.

#include "midigpt/sampler.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <string>

#include "midigpt/error.hpp"

namespace midigpt {
namespace {

[[noreturn]] void invalidArgument(const std::string& message) {
  throw Error(ErrorCode::InvalidArgument, message);
}

uint64_t splitmix64(uint64_t& state) noexcept {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

constexpr uint64_t rotl(uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

void checkTemperature(float temperature) {
  if (!(temperature > 0.0f) || !std::isfinite(temperature)) {
    invalidArgument("temperature must be a finite number > 0, got " +
                    std::to_string(temperature));
  }
}

void checkParams(const SamplerParams& params) {
  checkTemperature(params.temperature);
  if (params.topK < 0) invalidArgument("top_k must be >= 0, got " + std::to_string(params.topK));
  if (params.maskK < 0) {
    invalidArgument("mask_k must be >= 0, got " + std::to_string(params.maskK));
  }
  if (!(params.topP > 0.0f && params.topP <= 1.0f)) {
    invalidArgument("top_p must be in (0, 1], got " + std::to_string(params.topP));
  }
  if (!(params.maskP >= 0.0f && params.maskP < 1.0f)) {
    invalidArgument("mask_p must be in [0, 1), got " + std::to_string(params.maskP));
  }
}

uint64_t initialSeed(int64_t seed) {
  if (seed >= 0) return static_cast<uint64_t>(seed);
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) ^ device();
}

}  // namespace

// --- Rng ---------------------------------------------------------------------------------------

Rng::Rng(uint64_t seed) noexcept {
  uint64_t state = seed;
  for (uint64_t& word : state_) word = splitmix64(state);
}

uint64_t Rng::next() noexcept {
  const uint64_t result = rotl(state_[1] * 5, 7) * 9;
  const uint64_t shifted = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= shifted;
  state_[3] = rotl(state_[3], 45);
  return result;
}

double Rng::uniform() noexcept {
  return static_cast<double>(next() >> 11) * 0x1.0p-53;
}

int32_t drawCategorical(std::span<const float> weights, double u) {
  if (!(u >= 0.0 && u < 1.0)) invalidArgument("u must be in [0, 1), got " + std::to_string(u));
  double total = 0.0;
  int32_t lastPositive = -1;
  for (size_t index = 0; index < weights.size(); ++index) {
    if (weights[index] > 0.0f) {
      total += weights[index];
      lastPositive = static_cast<int32_t>(index);
    }
  }
  if (lastPositive < 0) invalidArgument("cannot draw from weights without a positive entry");
  const double target = u * total;
  double running = 0.0;
  for (size_t index = 0; index < weights.size(); ++index) {
    if (!(weights[index] > 0.0f)) continue;
    running += weights[index];
    if (running > target) return static_cast<int32_t>(index);
  }
  return lastPositive;
}

// --- Sampler -----------------------------------------------------------------------------------

Sampler::Sampler(SamplerParams params, const ConstraintSet* constraints)
    : params_(params), constraints_(constraints), rng_(initialSeed(params.seed)) {
  checkParams(params_);
}

void Sampler::setTemperature(float temperature) {
  checkTemperature(temperature);
  params_.temperature = temperature;
}

int32_t Sampler::sample(std::span<float> logits) {
  distribution(logits);
  return drawCategorical(logits, rng_.uniform());
}

void Sampler::distribution(std::span<float> logits) {
  if (logits.empty()) invalidArgument("cannot sample from an empty logits buffer");
  constexpr float kMinusInfinity = -std::numeric_limits<float>::infinity();

  allowed_.assign(logits.size(), 1);
  if (constraints_ != nullptr) {
    if (logits.size() != static_cast<size_t>(constraints_->vocabularySize())) {
      invalidArgument("logits have " + std::to_string(logits.size()) +
                      " entries but the vocabulary has " +
                      std::to_string(constraints_->vocabularySize()));
    }
    constraints_->allowed(allowed_);
    if (std::find(allowed_.begin(), allowed_.end(), uint8_t{1}) == allowed_.end()) {
      invalidArgument("every token is masked: the constraints allow no next token");
    }
    for (size_t index = 0; index < logits.size(); ++index) {
      if (allowed_[index] == 0) logits[index] = kMinusInfinity;
    }
  }

  // Softmax of logits / T. NaN or +inf logits, or all allowed ones at -inf, make the sum NaN.
  float maximum = kMinusInfinity;
  for (float& logit : logits) {
    logit /= params_.temperature;
    if (logit > maximum) maximum = logit;
  }
  double total = 0.0;
  for (float& logit : logits) {
    logit = std::exp(logit - maximum);
    total += logit;
  }
  if (!(total >= 1e-6)) {
    // The model's mass collapsed onto forbidden tokens (or is not a number): stay inside the
    // grammar by drawing uniformly from the allowed tokens.
    const auto count = static_cast<float>(std::count(allowed_.begin(), allowed_.end(), 1));
    for (size_t index = 0; index < logits.size(); ++index) {
      logits[index] = allowed_[index] != 0 ? 1.0f / count : 0.0f;
    }
  } else {
    for (float& p : logits) p = static_cast<float>(p / total);
  }
  if (constraints_ != nullptr) applyWeights(logits);

  const bool filtering = params_.topK > 0 || params_.topP < 1.0f || params_.maskK > 0 ||
                         params_.maskP > 0.0f;
  if (filtering) applyFilters(logits);
}

void Sampler::applyWeights(std::span<float> p) {
  weighed_.assign(p.begin(), p.end());
  if (!constraints_->weigh(weighed_)) return;
  double total = 0.0;
  for (float weighed : weighed_) total += weighed;
  // Weights never reach zero, but tiny ones can underflow: then the unweighted p stands.
  if (!(total > 0.0)) return;
  for (size_t index = 0; index < p.size(); ++index) {
    p[index] = static_cast<float>(weighed_[index] / total);
  }
}

void Sampler::applyFilters(std::span<float> p) {
  const size_t size = p.size();
  order_.resize(size);
  std::iota(order_.begin(), order_.end(), 0);
  // Descending, ties by id, so the ranks (and the draws) do not depend on the sort algorithm.
  std::sort(order_.begin(), order_.end(), [&p](int32_t a, int32_t b) {
    const float pa = p[static_cast<size_t>(a)];
    const float pb = p[static_cast<size_t>(b)];
    return pa > pb || (pa == pb && a < b);
  });
  const auto at = [&](size_t rank) { return p[static_cast<size_t>(order_[rank])]; };

  // Every filter keeps a prefix of the sorted order, so survivors are ranks [first, last).
  // The tokens with p > 0 come first; there is at least one (the softmax's maximum).
  size_t last = 0;
  while (last < size && at(last) > 0.0f) ++last;
  const size_t positive = last;
  if (params_.topK > 0 && static_cast<size_t>(params_.topK) < positive) {
    last = static_cast<size_t>(params_.topK);
  }
  if (params_.topP < 1.0f) {
    // Rank of the first running sum >= top_p, on the unfiltered p; all of them when rounding
    // keeps the total below top_p.
    size_t rank = size;
    float running = 0.0f;
    for (size_t r = 0; r < size; ++r) {
      running += at(r);
      if (running >= params_.topP) {
        rank = r + 1;
        break;
      }
    }
    last = std::min(last, rank);
  }

  float survivorMass = 0.0f;
  for (size_t r = 0; r < last; ++r) survivorMass += at(r);
  size_t first = 0;
  if (params_.maskK > 0 && static_cast<size_t>(params_.maskK) < last) {
    first = static_cast<size_t>(params_.maskK);
  }
  if (params_.maskP > 0.0f) {
    // Over the renormalised survivors; never drops the last survivor.
    size_t rank = size + 1;
    float running = 0.0f;
    for (size_t r = 0; r < last; ++r) {
      running += at(r) / survivorMass;
      if (running >= params_.maskP) {
        rank = r + 1;
        break;
      }
    }
    first = std::max(first, std::min(rank, last - 1));
  }

  keep_.assign(size, 0);
  double keptMass = 0.0;
  for (size_t r = first; r < last; ++r) {
    keep_[static_cast<size_t>(order_[r])] = 1;
    keptMass += at(r);
  }
  for (size_t index = 0; index < size; ++index) {
    p[index] = keep_[index] != 0 ? static_cast<float>(p[index] / keptMass) : 0.0f;
  }
}

}  // namespace midigpt
