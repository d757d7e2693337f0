"""Checks that run against one shared Boot. Each takes (boot, profile) and raises CheckFailed.

A profile says what the RTOS image prints and does, so the same checks serve the demo and the
boot-plumbing probe. Checks for other areas (OSEK scenarios, tandemctl) register here too.
"""

import json
import re
import time

import schedulability
from target import PL061_DATA, PL061_DIR, CheckFailed, last_json, require

PROFILES = {
    # apps/demo: status line once a second, a control task toggling a GPIO pin at 1 kHz.
    "demo": {"first_line": r"tandem-rt: first task[^\r\n]*",
             "status_line": r"tandem-rt: t=(\d+)s ctrl=\d+ misses=(\d+)[^\r\n]*",
             "status_count": 2, "gpio": ("toggle", 0),
             # The command channel and the PV control protocol; ShutdownHook's line.
             "channel": True, "shutdown_line": "tandem-rt: demo done"},
    # The throw-away boot probe: one line, then DIR=0xff DATA=0xa5, then WFI.
    "probe": {"first_line": r"TANDEM-PROBE: hello[^\r\n]*",
              "status_line": r"TANDEM-PROBE: gpio written", "status_count": 1,
              "gpio": ("value", 0xA5), "channel": False},
}

CHECKS = {}  # name -> (routes, groups, fn)
# name -> (predicate on the booted Platform, what it needs): checks for one platform choice.
NEEDS = {}


def check(*routes, group="base", needs=None):
    """Registers a check for routes; groups run as separate ctest entries (one boot each).
    group: one group's name, or a tuple of them for a check that belongs in several boots.
    needs = (predicate(platform), description): the check applies only to such boots (e.g.
    the source-built Xen); run_target_tests.py lists the others as not applicable."""
    def reg(fn):
        CHECKS[fn.__name__] = (routes, group if isinstance(group, tuple) else (group,), fn)
        if needs:
            NEEDS[fn.__name__] = needs
        return fn
    return reg


def not_applicable(name, platform):
    """Why check `name` does not apply to a boot of this platform, or None."""
    pred, what = NEEDS.get(name, (None, None))
    return None if pred is None or pred(platform) else what


def _xl_list(boot):
    _, out = boot.sh("xl list")
    rows = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 6 and f[1].isdigit():
            rows[f[0]] = {"id": int(f[1]), "mem": int(f[2]), "vcpus": int(f[3]), "state": f[4]}
    return rows, out


@check("xl", "dom0less")
def dom0_ready(boot, prof):
    boot.wait_ready()


@check("xl", "dom0less")
def gpio_hidden_from_dom0(boot, prof):
    """xen,passthrough: Xen gives dom0 the node with status = "disabled" and maps neither its
    MMIO nor its interrupt, so Linux creates no device for it."""
    node = boot.platform.gpio_node.strip("/")
    _, status = boot.sh(f"cat /proc/device-tree/{node}/status 2>/dev/null; echo", check=False)
    status = status.strip().strip("\0")
    require(status in ("", "disabled") and "okay" not in status,
            f"dom0's device tree has {node} with status {status!r}")
    _, exists = boot.sh(f"test -e /proc/device-tree/{node} && echo present; echo", check=False)
    require(status == "disabled" or "present" not in exists,
            f"dom0's device tree has {node} without status = \"disabled\"")
    unit = node.split("@")[-1]
    _, devs = boot.sh("ls /sys/bus/amba/devices/ 2>/dev/null; echo", check=False)
    require(not any(unit in d for d in devs.split()),
            f"Linux created an AMBA device for {node}: {devs.split()}")


@check("xl", "dom0less")
def rtos_listed(boot, prof):
    name = boot.platform.rtos_name
    rows, out = _xl_list(boot)
    require(name in rows, f"`xl list` has no domain {name}:\n{out}")
    st = rows[name]["state"]
    # r = running, b = blocked (idle in WFI between timer interrupts); both mean alive.
    require(re.fullmatch(r"[rb-]{2}-{4}", st) and ("r" in st or "b" in st),
            f"domain {name} state {st!r} is not running/blocked:\n{out}")
    require(rows[name]["mem"] in range(boot.platform.rtos_memory_mb - 1,
                                       boot.platform.rtos_memory_mb + 2),
            f"domain {name} has {rows[name]['mem']} MiB, config says "
            f"{boot.platform.rtos_memory_mb}:\n{out}")


@check("xl", "dom0less")
def rtos_on_its_pcpu(boot, prof):
    name, pcpu = boot.platform.rtos_name, boot.platform.rtos_pcpu
    _, out = boot.sh(f"xl vcpu-list {name}")
    rows = [ln.split() for ln in out.splitlines() if ln.split()[:1] == [name]]
    require(len(rows) == boot.platform.rtos_vcpus, f"`xl vcpu-list` rows for {name}:\n{out}")
    # Columns: Name ID VCPU CPU State Time(s) Affinity(Hard/Soft)
    require(rows[0][3] == str(pcpu), f"vCPU 0 of {name} runs on CPU {rows[0][3]}, want {pcpu}:"
            f"\n{out}")
    # Hard affinity: `cpus` on route xl, `xl vcpu-pin` by dom0's /init on route dom0less.
    require(rows[0][6] == str(pcpu), f"hard affinity {rows[0][6]}, want {pcpu}:\n{out}")
    _, out0 = boot.sh("xl vcpu-list Domain-0")
    d0 = [ln.split() for ln in out0.splitlines() if ln.startswith("Domain-0")]
    require(d0 and d0[0][3] == str(boot.platform.dom0_pcpu) and
            d0[0][6] == str(boot.platform.dom0_pcpu), f"dom0 not pinned to its pCPU:\n{out0}")


def _table(out, first_col):
    """Rows of an xl table whose first column is first_col (the header row skipped)."""
    return [ln.split() for ln in out.splitlines()[1:] if ln.split()[:1] == [first_col]]


@check("xl", "dom0less", group=("base", "channel"),
       needs=(lambda p: p.rtos_cpupool() is not None,
              "a cpupool for the RTOS in this Xen build (--xen source)"))
