# tandem_oil_from_template(<template> <out_var> [VAR=value...]): the text of an OIL template with
# each @VAR@ replaced by its value (one scenario template, several scheduling or status
# configurations). Used by the host suites (tandem_configure_oil, kernel_test.cmake) and the
# arm64 scenario images (tests/target_scenarios), so both build the same OIL.
function(tandem_oil_from_template template out_var)
  file(READ ${template} text)
  foreach(pair ${ARGN})
    string(REGEX REPLACE "=.*" "" key "${pair}")
    string(REGEX REPLACE "^[^=]*=" "" value "${pair}")
    string(REPLACE "@${key}@" "${value}" text "${text}")
  endforeach()
  if(text MATCHES "@[A-Z_0-9]+@")
    message(FATAL_ERROR "${template}: unreplaced ${CMAKE_MATCH_0}")
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${template})
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()
