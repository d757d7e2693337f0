include(GoogleTest)
include(${CMAKE_CURRENT_LIST_DIR}/oil_template.cmake)

# Adds the harness library once, whichever test directory comes first.
function(tandem_kernel_test_harness)
  if(NOT TARGET tandem_test_harness)
    add_subdirectory(${PROJECT_SOURCE_DIR}/tests/conformance/harness
                     ${CMAKE_BINARY_DIR}/tests/harness)
  endif()
endfunction()

# tandem_kernel_test(<target> OIL <file> LABEL <label> SOURCES <src>... [DEFINES <def>...]
#                    [TRACE <records>])
#
# One OSEK application (one OIL configuration) = one GoogleTest executable; each TEST runs the
# system once (StartOS ... ShutdownOS). Tests are registered one by one with ctest. TRACE: the
# traced kernel (tandem_add_app's TRACE, docs/trace.md).
function(tandem_kernel_test target)
  cmake_parse_arguments(T "" "OIL;LABEL;TRACE" "SOURCES;DEFINES" ${ARGN})
  set(trace "")
  if(T_TRACE)
    set(trace TRACE ${T_TRACE})
  endif()
  tandem_add_app(${target} OIL ${T_OIL} SOURCES ${T_SOURCES} ${trace}
                 LIBS tandem_test_harness GTest::gtest_main)
  if(T_DEFINES)
    target_compile_definitions(${target} PRIVATE ${T_DEFINES})
  endif()
  gtest_discover_tests(${target} TEST_PREFIX "${target}." DISCOVERY_MODE PRE_TEST
                       PROPERTIES LABELS ${T_LABEL} TIMEOUT 60)
endfunction()

# Writes <name>.oil into the build tree from a template, replacing @VAR@ by the values given as
# VAR=value pairs (one scenario template, several scheduling or status configurations).
function(tandem_configure_oil template out)
  tandem_oil_from_template(${template} text ${ARGN})
  file(CONFIGURE OUTPUT ${out} CONTENT "${text}" @ONLY)
endfunction()
