// The three rounding rules the reference mixes. Getting them wrong changes tokens, so every
// call site names the rule it needs instead of using std::round directly.
#pragma once

#include <cmath>
#include <cstdint>

namespace midigpt {

/// C/C++ round(): halves go away from zero (the reference's C++ reader and writer).
inline int64_t roundHalfAway(double x) { return static_cast<int64_t>(std::llround(x)); }

/// Python round(): halves go to the even neighbour (the reference's Python analyzer).
inline int64_t roundHalfEven(double x) { return static_cast<int64_t>(std::nearbyint(x)); }

/// Python int(): truncation toward zero (the reference's resampler).
inline int64_t truncate(double x) { return static_cast<int64_t>(std::trunc(x)); }

}  // namespace midigpt
