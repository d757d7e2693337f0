# tandem_add_app(<target> OIL <file.oil> SOURCES <src>... [LIBS <lib>...] [OILC_FLAGS <flag>...]
#                [SCHEDULABILITY report|error [SCHEDULABILITY_REPORT <file>]])
#
# Builds an OSEK application: runs oilc on the OIL file (generating os_cfg.h and os_cfg.cc in
# the build tree), then links the application's sources, the generated tables, the kernel and
# the port of TANDEM_TARGET. On the host this is an executable; on arm64 an ELF that
# tandem_rt_image() turns into a bootable Image. SCHEDULABILITY runs oilc's response-time
# analysis at build time (docs/oil.md, "Schedulability"): the table is printed in the build's
# output and saved to SCHEDULABILITY_REPORT (default <target>_cfg/schedulability.txt); with
# error, a missed deadline fails the build.
function(tandem_add_app target)
  cmake_parse_arguments(APP "" "OIL;SCHEDULABILITY;SCHEDULABILITY_REPORT"
                        "SOURCES;LIBS;OILC_FLAGS;INCLUDE_DIRS" ${ARGN})
  if(NOT APP_OIL)
    message(FATAL_ERROR "tandem_add_app(${target}): OIL <file> is required")
  endif()
  get_filename_component(oil_abs ${APP_OIL} ABSOLUTE)
  set(gen_dir ${CMAKE_CURRENT_BINARY_DIR}/${target}_cfg)
  if(TANDEM_TARGET STREQUAL "host")
    set(oilc_cmd $<TARGET_FILE:oilc>)
    set(oilc_dep oilc)
    list(APPEND APP_OILC_FLAGS --stack-min 262144)
  else()
    if(NOT TANDEM_OILC)
      message(FATAL_ERROR "arm64 builds need -DTANDEM_OILC=<host build>/tools/oilc/oilc")
    endif()
    set(oilc_cmd ${TANDEM_OILC})
    set(oilc_dep ${TANDEM_OILC})  # a rebuilt oilc regenerates the tables
  endif()
  set(report_output "")
  set(show_report "")
  if(APP_SCHEDULABILITY)
    if(NOT APP_SCHEDULABILITY MATCHES "^(report|error)$")
      message(FATAL_ERROR "tandem_add_app(${target}): SCHEDULABILITY is report or error")
    endif()
    if(NOT APP_SCHEDULABILITY_REPORT)
      set(APP_SCHEDULABILITY_REPORT ${gen_dir}/schedulability.txt)
    endif()
    list(APPEND APP_OILC_FLAGS --schedulability=${APP_SCHEDULABILITY}
         --schedulability-report ${APP_SCHEDULABILITY_REPORT})
    set(report_output ${APP_SCHEDULABILITY_REPORT})
    if(APP_SCHEDULABILITY STREQUAL "error")
      # oilc prints the table only with report; show it in the build's output with error too.
      set(show_report COMMAND ${CMAKE_COMMAND} -E cat ${APP_SCHEDULABILITY_REPORT})
    endif()
  endif()
  set(oil_includes "")
  foreach(inc ${APP_INCLUDE_DIRS})
    list(APPEND oil_includes -I ${inc})
  endforeach()
  add_custom_command(
    OUTPUT ${gen_dir}/os_cfg.h ${gen_dir}/os_cfg.cc ${report_output}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${gen_dir}
    COMMAND ${oilc_cmd} ${oil_includes} ${APP_OILC_FLAGS} --depfile ${gen_dir}/os_cfg.d
            -o ${gen_dir} ${oil_abs}
    ${show_report}
    DEPENDS ${oil_abs} ${oilc_dep}
    # The #included OIL files (command_server.oil, ...): oilc lists every file it read.
    DEPFILE ${gen_dir}/os_cfg.d
    COMMENT "oilc ${APP_OIL}"
    VERBATIM)
  add_executable(${target} ${APP_SOURCES} ${gen_dir}/os_cfg.cc)
  target_include_directories(${target} PRIVATE ${gen_dir})
  # The kernel and the port call each other (services <-> interrupt entry): list the kernel twice.
  target_link_libraries(${target} PRIVATE tandem_kernel tandem_port tandem_kernel ${APP_LIBS})
endfunction()