def rtos_alone_in_its_cpupool(boot, prof):
    """The description's pool (the source build: null scheduler on pCPU 1) holds the RTOS and
    nothing else; dom0 stays in Pool-0 on the remaining CPUs. Route dom0less: Xen made the pool
    at boot (device tree) and dom0's /init renamed it; route xl: /init made it before xl create."""
    p, pool = boot.platform, boot.platform.rtos_cpupool()
    _, doms = boot.sh("xl list -c")  # Name ID Mem VCPUs State Time(s) Cpupool
    rt, d0 = _table(doms, p.rtos_name), _table(doms, "Domain-0")
    require(rt and rt[0][-1] == pool.name, f"{p.rtos_name} is not in cpupool {pool.name}:\n{doms}")
    require(d0 and d0[0][-1] == "Pool-0", f"Domain-0 is not in Pool-0:\n{doms}")
    in_pool = [r[0] for r in (ln.split() for ln in doms.splitlines()[1:]) if r[-1:] == [pool.name]]
    require(in_pool == [p.rtos_name], f"cpupool {pool.name} holds {in_pool}, want the RTOS "
            f"alone:\n{doms}")
    _, pools = boot.sh("xl cpupool-list")  # Name CPUs Sched Active Domain-count
    row = _table(pools, pool.name)
    require(row and row[0][2] == pool.scheduler and row[0][4] == "1" and
            row[0][1] == str(len(pool.cpus)),
            f"cpupool {pool.name}: want {len(pool.cpus)} CPU(s), {pool.scheduler}, 1 domain:\n"
            f"{pools}")
    _, cpus = boot.sh("xl cpupool-list -c")  # Name CPU-list
    want = {pool.name: ",".join(map(str, pool.cpus)), "Pool-0": ",".join(map(str, p.pool0_cpus()))}
    for name, cpu_list in want.items():
        row = _table(cpus, name)
        require(row and row[0][1] == cpu_list, f"cpupool {name}: CPUs want {cpu_list}:\n{cpus}")


@check("xl")
def rtos_console_xl(boot, prof):
    """The guest's vpl011 output as logged by xenconsoled: first line, then status lines."""
    log = f"/var/log/xen/console/guest-{boot.platform.rtos_name}-vuart0.log"
    deadline = time.monotonic() + 20
    while True:
        _, out = boot.sh(f"cat {log} 2>/dev/null; echo", check=False)
        first = re.search(prof["first_line"], out)
        status = re.findall(prof["status_line"], out)
        if first and len(status) >= prof["status_count"]:
            return
        if time.monotonic() > deadline:
            raise CheckFailed(f"{log} after 20 s: first line {'seen' if first else 'missing'}, "
                              f"{len(status)} of {prof['status_count']} status lines:\n{out}")
        time.sleep(1)


@check("dom0less")
def rtos_boots_before_dom0(boot, prof):
    """dom0less: the RTOS prints before Linux prints its first line (seed's boot-time worry)."""
    txt = boot.con.text()
    m_rt = re.search(r"\(XEN\) DOM\d+: " + prof["first_line"], txt)
    m_linux = re.search(r"Booting Linux on physical CPU", txt)
    require(m_rt is not None, "the RTOS's first line never appeared as (XEN) DOMn: ...")
    require(m_linux is not None, "dom0's first kernel line never appeared")
    require(m_rt.start() < m_linux.start(),
            f"RTOS line at offset {m_rt.start()} comes after Linux's at {m_linux.start()}")
    boot.con.pos = 0
    for i in range(prof["status_count"]):
        boot.con.expect(r"\(XEN\) DOM\d+: " + prof["status_line"], 20,
                        what=f"RTOS status line {i + 1}")


@check("dom0less")
def rtos_has_xenstore(boot, prof):
    if not boot.platform.rtos.enhanced:
        return
    _, out = boot.sh("xl domid " + boot.platform.rtos_name)
    domid = out.strip().splitlines()[-1]
    _, port = boot.sh(f"xenstore-read /local/domain/{domid}/store/port")
    require(port.strip().isdigit(), f"no XenStore port for domain {domid}: {port!r}")


@check("dom0less")
def rtos_no_misses_since_power_on(boot, prof):
    """Real time from power-on (issue 13): Xen starts the RTOS beside dom0, so dom0's whole
    boot (kernel, /init, toolstack, XenStore hand-over) runs while the control task runs. The
    first status line after dom0 is ready, whose counters start at the RTOS's first instruction,
    must show 0 deadline misses and 0 skipped periods under -icount."""
    if "misses=" not in prof["status_line"]:
        return
    boot.wait_ready()
    boot.con.pos = boot.con.text().rfind("TANDEM-DOM0: ready")
    boot.con.expect(r"\(XEN\) DOM\d+: " + prof["status_line"], _wall(boot, 20),
                    what="an RTOS status line after dom0 is ready")
    lines = re.findall(r"\(XEN\) DOM\d+: (tandem-rt: t=[^\r\n]*)", boot.con.text())
    _require_no_misses(boot, lines[-1], "route dom0less, dom0's boot included")


@check("xl", "dom0less")
def dom0_tools_run(boot, prof):
    """Our cross-built dom0 tools (linux/build-arm64.sh) that went into the image start there."""
    require("tandemctl" in boot.system.extras and "tandem-bench" in boot.system.extras,
            f"dom0's image lacks our tools (it has {boot.system.extras})")
    for tool in boot.system.extras:
        status, out = boot.sh(f"{tool} --help", check=False)
        require(status == 0, f"`{tool} --help` in dom0 exited {status}:\n{out}")


@check("rtos-only")
def rtos_console_on_xen(boot, prof):
    """No dom0: Xen alone starts the RTOS, whose vpl011 lines appear as (XEN) DOMn: ..."""
    boot.con.expect(r"\(XEN\) DOM\d+: " + prof["first_line"], boot.timeout,
                    what="RTOS first line on Xen's console")
    for i in range(prof["status_count"]):
        boot.con.expect(r"\(XEN\) DOM\d+: " + prof["status_line"], 20,
                        what=f"RTOS status line {i + 1}")


@check("xl", "dom0less", "rtos-only")
def gpio_seen_by_monitor(boot, prof):
    """Reads the PL061 through QEMU's monitor: independent of both guests."""
    kind, arg = prof["gpio"]
    if kind == "value":
        deadline = time.monotonic() + 10
        while True:
            data, dr = boot.read_reg(PL061_DATA), boot.read_reg(PL061_DIR)
            if (data, dr) == (arg, 0xFF) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        require(dr == 0xFF, f"PL061 DIR = {dr:#x}, want 0xff")
        require(data == arg, f"PL061 DATA = {data:#x}, want {arg:#x}")
        return
    pin = arg
    require(boot.read_reg(PL061_DIR) >> pin & 1, f"PL061 pin {pin} is not an output")
    seen = set()
    deadline = time.monotonic() + 5
    while len(seen) < 2 and time.monotonic() < deadline:
        seen.add(boot.read_reg(PL061_DATA) >> pin & 1)
    require(seen == {0, 1}, f"PL061 pin {pin} never changed in 5 s (always {seen})")


