// Runs the real hvc stubs (xen/arch/arm64/hypercall.S) and Arm64Hypervisor on arm64 Linux user
// mode (qemu-aarch64-static on the build host). There `hvc` is undefined at EL0 and raises
// SIGILL; the handler plays Xen: it checks the Xen ARM hypercall ABI (xen/arch-arm.h: number in
// x16, arguments in x0..x2, the instruction `hvc #0xEA1`), answers in x0 and steps over the hvc.
// Hosted arm64 Linux, no GoogleTest: a self-checking main, exit status 0 = pass.
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <ucontext.h>

#include "tandem/xen/arm64_hypervisor.h"

namespace {

struct Expect {
  uint64_t number;
  int args;  // x0..x(args-1) are checked; the others hold whatever the caller left
  uint64_t x0, x1, x2;
  int64_t answer;
};
Expect g_expect;
int g_traps = 0;
int g_failures = 0;

void Check(bool ok, const char* what) {
  if (!ok) {
    ++g_failures;
    printf("FAIL: %s\n", what);
  }
}

void OnSigill(int, siginfo_t*, void* raw) {
  auto* uc = static_cast<ucontext_t*>(raw);
  const uint32_t insn = *reinterpret_cast<const uint32_t*>(uc->uc_mcontext.pc);
  // HVC #imm16 encoding (Arm ARM C6.2.97): 0xd4000002 | imm16 << 5.
  Check(insn == (0xd4000002u | (0xEA1u << 5)), "the instruction is hvc #0xEA1");
  if (uc->uc_mcontext.regs[16] != g_expect.number) {
    printf("x16 = %llu, want %llu\n", static_cast<unsigned long long>(uc->uc_mcontext.regs[16]),
           static_cast<unsigned long long>(g_expect.number));
  }
  Check(uc->uc_mcontext.regs[16] == g_expect.number, "hypercall number in x16");
  Check(uc->uc_mcontext.regs[0] == g_expect.x0, "first argument in x0");
  Check(g_expect.args < 2 || uc->uc_mcontext.regs[1] == g_expect.x1, "second argument in x1");
  Check(g_expect.args < 3 || uc->uc_mcontext.regs[2] == g_expect.x2, "third argument in x2");
  uc->uc_mcontext.regs[0] = static_cast<uint64_t>(g_expect.answer);
  uc->uc_mcontext.pc += 4;
  ++g_traps;
}

uint64_t Addr(const void* p) { return reinterpret_cast<uint64_t>(p); }

}  // namespace

int main() {
  using tandem::xen::XenStatus;
  struct sigaction sa = {};
  sa.sa_sigaction = OnSigill;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGILL, &sa, nullptr);
  tandem::xen::Arm64Hypervisor hv;
  int arg = 0;
  const char text[] = "hi";

  g_expect = {__HYPERVISOR_memory_op, 2, XENMEM_add_to_physmap, Addr(&arg), 0, 0};
  auto r1 = hv.MemoryOp(XENMEM_add_to_physmap, &arg);
  Check(r1.ok() && r1.value() == 0, "memory_op result 0");

  g_expect = {__HYPERVISOR_event_channel_op, 2, EVTCHNOP_send, Addr(&arg), 0, -XEN_EINVAL};
  auto r2 = hv.EventChannelOp(EVTCHNOP_send, &arg);
  Check(!r2.ok() && r2.error() == XenStatus::kInvalid, "-EINVAL becomes kInvalid");

  g_expect = {__HYPERVISOR_grant_table_op, 3, GNTTABOP_query_size, Addr(&arg), 1, 0};
  auto r3 = hv.GrantTableOp(GNTTABOP_query_size, &arg, 1);
  Check(r3.ok(), "grant_table_op with count in x2");

  g_expect = {__HYPERVISOR_sched_op, 2, SCHEDOP_yield, 0, 0, -XEN_ENOSYS};
  auto r4 = hv.SchedOp(SCHEDOP_yield, nullptr);
  Check(!r4.ok() && r4.error() == XenStatus::kNotImplemented, "-ENOSYS becomes kNotImplemented");

  g_expect = {__HYPERVISOR_hvm_op, 2, HVMOP_get_param, Addr(&arg), 0, 0};
  Check(hv.HvmOp(HVMOP_get_param, &arg).ok(), "hvm_op");

  g_expect = {__HYPERVISOR_xen_version, 2, XENVER_version, 0, 0, (4 << 16) | 17};
  auto r6 = hv.XenVersion(XENVER_version, nullptr);
  Check(r6.ok() && r6.value() == ((4 << 16) | 17), "xen_version returns the version");

  g_expect = {__HYPERVISOR_console_io, 3, CONSOLEIO_write, 2, Addr(text), -XEN_EPERM};
  auto r7 = hv.ConsoleIo(CONSOLEIO_write, 2, text);
  Check(!r7.ok() && r7.error() == XenStatus::kPermission, "console_io refused for a domU");

  Check(g_traps == 7, "one hvc per call");
  printf("%s: %d hypercalls checked\n", g_failures == 0 ? "PASS" : "FAIL", g_traps);
  return g_failures == 0 ? 0 : 1;
}
