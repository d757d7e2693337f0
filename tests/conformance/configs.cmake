# The OSEK scenario configurations, in one place for both builds that use them:
# tests/conformance (one host GoogleTest executable per configuration) and tests/target_scenarios
# (one arm64 image per configuration, booted on Xen). A configuration is an OIL template with its
# @VAR@ substitutions, the scenario sources compiled against it and the scheduling policy the
# sources expect (TANDEM_SCHED: 0 full, 1 non, 2 mixed; Pick() in scenario.h).
#
# After include(), for each name in tandem_sc_configs:
#   tandem_sc_<config>_template   the OIL file or template (in tests/conformance)
#   tandem_sc_<config>_sources    the scenario sources (file names in tests/conformance)
#   tandem_sc_<config>_sched      0, 1 or 2
#   tandem_sc_<config>_pairs      VAR=value substitutions (@S_<task>@, @STATUS@)
set(tandem_sc_configs "")

function(tandem_sc_add config template sched pairs sources)
  set(tandem_sc_configs ${tandem_sc_configs} ${config} PARENT_SCOPE)
  set(tandem_sc_${config}_template ${template} PARENT_SCOPE)
  set(tandem_sc_${config}_sched ${sched} PARENT_SCOPE)
  set(tandem_sc_${config}_pairs ${pairs} PARENT_SCOPE)
  set(tandem_sc_${config}_sources ${sources} PARENT_SCOPE)
endfunction()

# A scenario class: its template with SCHEDULE = @S_<task>@ for each of TASKS, built in full-,
# non- and mixed-preemptive scheduling (MIXED_NON are the non-preemptive tasks of the mixed
# one), once per STATUS if given (@STATUS@; configurations <class>_<status>_<sched>, status
# "ext" or "std"), else <class>_<sched>.
macro(tandem_sc_class class)
  cmake_parse_arguments(C "" "TEMPLATE" "SOURCES;TASKS;MIXED_NON;STATUS" ${ARGN})
  set(c_statuses ${C_STATUS})
  if(NOT c_statuses)
    set(c_statuses NONE)
  endif()
  foreach(c_status ${c_statuses})
    foreach(c_sched full non mixed)
      set(c_pairs "")
      foreach(c_task ${C_TASKS})
        if(c_sched STREQUAL "non" OR (c_sched STREQUAL "mixed" AND c_task IN_LIST C_MIXED_NON))
          list(APPEND c_pairs S_${c_task}=NON)
        else()
          list(APPEND c_pairs S_${c_task}=FULL)
        endif()
      endforeach()
      set(c_scheds full non mixed)
      list(FIND c_scheds ${c_sched} c_code)
      if(c_status STREQUAL "NONE")
        set(c_name ${class}_${c_sched})
      else()
        list(APPEND c_pairs STATUS=${c_status})
        if(c_status STREQUAL "EXTENDED")
          set(c_name ${class}_ext_${c_sched})
        else()
          set(c_name ${class}_std_${c_sched})
        endif()
      endif()
      tandem_sc_add(${c_name} ${C_TEMPLATE} ${c_code} "${c_pairs}" "${C_SOURCES}")
    endforeach()
  endforeach()
endmacro()

# The conformance classes of OSEK OS 2.2.3 3.2.
tandem_sc_class(bcc1 TEMPLATE bcc1.oil.in SOURCES bcc1_test.cc TASKS T1 T2 T3 T4 MIXED_NON T3)
tandem_sc_class(bcc2 TEMPLATE bcc2.oil.in SOURCES bcc2_test.cc TASKS T1 T2a T2b T3 MIXED_NON T2a)
tandem_sc_class(ecc1 TEMPLATE ecc1.oil.in SOURCES ecc1_test.cc TASKS T1 E2 E3 T4 MIXED_NON E2)
tandem_sc_class(ecc2 TEMPLATE ecc2.oil.in SOURCES ecc2_test.cc TASKS T1 E2a E2b B2 T3
                MIXED_NON E2a)
# Issue 2 item 3: tasks ranked above an interrupt (and the system timer) mask it.
tandem_sc_add(priority_space priority_space.oil 0 "" priority_space_test.cc)
# Issue 10: rules of OSEK OS 2.2.3 where Tandem RT deviated, in both statuses.
tandem_sc_class(rules TEMPLATE rules.oil.in TASKS T1 T2 E2 T3 T4 TTop MIXED_NON T3
                STATUS EXTENDED STANDARD
                SOURCES rules_glue.cc access_test.cc hook_order_test.cc critical_section_test.cc
                        shutdown_test.cc isr_task_id_test.cc)
# Issue 10 item 5: OIL written for other OSEK kernels (one APPMODE std, StartOS(OSDEFAULTAPPMODE)).
tandem_sc_add(default_appmode default_appmode.oil 0 ""
              "default_appmode_test.cc;default_appmode_c_check.c")
