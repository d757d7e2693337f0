# The OSEK scenario configurations built as arm64 images (one image each), shared by the arm64
# build (which builds them) and the host build (which registers their ctest boots). They mirror
# tests/conformance/CMakeLists.txt: each class's template in full, non and mixed scheduling.
set(tandem_ts_bcc1_tasks T1 T2 T3 T4)
set(tandem_ts_bcc1_mixed_non T3)
set(tandem_ts_bcc2_tasks T1 T2a T2b T3)
set(tandem_ts_bcc2_mixed_non T2a)
set(tandem_ts_ecc1_tasks T1 E2 E3 T4)
set(tandem_ts_ecc1_mixed_non E2)
set(tandem_ts_ecc2_tasks T1 E2a E2b B2 T3)
set(tandem_ts_ecc2_mixed_non E2a)
set(tandem_ts_classes bcc1 bcc2 ecc1 ecc2)
set(tandem_ts_configs "")
foreach(class ${tandem_ts_classes})
  foreach(sched full non mixed)
    list(APPEND tandem_ts_configs ${class}_${sched})
  endforeach()
endforeach()
list(APPEND tandem_ts_configs priority_space)
