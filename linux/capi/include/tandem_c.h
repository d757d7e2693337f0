/* libtandem_c: a C ABI over libtandem (docs/python.md), for C programs and for the Python
 * package `tandem` (ctypes). Why a C ABI: ctypes needs no compiled extension matched to one
 * CPython's ABI, so dom0's Debian python3 loads it as is, and C users get the same operations.
 *
 * Rules of this ABI (stable from version 1 on):
 *   - Every operation returns an int status: 0 on success, else libtandem's Errc value, which is
 *     tandemctl's exit status for the same failure (docs/tandemctl.md, "Exit status"). Use
 *     tandem_errc_name() for its stable name ("refused", ...).
 *   - Every operation takes a `tandem_error*` last (may be NULL) and fills it on failure: the
 *     code, its name, what went wrong and where, what to do. No C++ exception crosses the ABI:
 *     anything unexpected is status 1 (internal).
 *   - A tandem_rtos is one persistent link to one RTOS domain: through tandemd when tandemd
 *     serves the domain (docs/daemon.md; any number of processes at once), else a session of its
 *     own (the channel has one writer: a second handle on the same domain then waits for the
 *     first, status 11 busy after its timeout). It is not thread-safe: one thread at a time per
 *     handle.
 *   - Structures are never resized; their `reserved` words are zero and may gain meaning later.
 *     New operations are new functions (see "Reserved for later" below); existing signatures
 *     never change. tandem_abi_version() tells which functions exist.
 */
#ifndef TANDEM_C_H_
#define TANDEM_C_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TANDEM_C_ABI_VERSION \
  3u /* 2: tandem_call, tandem_events_*; 3: tandem_open_with, tandem_via */

#define TANDEM_OK 0 /* every other status is a libtandem Errc (= tandemctl exit status) */

/* Why an operation failed. Text is NUL-terminated, cut to the buffer if longer. */
typedef struct tandem_error {
  int32_t code;         /* the status the function returned */
  uint32_t rtos_status; /* code 7 (refused): the RTOS's answer (tandem/channel/ops.h WireStatus:
                           1 unknown op, 2 bad argument, 3 bad payload, 4 bad flags, 5 permission
                           denied, 6 not supported, 7 busy, 8 hardware error); 0 otherwise */
  char name[32];        /* tandem_errc_name(code) */
  char message[512];    /* what is wrong, and where */
  char hint[512];       /* what to do ("" if nothing useful) */
  uint32_t reserved[8];
} tandem_error;

/* One domain, as `tandemctl list` shows it. */
typedef struct tandem_domain {
  uint32_t domid;
  int32_t published; /* 1: it publishes a Tandem channel (data/tandem) */
  uint64_t boot_id;  /* the RTOS's boot id; 0: none published */
  char name[68];     /* "" if the domain has no name */
  char channel[60];  /* "connected", "initwait", ... or why it is unusable; "" if unpublished */
  uint32_t reserved[8];
} tandem_domain;

/* The RTOS a handle talks to (Session::identity()). */
typedef struct tandem_identity {
  uint32_t domid;
  uint32_t generation; /* incarnation of its channel */
  uint64_t boot_id;    /* 0: an RTOS of protocol 1.2 or older */
  char name[68];
  uint32_t reserved[7];
} tandem_identity;

/* One task's figures (`tandemctl stats`). */
typedef struct tandem_task_stats {
  uint32_t index;
  uint32_t activations;
  uint32_t deadline_misses;
  uint32_t worst_response_us;  /* 0xFFFFFFFF: saturated */
  uint32_t worst_execution_us; /* valid if has_worst_execution; 0: not measured */
  int32_t has_worst_execution; /* 0: the RTOS predates protocol 1.5 */
  char name[36];
  uint32_t reserved[6];
} tandem_task_stats;

/* The counters the RTOS publishes on its response page (`tandemctl stats`, "Channel"). */
typedef struct tandem_channel_counters {
  uint64_t requests;
  uint64_t rejected;
  uint64_t broken;
  uint64_t notify_sent;
  uint64_t notify_received;
  uint64_t hypercalls; /* 0 before protocol 1.4 */
  uint64_t boot_id;
  uint32_t generation;
  uint32_t state; /* XenbusState */
  uint32_t error; /* tandem::channel::ConnectionError */
  uint32_t reserved[9];
} tandem_channel_counters;

typedef struct tandem_rtos tandem_rtos; /* opaque: one open session */

enum tandem_gpio_direction { TANDEM_GPIO_IN = 0, TANDEM_GPIO_OUT = 1 };

/* TANDEM_C_ABI_VERSION of the loaded library. */
uint32_t tandem_abi_version(void);
/* Stable name of a status ("ok", "usage", ..., "rtos-restarted"); "unknown" out of range. */
const char* tandem_errc_name(int32_t code);
/* How many statuses there are: 0 .. tandem_errc_count() - 1. */
int32_t tandem_errc_count(void);

/* sizeof() of one of the structures above by its name ("tandem_error", ...), 0 if unknown: lets
 * a binding that declares them again (Python's ctypes) check its layout when it loads. */
size_t tandem_sizeof(const char* type);

/* Every domain but dom0. Fills up to `capacity` entries; *count is how many there are (call
 * again with a bigger array if it exceeds `capacity`). */
