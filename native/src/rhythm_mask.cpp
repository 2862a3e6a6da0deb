#include "midigpt/rhythm_mask.hpp"

namespace midigpt {
namespace {

/// A unit's length as a fraction of a quarter note.
struct GridUnit {
  std::string_view name;
  int32_t numerator;
  int32_t denominator;
};

const std::vector<GridUnit>& units() {
  static const std::vector<GridUnit> table = {
      {"whole", 4, 1},           {"half", 2, 1},
      {"quarter", 1, 1},         {"eighth", 1, 2},
      {"sixteenth", 1, 4},       {"quarter_triplet", 2, 3},
      {"eighth_triplet", 1, 3},  {"sixteenth_triplet", 1, 6},
  };
  return table;
}

}  // namespace

const std::vector<std::string_view>& rhythmGridUnits() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> list;
    for (const GridUnit& unit : units()) list.push_back(unit.name);
    return list;
  }();
  return names;
}

int32_t rhythmGridTicks(std::string_view unit, int32_t resolution) {
  for (const GridUnit& known : units()) {
    if (known.name != unit) continue;
    const int64_t scaled = static_cast<int64_t>(resolution) * known.numerator;
    if (resolution <= 0 || scaled % known.denominator != 0) return 0;
    return static_cast<int32_t>(scaled / known.denominator);
  }
  return 0;
}

}  // namespace midigpt
