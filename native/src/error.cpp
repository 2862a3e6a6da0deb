#include "midigpt/error.hpp"

namespace midigpt {

const char* errorCodeName(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::InvalidMidi:
      return "InvalidMidi";
    case ErrorCode::InvalidConfig:
      return "InvalidConfig";
    case ErrorCode::InvalidScore:
      return "InvalidScore";
    case ErrorCode::InvalidTokens:
      return "InvalidTokens";
    case ErrorCode::InvalidArgument:
      return "InvalidArgument";
    case ErrorCode::InvalidRequest:
      return "InvalidRequest";
  }
  return "InvalidArgument";
}

Error::Error(ErrorCode code, const std::string& message)
    : std::runtime_error(std::string(errorCodeName(code)) + ": " + message),
      code_(code),
      detail_(message) {}

}  // namespace midigpt