@check("xl", "dom0less")
def xen_console_switch(boot, prof):
    """Three Ctrl-A hand the console to Xen ('h' lists its debug keys) and back to dom0."""
    boot.console_input("Xen")
    boot.con.send("h")
    boot.con.expect(r"'h' pressed -> showing installed handlers", 10, what="Xen debug key 'h'")
    boot.console_input("DOM0")
    boot.sh("true")


def for_route(route, names=None, group="base"):
    sel = [(n, fn) for n, (routes, g, fn) in CHECKS.items()
           if route in routes and (names or group in g)]
    if names:
        unknown = set(names) - set(CHECKS)
        if unknown:
            raise CheckFailed(f"unknown checks {sorted(unknown)}; known: {sorted(CHECKS)}")
        sel = [(n, fn) for n, fn in sel if n in names]
    return sel


# ---- The command channel end to end (issue 4): tandemctl in dom0 <-> the RTOS <-> the PL061.

def _wall(boot, seconds):
    """A wall-clock wait for something that takes `seconds` of wall time on plain TCG. Under
    -icount with its pacer a guest second costs several wall seconds (many more on a loaded
    host): waits for guest-timed events (the once-a-second status line) stretch accordingly."""
    return seconds * 6 if boot.icount else seconds


def _tandemctl(boot, args, timeout_ms=20000):
    """Runs tandemctl --json in dom0; returns (exit status, parsed JSON object or None, text).
    The timeout is generous: under TCG a round trip costs milliseconds."""
    name = boot.platform.rtos_name
    status, out = boot.sh(f"tandemctl -d {name} -t {timeout_ms} --json {args}",
                          timeout=timeout_ms / 1000 + 30, check=False)
    obj = None
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                obj = json.loads(line)
            except ValueError:
                pass
    return status, obj, out


def _pins(boot, prof):
    """(an exported pin the demo leaves alone, a pin that is not exported)."""
    busy = prof["gpio"][1] if prof["gpio"][0] == "toggle" else None
    exported = [p for p in boot.platform.gpio_exported_pins if p != busy]
    hidden = [p for p in range(8) if p not in boot.platform.gpio_exported_pins and p != busy]
    require(exported and hidden, "[gpio] exported_pins leaves no free exported and hidden pin")
    return exported[0], hidden[0]


@check("xl", group="channel")
def channel_ping(boot, prof):
    """The first check: also waits (20 s at most, longer under -icount) for the RTOS to
    publish its channel."""
    status, out = boot.wait_channel(_wall(boot, 20))
    require(status == 0, f"tandemctl ping exited {status}:\n{out}")
    status, obj, out = _tandemctl(boot, "ping")
    require(status == 0 and obj and obj.get("ok"), f"tandemctl ping exited {status}:\n{out}")


@check("xl", group="channel")
def channel_gpio_set_get(boot, prof):
    pin, _ = _pins(boot, prof)
    status, obj, out = _tandemctl(boot, f"gpio configure {pin} out")
    require(status == 0, f"gpio configure {pin} out exited {status}:\n{out}")
    for level in (1, 0, 1):
        status, obj, out = _tandemctl(boot, f"gpio set {pin} {level}")
        require(status == 0, f"gpio set {pin} {level} exited {status}:\n{out}")
        data, dr = boot.read_reg(PL061_DATA), boot.read_reg(PL061_DIR)
        require(dr >> pin & 1, f"after gpio configure, PL061 DIR = {dr:#x}: pin {pin} not output")
        require((data >> pin & 1) == level,
                f"after gpio set {pin} {level} the monitor reads DATA = {data:#x}")
        status, obj, out = _tandemctl(boot, f"gpio get {pin}")
        require(status == 0 and obj and obj.get("level") == level,
                f"gpio get {pin} after set {level}: exit {status}:\n{out}")


@check("xl", group="channel")
def channel_gpio_not_exported_refused(boot, prof):
    _, pin = _pins(boot, prof)
    before = boot.read_reg(PL061_DATA) >> pin & 1
    status, obj, out = _tandemctl(boot, f"gpio set {pin} {1 - before}")
    require(status == 7, f"gpio set on pin {pin} (not exported) exited {status}, want 7 "
            f"(refused):\n{out}")
    require(obj and obj.get("error", {}).get("message"), f"no error message:\n{out}")
    require((boot.read_reg(PL061_DATA) >> pin & 1) == before,
            f"pin {pin} changed although the RTOS refused")


_CHANNEL_LINE = re.compile(r"tandem-rt: channel irq=(\d+) batches=(\d+) requests=(\d+) "
                           r"max_batch=(\d+) ctrl_preempted=(\d+) bare=(\d+) throttled=(\d+)")


def _channel_counters(boot, min_requests=0, wait_s=None):
    """The RTOS's latest channel status line (route xl: xenconsoled's log of its vpl011) as
    (irq, batches, requests, max_batch, ctrl_preempted, bare, throttled); waits (the line comes
    once a second) for one that counts at least `min_requests` requests."""
    log = f"/var/log/xen/console/guest-{boot.platform.rtos_name}-vuart0.log"
    wait_s = wait_s or _wall(boot, 20)
    deadline = time.monotonic() + wait_s
    while True:
        # Short lines: long ones typed into dom0's serial console get mangled. The line before
        # the last: xenconsoled may have logged only part of the last one yet.
        boot.sh(f"L={log}")
        _, out = boot.sh("grep irq= $L|tail -n2|head -n1", check=False)
        m = _CHANNEL_LINE.search(out)
        if m and int(m.group(3)) >= min_requests:
            return tuple(int(g) for g in m.groups())
        if time.monotonic() > deadline:
            raise CheckFailed(f"no channel status line counting {min_requests} requests in {log} "
                              f"after {wait_s} s (last: {out.strip()!r})")
        time.sleep(1)


