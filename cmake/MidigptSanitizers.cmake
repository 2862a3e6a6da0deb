# With MIDIGPT_SANITIZE or MIDIGPT_FUZZ every target is built with ASan + UBSan, so the unit
# tests and the fuzzer catch memory errors the moment they happen. Fuzz builds also instrument
# the core for libFuzzer's coverage feedback.
if(MIDIGPT_SANITIZE OR MIDIGPT_FUZZ)
  set(MIDIGPT_SANITIZER_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer
                              -fno-sanitize-recover=undefined)
  add_compile_options(${MIDIGPT_SANITIZER_FLAGS})
  add_link_options(${MIDIGPT_SANITIZER_FLAGS})
endif()
if(MIDIGPT_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
