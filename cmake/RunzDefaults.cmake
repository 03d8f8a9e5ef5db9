# Per-target defaults so the static guest agent can opt out of sanitizers while host code opts in.

# Warnings for every target of ours.
function(runz_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
                                           -Wnon-virtual-dtor -Wold-style-cast -Wcast-align)
  if(RUNZ_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# Sanitizers for host code (libraries, CLI, tests) when RUNZ_SANITIZE is on.
function(runz_sanitize target)
  if(RUNZ_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()

# A host target: warnings + sanitizers.
function(runz_host_target target)
  runz_warnings(${target})
  runz_sanitize(${target})
endfunction()

# A doctest unit test registered with ctest. Usage:
#   runz_unit_test(NAME spec_config_test SOURCES a_test.cpp LIBS runz_spec)
# Nothing when RUNZ_BUILD_TESTS is off.
function(runz_unit_test)
  if(NOT RUNZ_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(T "" "NAME" "SOURCES;LIBS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} runz_doctest_main)
  runz_host_target(${T_NAME})
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  set_tests_properties(${T_NAME} PROPERTIES LABELS unit)
endfunction()