@check("xl", group="channel")
def channel_flood_then_stats(boot, prof):
    """The rule under test: nothing Linux does delays the control task. `tandemctl stats
    --reset` reports the RTOS's start-up (toolstack, XenStore set-up, the checks before this
    one) and opens a measurement window, then 10,100 commands (100 isolated + a 10,000 burst),
    then `tandemctl stats`. With instruction-counted guest time (QEMU -icount, as ctest runs
    this) the control task must show 0 deadline misses in both, and in the window jobs all
    along the flood and no response beyond its 1 ms period; QEMU's pacer timer (or dom0's
    tandem-pacer) makes its one-thread round robin switch vCPUs every 10-20 us of guest time
    as parallel CPUs would (docs/platform.md, "Guest time"). Without -icount guest time follows the host
    clock, and a host that deschedules QEMU's thread makes the vCPU miss deadlines, flood or
    not (docs/platform.md): the figures are then printed, not asserted. Always: no control job
    was interrupted by the channel's interrupt (ctrl_preempted 0), and the flood reached the
    RTOS by interrupts."""
    _measured_window(boot, "flood", "-n 100 -b 10000", requests=10100, since_start=True)


@check("xl", group="channel")
def channel_event_storm_then_stats(boot, prof):
    """A misbehaving Linux (Xen's XSA-391 class): 50,000 bare event-channel notifications with
    nothing on the ring, as fast as dom0 can send them, in a `stats --reset` window. The RTOS's
    channel interrupt ranks below the control task, so under -icount the control task must
    still show 0 deadline misses and jobs all along, and the channel must answer afterwards
    (tandem-bench's closing ping). The bare notifications are rate-limited (docs/rtos-channel.md,
    "Bare notifications"): after a run of three the port stays masked and the server looks once
    per 10 ms throttle period, so the storm costs far fewer interrupts than notifications (about
    42,000 of 50,000 before the limit)."""
    storm = 50000
    before, after, _ = _measured_window(boot, "storm", f"-n 1 -b 1 -S {storm}", requests=2,
                                        since_start=False)
    irqs, bare, periods = after[0] - before[0], after[5] - before[5], after[6] - before[6]
    print(f"    storm: {storm} bare notifications cost {irqs} channel interrupts, {bare} bare "
          f"wake-ups, {periods} throttle periods")
    require(irqs <= storm // 10, f"{storm} bare notifications cost {irqs} channel interrupts: "
            f"the rate limit did not hold (bare wake-ups {bare}, throttle periods {periods})")


def _measured_window(boot, what, bench_args, requests, since_start):
    """`tandemctl stats --reset`, `tandem-bench <bench_args>`, `tandemctl stats`, typed as ONE
    line (typing into the serial console during the window would itself be Linux activity the
    window measures, and its cost in emulation is not the RTOS's); checks the window's figures
    for the Control task (and, if `since_start`, the figures the reset cleared). Returns the
    channel counters before and after, and the bench's duration in ms."""
    name = boot.platform.rtos_name
    before = _channel_counters(boot)
    timed = bool(boot.icount)
    if timed:
        _require_pacer(boot)
    boot.sh(f"w(){{ tandemctl -d {name} -t 20000 --json stats $1; }}")
    boot.sh(f"b(){{ tandem-bench -d {name} {bench_args} -t 60000 --json; }}")
    status, out = boot.sh("w --reset;echo r=$?;b;echo r=$?;w", timeout=_wall(boot, 330),
                          check=False)
    parts = re.split(r"^r=(\d+)\s*$", out, flags=re.M)
    require(len(parts) == 5, f"the window's three commands did not all report:\n{out}")
    rc_reset, rc_bench = int(parts[1]), int(parts[3])
    obj, bench, obj_after = last_json(parts[0]), last_json(parts[2]), last_json(parts[4])
    _keep_worst(boot, obj)
    _keep_worst(boot, obj_after)
    require(rc_reset == 0 and obj and obj.get("ok") and obj.get("reset") is True,
            f"tandemctl stats --reset exited {rc_reset}:\n{parts[0]}")
    start = _task(obj, "Control")
    require(start is not None, f"no Control task in the stats:\n{parts[0]}")
    print(f"    before the reset: Control {start['activations']} jobs, "
          f"{start['deadline_misses']} deadline misses, worst response "
          f"{start['worst_response_us']} us")
    if timed and since_start:
        require(start["deadline_misses"] == 0,
                f"Control missed {start['deadline_misses']} deadlines between the RTOS's start "
                f"and the {what} (worst response {start['worst_response_us']} us): start-up, "
                f"toolstack and the harness's commands delayed it")
    require(rc_bench == 0 and bench and bench.get("ok"),
            f"tandem-bench exited {rc_bench}:\n{parts[2]}")
    bench_ms = sum(ph["elapsed_ns"] for ph in bench["phases"]) / 1e6
    for ph in bench["phases"]:
        print(f"    tandem-bench {ph['phase']}: {ph['commands']} {ph.get('unit', 'command')}s in "
              f"{ph['elapsed_ns'] / 1e6:.1f} ms, latency p50 {ph['latency_ns']['p50'] / 1e3:.1f} "
              f"us p99 {ph['latency_ns']['p99'] / 1e3:.1f} us; notifications sent per "
              f"{ph.get('unit', 'command')}: Linux {ph['linux']['notify_sent_per_command']:.4f}, "
              f"RTOS {ph['rtos']['notify_sent_per_command']:.4f}; RTOS received "
              f"{ph['rtos']['notify_received']}")
    require(status == 0 and obj_after and obj_after.get("ok"),
            f"tandemctl stats exited {status}:\n{parts[4]}")
    print(f"    stats: {json.dumps(obj_after)[:600]}")
    ctrl = _task(obj_after, "Control")
    require(ctrl is not None, f"no Control task in the stats:\n{parts[4]}")
    after = _channel_counters(boot, min_requests=before[2] + requests)
    print(f"    channel: irq {before[0]} -> {after[0]}, batches {before[1]} -> {after[1]}, "
          f"requests {before[2]} -> {after[2]}, max batch {after[3]}, bare wake-ups "
          f"{before[5]} -> {after[5]}, throttle periods {before[6]} -> {after[6]}; window: Control "
          f"{ctrl['activations']} jobs, {ctrl['deadline_misses']} deadline misses, worst "
          f"response {ctrl['worst_response_us']} us, bench {bench_ms:.1f} ms (guest time; "
          f"{'icount ' + boot.icount + ': asserted' if timed else 'no icount: not asserted'})")
    require(after[0] > before[0], f"the {what} raised no channel interrupt in the RTOS")
    require(after[4] == 0, f"{after[4]} control jobs were interrupted by the channel's interrupt: "
            f"the channel ISR must rank below the control task")
    # The ISR masks the port and the server unmasks it once the ring is drained: one interrupt
    # per drained batch (+1: the status line may fall between an interrupt and its drain).
    irqs, batches = after[0] - before[0], after[1] - before[1]
    require(irqs <= batches + 1, f"{irqs} channel interrupts for {batches} drained batches: the "
            f"port was not kept masked until the ring was drained")
    if timed:
        # 1 kHz: one job per millisecond of the window, which contains the whole bench.
        require(ctrl["activations"] >= int(bench_ms),
                f"Control ran {ctrl['activations']} jobs in a window holding {bench_ms:.1f} ms "
                f"of {what}: it did not run all along")
        require(ctrl["deadline_misses"] == 0,
                f"Control missed {ctrl['deadline_misses']} deadlines during the {what} (worst "
                f"response {ctrl['worst_response_us']} us): Linux delayed the control task")
        require(ctrl["worst_response_us"] < 1000,
                f"Control's worst response in the window is {ctrl['worst_response_us']} us, "
                f"over its 1 ms period")
    return before, after, bench_ms


