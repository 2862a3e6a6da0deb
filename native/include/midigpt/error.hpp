// Errors raised by the core. Every failure caused by input (a file, a config, a token list, a
// score handed over from Java) is a midigpt::Error whose code tells the Java facade which domain
// exception to raise; anything else reaching the bridge is an internal error.
#pragma once

#include <stdexcept>
#include <string>

namespace midigpt {

enum class ErrorCode {
  InvalidMidi,    // the bytes are not a MIDI file we can read
  InvalidConfig,  // an encoder config is malformed or inconsistent
  InvalidScore,   // a score violates the model's invariants (e.g. unknown time signature)
  InvalidTokens,  // a token sequence is out of the vocabulary or cannot be decoded
  InvalidArgument, // any other bad argument (options, sizes, indices)
  InvalidRequest   // a generation request breaks a validation rule (spec §6.4)
};

/// Stable name of a code, used as the message prefix the Java side dispatches on.
const char* errorCodeName(ErrorCode code) noexcept;

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message);
  ErrorCode code() const noexcept { return code_; }
  /// The message without the "<Code>: " prefix.
  const std::string& detail() const noexcept { return detail_; }

 private:
  ErrorCode code_;
  std::string detail_;
};

}  // namespace midigpt
