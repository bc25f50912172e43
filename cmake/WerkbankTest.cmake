# SPDX-License-Identifier: EUPL-1.2
# werkbank_add_test(NAME source.cc LIBS ...): one GoogleTest executable per test
# file, registered with ctest. Test binaries find werkbankd and the CLI through
# the WERKBANK_BIN_DIR environment variable.
function(werkbank_add_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gmock GTest::gtest_main werkbank_warnings)
  add_test(NAME ${name} COMMAND ${name})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES TIMEOUT ${ARG_TIMEOUT}
    ENVIRONMENT "WERKBANK_BIN_DIR=${CMAKE_BINARY_DIR}/bin"
    LABELS "${ARG_LABELS}")
endfunction()