def _require_pacer(boot):
    """Under -icount something must keep QEMU's vCPU turns short (docs/platform.md, "Guest
    time"): the QEMU timer of [qemu] icount_pacer = qemu, or dom0's tandem-pacer."""
    plat = boot.system.platform
    if plat.icount_pacer_us == 0 or plat.icount_pacer == "off":
        return
    if plat.icount_pacer == "qemu":
        require("filter-buffer,id=tandem-pacer" in " ".join(boot.system.argv),
                f"QEMU runs with -icount but without its pacer timer: {boot.system.argv}")
        return
    status, out = boot.sh("pidof tandem-pacer", check=False)
    require(status == 0, "QEMU runs with -icount but dom0 runs no tandem-pacer "
            f"(platform: icount_pacer = dom0, icount_pacer_us = {plat.icount_pacer_us})")


_STATUS_ALL = re.compile(r"tandem-rt: t=(\d+)s ctrl=(\d+) misses=(\d+) .*tick_max_us=(\d+) "
                         r"skipped=(\d+)")


def _require_no_misses(boot, line, where):
    """The demo's status counters count from the RTOS's first instruction: with
    instruction-counted guest time (-icount) a status line must show 0 control-task deadline
    misses and 0 periods skipped as lost time; without it they are printed, not asserted."""
    m = _STATUS_ALL.search(line)
    require(m, f"no complete status line {where}: {line!r}")
    t, ctrl, misses, tick_max, skipped = (int(g) for g in m.groups())
    timed = bool(boot.icount)
    print(f"    since the RTOS's first instruction ({where}): t={t}s, {ctrl} control jobs, "
          f"{misses} deadline misses, {skipped} periods skipped, worst tick {tick_max} us "
          f"({'icount ' + boot.icount + ', pacer ' + boot.system.platform.icount_pacer + ': asserted' if timed else 'no icount: not asserted'})")
    if timed:
        _require_pacer(boot)
        require(misses == 0 and skipped == 0,
                f"the control task missed {misses} deadlines and {skipped} periods were skipped "
                f"in the RTOS's first {t} s ({where}); worst tick {tick_max} us late")


def _keep_worst(boot, stats_obj):
    """Every `tandemctl --json stats` read of the channel group goes through here: the worst
    figures per task since the RTOS started, for schedulability_bounds_measured."""
    boot.task_worst = schedulability.keep_worst(getattr(boot, "task_worst", {}), stats_obj)


def _task(stats_obj, name):
    """The task called `name` in `tandemctl --json stats` output, or None."""
    for task in stats_obj.get("tasks", []) if isinstance(stats_obj, dict) else []:
        if task.get("name") == name:
            return task
    return None


# ---- Robustness (issue 11): the RTOS honours the toolstack's requests and comes back.

def _domid(boot):
    """The RTOS's domain id now, or None when no domain has its name."""
    status, out = boot.sh(f"xl domid {boot.platform.rtos_name} 2>/dev/null", check=False)
    lines = out.strip().splitlines()
    return int(lines[-1]) if status == 0 and lines and lines[-1].isdigit() else None


def _wait_ping(boot, why, old_domid=None, wait_s=None):
    """Waits until `tandemctl ping` answers (from a new domain, if old_domid is given); returns
    the domain id that answered. Fails with the last output after wait_s of wall time."""
    wait_s = wait_s or _wall(boot, 30)
    deadline = time.monotonic() + wait_s
    while True:
        dom = _domid(boot)
        status, obj, out = _tandemctl(boot, "ping", timeout_ms=3000)
        if status == 0 and dom is not None and dom != old_domid:
            return dom
        if time.monotonic() > deadline:
            raise CheckFailed(f"{why}: no pong{' from a new domain' if old_domid else ''} after "
                              f"{wait_s} s (domain {dom}; tandemctl ping exited {status}):\n{out}")
        time.sleep(1)


def _rtos_log(boot):
    """The console of the RTOS domains dom0 created (xenconsoled's log of their vpl011)."""
    _, out = boot.sh(f"cat /var/log/xen/console/guest-{boot.platform.rtos_name}-vuart0.log "
                     "2>/dev/null; echo", check=False, timeout=60)
    return out


@check("dom0less")
def rtos_reboot_dom0less(boot, prof):
    """`xl reboot` of the domain Xen built at boot: the RTOS acknowledges (ShutdownOS runs its
    ShutdownHook), and dom0's /init, standing in for the xl process such a domain lacks, creates
    it again from the same description (/rt/<name>.cfg); the new domain answers ping."""
    if not prof["channel"]:
        return
    name = boot.platform.rtos_name
    old = _wait_ping(boot, "before xl reboot")
    start = time.monotonic()
    status, out = boot.sh(f"xl reboot {name} 2>&1", check=False, timeout=90)
    require(status == 0, f"`xl reboot {name}` exited {status}:\n{out}")
    boot.con.expect(rf"TANDEM-DOM0: {name} created again", _wall(boot, 30),
                    what="dom0's /init re-creating the rebooted RTOS")
    dom = _wait_ping(boot, "after xl reboot", old_domid=old)
    hook = re.search(rf"\(XEN\) DOM{old}: {prof['shutdown_line']}", boot.con.text())
    require(hook, f"no ShutdownHook line ('demo done') from domain {old} on Xen's console")
    print(f"    xl reboot: domain {old} -> {dom}, answering again after "
          f"{time.monotonic() - start:.1f} s")