int tandem_list_domains(tandem_domain* out, size_t capacity, size_t* count, tandem_error* err);

/* Opens a link. `domain`: a name or an id, by tandemctl's --domain rule; NULL: the only domain
 * that publishes a channel. `timeout_ms` (1..600000) bounds the open and, later, each command.
 * Through tandemd when its socket for the domain is in /run/tandem, else directly (as tandemctl).
 * On success *out is the handle, to be closed with tandem_close. */
int tandem_open(const char* domain, uint32_t timeout_ms, tandem_rtos** out, tandem_error* err);
/* Ends the session or tandemd's connection (unbind, unmap, release the claim). NULL is accepted. */
void tandem_close(tandem_rtos* rtos);
int tandem_set_timeout(tandem_rtos* rtos, uint32_t timeout_ms, tandem_error* err);
int tandem_get_identity(tandem_rtos* rtos, tandem_identity* out, tandem_error* err);

/* Round trip (the RTOS echoes a payload); *rtt_ns (may be NULL) is how long it took. */
int tandem_ping(tandem_rtos* rtos, uint64_t* rtt_ns, tandem_error* err);
int tandem_gpio_set(tandem_rtos* rtos, uint32_t pin, uint32_t level, tandem_error* err);
int tandem_gpio_get(tandem_rtos* rtos, uint32_t pin, uint32_t* level, tandem_error* err);
/* *level: the pin's new level. */
int tandem_gpio_toggle(tandem_rtos* rtos, uint32_t pin, uint32_t* level, tandem_error* err);
/* `level`: an output's initial level; must be 0 for an input. */
int tandem_gpio_configure(tandem_rtos* rtos, uint32_t pin, int32_t direction, uint32_t level,
                          tandem_error* err);
/* Every task's figures: up to `capacity` entries in `out`, *count = how many tasks there are.
 * `reset` != 0: the RTOS clears each task's counters as it reads them (a measurement window;
 * protocol 1.1). All tasks are read (and cleared) even when `capacity` is too small, so pass
 * 256, libtandem's bound on the task count. */
int tandem_get_task_stats(tandem_rtos* rtos, int32_t reset, tandem_task_stats* out, size_t capacity,
                          size_t* count, tandem_error* err);
int tandem_get_channel_counters(tandem_rtos* rtos, tandem_channel_counters* out, tandem_error* err);

/* ---- ABI version 2 (issue 14): application commands and events ---- */

/* What an application command answered (docs/app-commands.md). */
typedef struct tandem_call_result {
  uint32_t results[4];
  uint32_t result_count; /* the command's declared result words */
  uint32_t payload_len;
  uint8_t payload[32];
  uint32_t reserved[6];
} tandem_call_result;

/* One event from the RTOS (docs/events.md). */
typedef struct tandem_event {
  uint64_t time_us; /* when the RTOS posted it, microseconds since its power-on */
  uint32_t kind;
  uint32_t source;
  uint32_t data_len;
  uint8_t data[16];
  char kind_name[28]; /* "deadline-miss", "task-state" or the application's name */
  uint32_t reserved[4];
} tandem_event;

/* Runs the application command `command` by name (`tandemctl call`): `nargs` arguments, each
 * checked against the limits the RTOS publishes (status 2 naming the argument otherwise), and up
 * to the command's payload limit of bytes. The RTOS's table is read once per handle. */
int tandem_call(tandem_rtos* rtos, const char* command, const uint32_t* args, size_t nargs,
                const void* payload, size_t payload_len, tandem_call_result* out,
                tandem_error* err);
/* Asks for events from now on (`tandemctl watch --kinds`): `kinds` is a comma-separated list of
 * kind names or "all"; NULL: every kind but task-state. */
int tandem_events_subscribe(tandem_rtos* rtos, const char* kinds, tandem_error* err);
/* Up to `capacity` events that arrived, oldest first, waiting up to `wait_ms` for the first (0:
 * do not wait); *count how many (0 at the end of the wait: not an error). *dropped (may be NULL):
 * events the RTOS dropped since the subscription because its ring was full. */
int tandem_events_read(tandem_rtos* rtos, tandem_event* out, size_t capacity, size_t* count,
                       uint32_t wait_ms, uint64_t* dropped, tandem_error* err);

/* ---- ABI version 3: the way to the RTOS (docs/daemon.md) ---- */

#define TANDEM_OPEN_DIRECT 1u /* never through tandemd (tandemctl --direct) */

/* tandem_open with options: `flags` 0 or TANDEM_OPEN_DIRECT; `socket_dir`: where tandemd's
 * sockets are (NULL: /run/tandem, tandemctl --socket-dir). Without access to Xen (a user tandemd
 * admits), only tandemd can serve: its socket is named by `domain`, or is the only one there. */
int tandem_open_with(const char* domain, uint32_t timeout_ms, uint32_t flags,
                     const char* socket_dir, tandem_rtos** out, tandem_error* err);
/* "direct", or the path of tandemd's socket the handle goes through; "" for NULL. */
const char* tandem_via(const tandem_rtos* rtos);

#ifdef __cplusplus
}
#endif

#endif /* TANDEM_C_H_ */
