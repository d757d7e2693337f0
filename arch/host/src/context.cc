// Contexts of the host port: ucontext on the task's own stack. The ucontext_t sits at the low
// end of the stack area, below the part the task uses, so the kernel only keeps a pointer.
#include <signal.h>
#include <stdint.h>
#include <ucontext.h>

#include <cstdio>
#include <cstdlib>

#include "tandem/arch.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#define TANDEM_ASAN_FIBERS 1
#endif

namespace tandem::arch {

namespace {

struct HostContext {
  ucontext_t uc;
  void* stack_bottom;  // usable stack, for AddressSanitizer's fiber bookkeeping
  size_t stack_size;
  void (*entry)();
  void* fake_stack;
};

HostContext g_boot;  // the caller of StartOS (the test's thread)

HostContext* AsHost(Context c) { return static_cast<HostContext*>(c); }

#ifdef TANDEM_ASAN_FIBERS
void BeforeSwitch(HostContext* from, HostContext* to) {
  __sanitizer_start_switch_fiber(from != nullptr ? &from->fake_stack : nullptr, to->stack_bottom,
                                 to->stack_size);
}
void AfterSwitch(HostContext* self) {
  const void* prev_bottom = nullptr;
  size_t prev_size = 0;
  __sanitizer_finish_switch_fiber(self != nullptr ? self->fake_stack : nullptr, &prev_bottom,
                                  &prev_size);
  if (g_boot.stack_bottom == nullptr && prev_bottom != nullptr) {
    g_boot.stack_bottom = const_cast<void*>(prev_bottom);
    g_boot.stack_size = prev_size;
  }
}
#else
void BeforeSwitch(HostContext*, HostContext*) {}
void AfterSwitch(HostContext*) {}
#endif

HostContext* g_starting = nullptr;

void ContextStart() {
  HostContext* self = g_starting;
  AfterSwitch(nullptr);
  self->entry();
  Panic("context entry returned");
}

}  // namespace

Context PrepareContext(void* stack, size_t size, void (*entry)()) {
  auto base = reinterpret_cast<uintptr_t>(stack);
  auto ctx_addr = (base + alignof(HostContext) - 1) & ~(uintptr_t{alignof(HostContext)} - 1);
  auto* ctx = reinterpret_cast<HostContext*>(ctx_addr);
  auto usable = (ctx_addr + sizeof(HostContext) + 15) & ~uintptr_t{15};
  const auto end = base + size;
  if (usable + 4096 > end) Panic("task stack too small for the host port");
  *ctx = HostContext{};
  if (getcontext(&ctx->uc) != 0) Panic("getcontext failed");
  ctx->uc.uc_stack.ss_sp = reinterpret_cast<void*>(usable);
  ctx->uc.uc_stack.ss_size = end - usable;
  ctx->uc.uc_link = nullptr;
  // Every context starts with signals unblocked, even when prepared inside the timer signal.
  sigemptyset(&ctx->uc.uc_sigmask);
  ctx->stack_bottom = ctx->uc.uc_stack.ss_sp;
  ctx->stack_size = ctx->uc.uc_stack.ss_size;
  ctx->entry = entry;
  makecontext(&ctx->uc, &ContextStart, 0);
  return ctx;
}

void SwitchContext(Context* from, Context to) {
  if (*from == nullptr) *from = &g_boot;
  HostContext* self = AsHost(*from);
  HostContext* target = AsHost(to);
  g_starting = target;
  BeforeSwitch(self, target);
  if (swapcontext(&self->uc, &target->uc) != 0) Panic("swapcontext failed");
  AfterSwitch(self);
}

void ResumeContext(Context to) {
  HostContext* target = AsHost(to);
  g_starting = target;
  BeforeSwitch(nullptr, target);
  setcontext(&target->uc);
  Panic("setcontext failed");
}

void Panic(const char* message) {
  std::fprintf(stderr, "tandem-rt host port: panic: %s\n", message);
  std::fflush(stderr);
  std::abort();
}

}  // namespace tandem::arch