@check("dom0less")
def rtos_destroy_then_create_dom0less(boot, prof):
    """The documented way back after `xl destroy` on route dom0less (docs/platform.md): dom0
    carries the RTOS image and its xl config, `tandem-rtos-create` makes a new domain.
    `xl destroy` of the boot-time domain logs no libxl error (its /vm node exists)."""
    if not prof["channel"]:
        return
    name = boot.platform.rtos_name
    old = _wait_ping(boot, "before xl destroy")
    status, out = boot.sh(f"xl destroy {name} 2>&1", check=False, timeout=60)
    require(status == 0 and "error" not in out.lower(),
            f"`xl destroy {name}` exited {status}:\n{out}")
    require(_domid(boot) is None, f"domain {name} still listed after xl destroy")
    # At once, as a user would: tandem-rtos-create waits for the dying domain to let go of the
    # passed-through interrupt.
    status, out = boot.sh("tandem-rtos-create 2>&1", check=False, timeout=90)
    require(status == 0, f"`tandem-rtos-create` exited {status}:\n{out}")
    dom = _wait_ping(boot, "after tandem-rtos-create", old_domid=old)
    print(f"    xl destroy + tandem-rtos-create: domain {old} -> {dom}")


@check("dom0less")
def rtos_crash_restarts(boot, prof):
    """A crash (`xl sysrq <name> c`: the RTOS panics on purpose, as Linux does) is followed by
    the description's on_crash; the platform's default, restart, brings a new domain back."""
    if not prof["channel"]:
        return
    name = boot.platform.rtos_name
    if boot.platform.rtos_on_crash != "restart":
        return
    old = _wait_ping(boot, "before the crash")
    status, out = boot.sh(f"xl sysrq {name} c 2>&1", check=False)
    require(status == 0, f"`xl sysrq {name} c` exited {status}:\n{out}")
    dom = _wait_ping(boot, "after the crash", old_domid=old)
    log = _rtos_log(boot)
    require("PANIC: crash requested with `xl sysrq DOMAIN c`" in log,
            f"the RTOS's console has no PANIC line for the sysrq:\n{log[-2000:]}")
    print(f"    xl sysrq c: domain {old} crashed, domain {dom} answers")


@check("xl", group="channel")
def channel_keys_republished(boot, prof):
    """dom0 deletes the RTOS's channel keys (`xenstore-rm .../data/tandem`): the RTOS's watch
    on them fires, it publishes them again in one transaction, and a new client connects."""
    dom = _wait_ping(boot, "before xenstore-rm")
    _window_reset(boot)
    base = f"/local/domain/{dom}/data/tandem"
    boot.sh(f"xenstore-rm {base}")
    deadline = time.monotonic() + _wall(boot, 10)
    while True:
        status, out = boot.sh(f"xenstore-read {base}/event-channel 2>&1", check=False)
        if status == 0:
            break
        require(time.monotonic() < deadline,
                f"{base} not published again {_wall(boot, 10)} s after xenstore-rm:\n{out}")
        time.sleep(0.5)
    _wait_ping(boot, "after the keys came back")
    require("keys were deleted from XenStore: published again" in _rtos_log(boot),
            "the RTOS's console does not say it published the deleted keys again")
    _window_misses(boot, "the deletion and republication of the keys")


def _window_reset(boot):
    """Opens a stats window (`tandemctl stats --reset`) for the control task's misses."""
    status, obj, out = _tandemctl(boot, "stats --reset")
    require(status == 0, f"tandemctl stats --reset exited {status}:\n{out}")
    _keep_worst(boot, obj)


def _window_misses(boot, what):
    """Closes the window: prints the control task's figures and, with instruction-counted
    guest time, requires 0 deadline misses in it."""
    status, obj, out = _tandemctl(boot, "stats")
    _keep_worst(boot, obj)
    ctrl = _task(obj, "Control") if status == 0 else None
    require(ctrl is not None, f"tandemctl stats exited {status}, no Control task:\n{out}")
    print(f"    window ({what}): Control {ctrl['activations']} jobs, "
          f"{ctrl['deadline_misses']} deadline misses, worst response "
          f"{ctrl['worst_response_us']} us ({'asserted' if boot.icount else 'not asserted'})")
    if boot.icount:
        require(ctrl["deadline_misses"] == 0,
                f"Control missed {ctrl['deadline_misses']} deadlines during {what}")


@check("xl", group="channel")
def channel_broken_peer_recovers(boot, prof):
    """A hostile client publishes a request index ahead of what it wrote, then one that moves
    backwards (`tandem-bench --hostile-index`): the RTOS freezes the ring (XenStore state
    Closing, error BrokenPeer) and counts it; the next well-behaved client re-opens the ring
    and is served, with nothing restarted and no control-task deadline missed."""
    name = boot.platform.rtos_name
    dom = _wait_ping(boot, "before the hostile client")
    _window_reset(boot)
    for mode in ("ahead", "back"):
        status, out = boot.sh(f"tandem-bench -d {name} -n 5 -b 64 -t 10000 --hostile-index "
                              f"{mode} 2>&1", check=False, timeout=_wall(boot, 60))
        require(status == 0 and "froze the ring" in out,
                f"tandem-bench --hostile-index {mode} exited {status}:\n{out}")
        status, out = boot.sh(f"xenstore-read /local/domain/{dom}/data/tandem/state", check=False)
        print(f"    hostile index {mode}: ring frozen, XenStore state {out.strip()}")
        status, obj, out = _tandemctl(boot, "ping")
        require(status == 0 and obj and obj.get("ok"),
                f"tandemctl ping after --hostile-index {mode} exited {status}:\n{out}")
    require(_domid(boot) == dom, "the RTOS's domain changed: something restarted it")
    status, obj, out = _tandemctl(boot, "stats")
    broken = (obj or {}).get("channel", {}).get("broken")
    require(status == 0 and broken is not None and broken >= 2,
            f"stats counts {broken} broken-peer events after two hostile clients:\n{out}")
    _window_misses(boot, "two hostile clients and the recovery")


