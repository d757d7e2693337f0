// The frame tandem_arm64_switch (context.S) pushes on a task's stack and PrepareContext
// (port.cc) builds for a fresh task: one definition for the assembly and the C++, plain macros
// so the assembler can include it.
#ifndef TANDEM_ARM64_CONTEXT_LAYOUT_H_
#define TANDEM_ARM64_CONTEXT_LAYOUT_H_

// x19-x30: the AAPCS64 callee-saved registers and the return address, 8 bytes each.
#define TANDEM_ARM64_CONTEXT_SIZE 96
// Byte offsets in the frame: x19 carries a fresh context's entry, x30 is where the first switch
// to it returns (tandem_arm64_context_start).
#define TANDEM_ARM64_CONTEXT_X19 0
#define TANDEM_ARM64_CONTEXT_X30 88

#endif  // TANDEM_ARM64_CONTEXT_LAYOUT_H_
