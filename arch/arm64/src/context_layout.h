// The two frames the port's assembly lays out, defined once for the assembly and the C++ (plain
// macros so the assembler can include this): the context frame tandem_arm64_switch (context.S)
// pushes on a task's stack and PrepareContext (port.cc) builds for a fresh task, and the
// exception frame the vectors (vectors.S) push and ExceptionFrame (port_internal.h) reads.
#ifndef TANDEM_ARM64_CONTEXT_LAYOUT_H_
#define TANDEM_ARM64_CONTEXT_LAYOUT_H_

// x19-x30: the AAPCS64 callee-saved registers and the return address, 8 bytes each.
#define TANDEM_ARM64_CONTEXT_SIZE 96
// Byte offsets in the frame: x19 carries a fresh context's entry, x30 is where the first switch
// to it returns (tandem_arm64_context_start).
#define TANDEM_ARM64_CONTEXT_X19 0
#define TANDEM_ARM64_CONTEXT_X30 88

// Exception frame: x0-x30, ELR_EL1, SPSR_EL1, padding to keep SP 16-byte aligned.
#define TANDEM_ARM64_FRAME_SIZE 272
// Byte offsets of x30 (stored as a pair with ELR_EL1) and of SPSR_EL1.
#define TANDEM_ARM64_FRAME_X30 240
#define TANDEM_ARM64_FRAME_SPSR 256

#endif  // TANDEM_ARM64_CONTEXT_LAYOUT_H_