@check("xl")
def tandemctl_busy_port_names_holder(boot, prof):
    """A dom0 process holds the RTOS's event-channel port without libtandem's claim (here:
    tandem-bench, whose claim node is deleted under it): tandemctl says the channel is busy and
    who may hold it (exit 11), not Xen's bare "Invalid argument" (exit 8)."""
    if not prof["channel"]:
        return
    name = boot.platform.rtos_name
    dom = _wait_ping(boot, "before the busy-port check")
    claim = f"/local/domain/0/backend/tandem/{dom}"
    boot.sh(f"tandem-bench -d {name} -n 10000000 -b 1 -t 120000 >/dev/null 2>&1 & true")
    # Once the bench is connected (its claim says Connected), take its claim away.
    # Short lines: long ones typed into dom0's serial console get mangled.
    boot.sh("cw(){ for i in $(seq 100);do [ \"$(xenstore-read $1)\" = 4 ]&&return;sleep .2;done; }")
    boot.sh(f"C={claim}")
    boot.sh("cw $C/state 2>/dev/null;xenstore-rm $C", timeout=60)
    try:
        status, obj, out = _tandemctl(boot, "ping", timeout_ms=4000)
    finally:
        boot.sh("kill %1 2>/dev/null; wait", check=False, timeout=60)
    require(status == 11 and obj and "in use by another dom0 process" in
            obj.get("error", {}).get("message", "") and "tandem-bench" in out,
            f"tandemctl ping with the port held elsewhere exited {status} (want 11, naming "
            f"tandem-bench):\n{out}")
    _wait_ping(boot, "after the holder ended")


_STATUS_FIELDS = re.compile(r"tandem-rt: t=(\d+)s .*misses=(\d+) .*skipped=(\d+)")


def _last_status(boot):
    """(t, misses, skipped) of the demo's latest status line in the RTOS's console log; waits
    for the first one (once a second of guest time)."""
    deadline = time.monotonic() + _wall(boot, 20)
    while True:
        # Short lines: long ones typed into dom0's serial console get mangled. The line before
        # the last: xenconsoled may have logged only part of the last one yet.
        boot.sh(f"L=/var/log/xen/console/guest-{boot.platform.rtos_name}-vuart0.log")
        _, out = boot.sh("grep 'tandem-rt: t=' $L|tail -n2|head -n1", check=False)
        m = _STATUS_FIELDS.search(out)
        if m:
            return tuple(int(g) for g in m.groups())
        require(time.monotonic() < deadline,
                f"no status line with skipped= in the RTOS's console log: {out.strip()!r}")
        time.sleep(1)


@check("xl", group="channel")
def rtos_no_misses_since_start(boot, prof):
    """Route xl: from the RTOS's first instruction (right after `xl create`) through the flood,
    the storm, the keys' republication and the hostile clients of this group, the demo's own
    counters (never reset) show 0 deadline misses and 0 skipped periods under -icount. Runs
    before the pause check, whose skipped periods are wanted."""
    _wait_ping(boot, "before reading the status line")
    boot.sh(f"L=/var/log/xen/console/guest-{boot.platform.rtos_name}-vuart0.log")
    _, out = boot.sh("grep 'tandem-rt: t=' $L|tail -n2|head -n1", check=False)
    _require_no_misses(boot, out, "route xl, from xl create through this group's windows")


@check("xl", group="channel")
def schedulability_bounds_measured(boot, prof):
    """Issue 15, part 3: oilc's analysed worst-case response of every task it analysed (the
    table the build saved beside the image, from demo.oil's measured WCETs) bounds the worst
    response `tandemctl stats` measured since `xl create`: the start-up, the flood, the storm,
    the keys' republication and the hostile clients of this group (every stats read of the group
    is kept, the resets' included). Also: no measured execution time exceeds the WCET the
    OIL file declares (the analysis's premise). Asserted only on a timing-model boot (-icount shift=0: guest time =
    instructions, the unit the WCETs were measured in); without -icount guest time follows the
    host clock, a descheduled QEMU thread stretches any response, and the bound means nothing:
    the figures are printed only. Runs before the pause check, whose paused job is outside the
    model (lost time)."""
    if not prof["channel"]:
        return
    path = schedulability.report_path(boot.platform.rtos_image)
    require(path.exists(), f"no schedulability report {path} beside the image: build it with "
            f"the arm64 preset (apps/demo/CMakeLists.txt runs oilc --schedulability=error)")
    rows = schedulability.parse_report(path.read_text())
    _wait_ping(boot, "before the last stats read")
    status, obj, out = _tandemctl(boot, "stats")
    require(status == 0, f"tandemctl stats exited {status}:\n{out}")
    _keep_worst(boot, obj)
    lines, failures = schedulability.compare(rows, boot.task_worst)
    if not rows:
        failures.append(f"{path} has no analysed task (no WCET in the OIL file?)")
    timed = bool(boot.icount)
    print(f"    analysis: {path} ({len(rows)} tasks); measured: worst per task over "
          f"this boot's stats reads ({'icount ' + boot.icount + ': asserted' if timed else 'no icount: not asserted'})")
    for line in lines:
        print(f"    {line}")
    for name, m in sorted(boot.task_worst.items()):
        if name not in rows:
            print(f"    TASK {name}: not analysed (demo.oil), measured worst response "
                  f"{m['worst_response_us']} us, worst execution {m['worst_execution_us']} us")
    if timed:
        require(not failures, "; ".join(failures))
    elif failures:
        print(f"    (not asserted) {'; '.join(failures)}")


@check("xl", group="channel")
def rtos_pause_skips_periods(boot, prof):
    """Lost time (issue 11, point 5): the RTOS domain paused 2 s of guest time. The periods it
    could not run are skipped and counted (about 2,000 at 1 kHz), not replayed as a burst of
    late ticks and deadline misses; at most the one control job caught in flight by the pause
    finishes late. Needs instruction-counted time: without -icount dom0's `sleep 2` and the
    RTOS's lost time are host-clock figures and the miss count is not asserted."""
    name = boot.platform.rtos_name
    dom = _wait_ping(boot, "before the pause")
    before = _last_status(boot)
    # Short lines: long ones typed into dom0's serial console get mangled.
    boot.sh(f"w(){{ tandemctl -d {name} -t 20000 --json stats $1; }}")
    boot.sh(f"p(){{ xl pause {dom};sleep 2;xl unpause {dom};sleep 2; }}")
    status, out = boot.sh("w --reset>/dev/null&&p&&w", timeout=_wall(boot, 60), check=False)
    require(status == 0, f"stats --reset / pause / stats failed ({status}):\n{out}")
    ctrl = _task(last_json(out), "Control")
    require(ctrl is not None, f"no Control task in the stats after the pause:\n{out}")
    after = _last_status(boot)
    skipped, misses = after[2] - before[2], after[1] - before[1]
    print(f"    2 s pause: status line t={before[0]}s -> t={after[0]}s, {skipped} periods "
          f"skipped, {misses} misses on the status line; stats window: Control "
          f"{ctrl['activations']} jobs, {ctrl['deadline_misses']} deadline misses, worst "
          f"response {ctrl['worst_response_us']} us")
    require(skipped >= 1500, f"a 2 s pause skipped only {skipped} periods (want about 2,000)")
    if boot.icount:
        require(misses <= 1 and ctrl["deadline_misses"] <= 1,
                f"a 2 s pause cost {misses} misses on the status line and "
                f"{ctrl['deadline_misses']} in the stats (want at most the job in flight)")


