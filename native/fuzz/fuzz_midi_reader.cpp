// libFuzzer target for the MIDI reader and writer. Any input must either parse or raise
// midigpt::Error; a parsed score must write and read back without anything else going wrong.
// ASan/UBSan (enabled for fuzz builds) turn memory errors and undefined behaviour into crashes.

#include <cstddef>
#include <cstdint>
#include <span>

#include "midigpt/error.hpp"
#include "midigpt/midi_io.hpp"

namespace {

void readWriteRead(std::span<const uint8_t> bytes, int32_t resolution) {
  try {
    const midigpt::Score score = midigpt::readMidi(bytes, resolution);
    const std::vector<uint8_t> written = midigpt::writeMidi(score);
    (void)midigpt::readMidi(written, score.resolution);
  } catch (const midigpt::Error&) {
    // Rejecting malformed input (or a score beyond the writer's limits) is the expected outcome.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  readWriteRead(bytes, 480);
  readWriteRead(bytes, 12);
  return 0;
}
