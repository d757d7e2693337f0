// The Xen interface version Tandem is written against: Xen 4.17's public headers (latest
// interface 0x00040e00). Must be defined before any Xen header, in C++ and in assembly alike:
// without it xen-compat.h selects the legacy interface, and e.g. xen.h then maps
// __HYPERVISOR_event_channel_op to the old number 16 instead of 32.
#ifndef TANDEM_XEN_INTERFACE_VERSION_H_
#define TANDEM_XEN_INTERFACE_VERSION_H_

#ifndef __XEN_INTERFACE_VERSION__
#define __XEN_INTERFACE_VERSION__ 0x00040e00
#endif

#endif  // TANDEM_XEN_INTERFACE_VERSION_H_