@check("xl")
def hardware_error_on_rtos_console(boot, prof):
    """`gpio set` on a pin configured as input is refused as a hardware error (status 7), and
    what tandemctl says after "the RTOS refused" is on the RTOS's console word for word, rate
    limited: 12 more failures in a row print a few lines and a "(K more ... suppressed)" count
    (issue 11, point 7)."""
    if not prof["channel"]:
        return
    pin, _ = _pins(boot, prof)
    _wait_ping(boot, "before the hardware error")
    status, _, out = _tandemctl(boot, f"gpio configure {pin} in")
    require(status == 0, f"gpio configure {pin} in exited {status}:\n{out}")
    status, obj, out = _tandemctl(boot, f"gpio set {pin} 1")
    message = (obj or {}).get("error", {}).get("message", "")
    words = message.split("the RTOS refused ", 1)[-1]
    require(status == 7 and "configured as input" in words,
            f"gpio set on input pin {pin} exited {status} (want 7, 'configured as input'):\n{out}")
    boot.sh(f"for i in $(seq 12);do tandemctl -d {boot.platform.rtos_name} gpio set {pin} 1;done"
            " >/dev/null 2>&1", check=False, timeout=120)
    time.sleep(_wall(boot, 2))  # the suppressed count comes with the next second's line
    log = _rtos_log(boot)
    shown = log.count(words)
    require(shown >= 1, f"the RTOS's console does not say '{words}':\n{log[-2000:]}")
    require(shown < 13, f"all 13 failures printed a line ({shown}): not rate limited")
    require(re.search(r"more hardware errors? suppressed", log),
            f"no '(K more hardware errors suppressed)' line:\n{log[-2000:]}")
    print(f"    13 hardware errors on pin {pin}: {shown} console lines, the rest counted")
    status, _, out = _tandemctl(boot, f"gpio configure {pin} out")
    require(status == 0, f"gpio configure {pin} out exited {status}:\n{out}")


def _boot_id(boot):
    """The boot id of the RTOS that answers ping now (--json output, 16 hex digits)."""
    status, obj, out = _tandemctl(boot, "ping")
    bid = (obj or {}).get("domain", {}).get("boot_id", "")
    require(status == 0 and re.fullmatch(r"[0-9a-f]{16}", bid or ""),
            f"no boot id in tandemctl --json ping (status {status}):\n{out}")
    return bid


def _require_shutdown_lines(prof, before, after, request):
    """The RTOS's console grew by the request's acknowledgement and the ShutdownHook's line."""
    for line in (f"the toolstack asks for {request}", prof["shutdown_line"]):
        require(after.count(line) > before.count(line),
                f"no new '{line}' line on the RTOS's console:\n{after[-2000:]}")


@check("xl")
def xl_reboot_restarts(boot, prof):
    """`xl reboot` completes within seconds (the RTOS acknowledges control/shutdown, runs
    ShutdownOS and its ShutdownHook, ends with SHUTDOWN_reboot) and xl starts a new domain."""
    name = boot.platform.rtos_name
    old = _wait_ping(boot, "before xl reboot")
    old_boot = _boot_id(boot)
    before = _rtos_log(boot)
    t = time.monotonic()
    status, out = boot.sh(f"xl reboot -w {name} 2>&1", check=False, timeout=120)
    took = time.monotonic() - t
    require(status == 0, f"`xl reboot -w {name}` exited {status} after {took:.1f} s:\n{out}")
    dom = _wait_ping(boot, "after xl reboot", old_domid=old)
    _require_shutdown_lines(prof, before, _rtos_log(boot), "reboot")
    # A client that knew the old boot is told (issue 11, point 6): status 12, rtos-restarted.
    boot.sh(f"B={old_boot}")  # short lines: long ones typed into the console get mangled
    status, obj, out = _tandemctl(boot, "--expect-boot-id $B ping")
    require(status == 12 and obj and obj.get("error", {}).get("code") == "rtos-restarted",
            f"tandemctl --expect-boot-id <the old boot> ping after the reboot exited {status} "
            f"(want 12, rtos-restarted):\n{out}")
    new_boot = _boot_id(boot)
    require(new_boot != old_boot, f"the rebooted RTOS publishes the old boot id {old_boot}")
    print(f"    xl reboot -w: {took:.1f} s wall; domain {old} -> {dom}, boot id {old_boot} -> "
          f"{new_boot}; a client expecting the old boot gets status 12")


@check("xl")
def xl_shutdown_completes(boot, prof):
    """The last check of the boot: `xl shutdown -w` returns within seconds, the ShutdownHook's
    line is on the RTOS's console and the domain is gone."""
    name = boot.platform.rtos_name
    _wait_ping(boot, "before xl shutdown")
    before = _rtos_log(boot)
    t = time.monotonic()
    status, out = boot.sh(f"xl shutdown -w {name} 2>&1", check=False, timeout=120)
    took = time.monotonic() - t
    require(status == 0 and "has been shut down" in out,
            f"`xl shutdown -w {name}` exited {status} after {took:.1f} s:\n{out}")
    require(took < _wall(boot, 20), f"`xl shutdown -w` took {took:.1f} s")
    _require_shutdown_lines(prof, before, _rtos_log(boot), "poweroff")
    deadline = time.monotonic() + 10
    while _domid(boot) is not None:
        require(time.monotonic() < deadline, f"domain {name} still listed after xl shutdown")
        time.sleep(1)
    print(f"    xl shutdown -w: {took:.1f} s wall")
