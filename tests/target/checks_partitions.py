"""Checks of several RTOS domains on one board (issue 15, platform/two-rtos.conf): each RTOS
domain alone on its pCPU, each reachable by name over its own channel, each driving only its
own pins of the shared PL061 (read through QEMU's monitor), 0 deadline misses in all, and the
watchdog partition noticing when the demo partition stops. Group "partitions"; registered with
checks.check, so run_target_tests.py runs them like the others (--group partitions)."""

import time

from checks import _task, _wall, check, last_json
from target import PL061_DATA, PL061_DIR, CheckFailed, require

SEVERAL = (lambda p: len(p.rtos_domains) >= 2,
           "two RTOS domains or more (--config platform/two-rtos.conf)")
# The watchdog partition of platform/two-rtos.conf (apps/watchdog): the domain that owns a pin
# it does not export (its "healthy" output) and watches the demo's control pin 0.
WATCHDOG = "tandem-wd"
WATCHED_PIN = 0
# Its periodic task, as `tandemctl stats` names it (apps/watchdog/watchdog.cc).
_SAMPLE_TASK = "SamplePin"


def _ctl(boot, name, args, timeout_ms=20000):
    """tandemctl --json against domain `name`: (exit status, parsed JSON or None, output)."""
    status, out = boot.sh(f"tandemctl -d {name} -t {timeout_ms} --json {args}",
                          timeout=timeout_ms / 1000 + 30, check=False)
    return status, last_json(out), out


def _hard_affinity(text):
    """The CPUs of an `xl vcpu-list` hard-affinity field ("all", "1", "1-2", "0,2")."""
    if text == "all":
        return None
    cpus = set()
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        cpus.update(range(int(lo), int(hi or lo) + 1))
    return cpus


def _wait_channels(boot):
    """Waits until every RTOS domain answers a ping over its own channel (they publish their
    channels once dom0 gave them XenStore)."""
    for r in boot.platform.rtos_domains:
        deadline = time.monotonic() + _wall(boot, 30)
        while True:
            status, obj, out = _ctl(boot, r.name, "ping", timeout_ms=5000)
            if status == 0 or time.monotonic() > deadline:
                break
            time.sleep(1)
        require(status == 0 and obj and obj.get("ok"),
                f"{r.name}: tandemctl ping exited {status}:\n{out}")
        require(obj.get("domain", {}).get("name") == r.name,
                f"tandemctl -d {r.name} answered for another domain:\n{out}")


@check("xl", "dom0less", group="partitions", needs=SEVERAL)
def partitions_listed_by_name(boot, prof):
    """`xl list` and `tandemctl list` show every RTOS domain of the description, by its name,
    each publishing its own channel; tandemctl without --domain refuses to guess."""
    _wait_channels(boot)
    status, out = boot.sh("tandemctl --json list", check=False)
    obj = last_json(out)
    require(status == 0 and obj, f"tandemctl --json list exited {status}:\n{out}")
    listed = {d.get("name"): d for d in obj.get("domains", [])}
    for r in boot.platform.rtos_domains:
        require(r.name in listed and listed[r.name].get("tandem"),
                f"tandemctl list has no {r.name} publishing a channel:\n{out}")
    ids = {listed[r.name].get("id") for r in boot.platform.rtos_domains}
    require(len(ids) == len(boot.platform.rtos_domains), f"domains share an id:\n{out}")
    status, out = boot.sh("tandemctl ping", check=False)
    require(status == 2 and all(r.name in out for r in boot.platform.rtos_domains),
            f"tandemctl ping without --domain exited {status} (want 2, naming every RTOS "
            f"domain):\n{out}")


@check("xl", "dom0less", group="partitions", needs=SEVERAL)
def partitions_each_alone_on_its_pcpu(boot, prof):
    """Each RTOS domain's vCPU runs on its own pCPU, pinned there (hard affinity), and no other
    vCPU of any domain (dom0, the other partitions) may run there. With a cpupool (the source
    build) the pool holds exactly the RTOS domains, under its scheduler."""
    p = boot.platform
    _, out = boot.sh("xl vcpu-list")  # Name ID VCPU CPU State Time(s) Affinity (Hard / Soft)
    rows = [ln.split() for ln in out.splitlines()[1:] if len(ln.split()) >= 7]
    for r in p.rtos_domains:
        mine = [row for row in rows if row[0] == r.name]
        require(len(mine) == r.vcpus, f"`xl vcpu-list` rows for {r.name}:\n{out}")
        require(mine[0][3] == str(r.pcpu), f"{r.name} runs on CPU {mine[0][3]}, want {r.pcpu}:"
                f"\n{out}")
        require(_hard_affinity(mine[0][6]) == {r.pcpu},
                f"{r.name}: hard affinity {mine[0][6]}, want {r.pcpu} alone:\n{out}")
        others = [row for row in rows if row[0] != r.name]
        shared = [row[0] for row in others
                  if _hard_affinity(row[6]) is None or r.pcpu in _hard_affinity(row[6])]
        require(not shared, f"pCPU {r.pcpu} of {r.name} is open to {shared} too:\n{out}")
        print(f"    {r.name}: vCPU 0 on pCPU {r.pcpu}, hard affinity {mine[0][6]}, no other "
              f"vCPU may run there")
    pools = {c.name for c in p.active_cpupools()}
    if pools:
        _, doms = boot.sh("xl list -c")
        for r in p.rtos_domains:
            pool = p.cpupool_of(r)
            row = [ln.split() for ln in doms.splitlines() if ln.split()[:1] == [r.name]]
            want = pool.name if pool else "Pool-0"
            require(row and row[0][-1] == want, f"{r.name} is not in cpupool {want}:\n{doms}")


@check("xl", "dom0less", group="partitions", needs=SEVERAL)
def partitions_drive_their_own_pins(boot, prof):
    """Over each domain's own channel, its first exported pin goes 1 then 0 on the PL061 (read
    through QEMU's monitor, outside all guests), and the pin another domain exports is refused:
    a partition drives only its pins of the shared controller."""
    p = boot.platform
    for r in p.rtos_domains:
        require(r.exported_pins, f"{r.name} exports no pin ([{r.section}] exported_pins)")
        pin = r.exported_pins[0]
        for level in (1, 0):
            status, obj, out = _ctl(boot, r.name, f"gpio set {pin} {level}")
            require(status == 0, f"{r.name}: gpio set {pin} {level} exited {status}:\n{out}")
            data, dr = boot.read_reg(PL061_DATA), boot.read_reg(PL061_DIR)
            require(dr >> pin & 1, f"{r.name}: pin {pin} is not an output (DIR = {dr:#x})")
            require((data >> pin & 1) == level,
                    f"{r.name}: after gpio set {pin} {level} the monitor reads DATA = {data:#x}")
        for other in p.rtos_domains:
            if other is r:
                continue
            theirs = other.exported_pins[0]
            before = boot.read_reg(PL061_DATA) >> theirs & 1
            status, obj, out = _ctl(boot, r.name, f"gpio set {theirs} {1 - before}")
            require(status == 7, f"{r.name} let Linux drive {other.name}'s pin {theirs} "
                    f"(exit {status}, want 7: refused):\n{out}")
            require((boot.read_reg(PL061_DATA) >> theirs & 1) == before,
                    f"{other.name}'s pin {theirs} changed through {r.name}")
        print(f"    {r.name}: pin {pin} set 1 and 0 over its channel (seen by QEMU's monitor); "
              f"the other partitions' pins refused")


def _watchdog(boot):
    try:
        return boot.platform.domain(WATCHDOG)
    except Exception:  # noqa: BLE001 (PlatformError: no such domain in this description)
        raise CheckFailed(f"the description has no {WATCHDOG} domain (platform/two-rtos.conf)")


def _healthy_pin(boot):
    wd = _watchdog(boot)
    own = [pin for pin in wd.gpio_pins if pin not in wd.exported_pins]
    require(own, f"{WATCHDOG} owns no pin besides its exported ones (its healthy pin)")
    return own[0]


def _wait_pin(boot, pin, level, seconds):
    deadline = time.monotonic() + seconds
    while True:
        data = boot.read_reg(PL061_DATA)
        if (data >> pin & 1) == level:
            return
        if time.monotonic() > deadline:
            raise CheckFailed(f"PL061 pin {pin} still {1 - level} after {seconds:.0f} s "
                              f"(DATA = {data:#x})")
        time.sleep(0.2)


@check("xl", "dom0less", group="partitions", needs=SEVERAL)
def partitions_watchdog_sees_control_pin(boot, prof):
    """The watchdog partition reads the demo's control pin through the shared PL061 and holds
    its healthy pin high while the pin toggles."""
    healthy = _healthy_pin(boot)
    _wait_pin(boot, healthy, 1, _wall(boot, 10))
    seen = set()
    deadline = time.monotonic() + 5
    while len(seen) < 2 and time.monotonic() < deadline:
        seen.add(boot.read_reg(PL061_DATA) >> WATCHED_PIN & 1)
    require(seen == {0, 1}, f"the demo's control pin {WATCHED_PIN} never changed in 5 s")
    print(f"    control pin {WATCHED_PIN} toggles; {WATCHDOG}'s healthy pin {healthy} is high")


# The once-a-second task of each partition, as `tandemctl stats` names it: one activation =
# one second of the partition's guest time.
_STATUS_TASKS = ("Status", "PrintStatus")


def _wait_first_status(boot, name):
    """Waits until partition `name` has run a second (its status task ran once): on route xl
    dom0 creates the partitions late, and a judgement needs a second of their time."""
    deadline = time.monotonic() + _wall(boot, 30)
    while True:
        status, obj, out = _ctl(boot, name, "stats")
        tasks = (obj or {}).get("tasks", [])
        if any(t["name"] in _STATUS_TASKS and t["activations"] > 0 for t in tasks):
            return
        if time.monotonic() > deadline:
            raise CheckFailed(f"{name}: no status task run after {_wall(boot, 30)} s:\n{out}")
        time.sleep(1)


@check("xl", "dom0less", group="partitions", needs=SEVERAL)
def partitions_no_misses_under_channel_load(boot, prof):
    """dom0 floods every partition's channel at once (tandem-bench against each, in parallel:
    2,050 commands each), then each partition's `tandemctl stats` (never reset before) must
    show its periodic task running and 0 deadline misses in every task since it started, under
    instruction-counted time (-icount); without it the figures are printed, not asserted (guest
    time then follows the host's scheduling of QEMU)."""
    names = [r.name for r in boot.platform.rtos_domains]
    for n in names:
        _wait_first_status(boot, n)
    boot.sh("b(){ tandem-bench -d $1 -n 50 -b 2000 -t 120000 --json >/tmp/b-$1 2>&1; }")
    status, out = boot.sh(" & ".join(f"b {n}" for n in names) + "; wait; echo done",
                          timeout=_wall(boot, 300), check=False)
    for n in names:
        _, text = boot.sh(f"cat /tmp/b-{n}", check=False)
        bench = last_json(text)
        require(bench and bench.get("ok"), f"tandem-bench against {n} failed:\n{text}")
        ph = bench["phases"][-1]
        print(f"    tandem-bench -d {n}: {ph['commands']} commands in "
              f"{ph['elapsed_ns'] / 1e6:.1f} ms, latency p50 {ph['latency_ns']['p50'] / 1e3:.1f} "
              f"us p99 {ph['latency_ns']['p99'] / 1e3:.1f} us")
    for r in boot.platform.rtos_domains:
        status, obj, out = _ctl(boot, r.name, "stats")
        require(status == 0 and obj and obj.get("tasks"),
                f"{r.name}: tandemctl stats exited {status}:\n{out}")
        figures = ", ".join(f"{t['name']} {t['activations']} jobs {t['deadline_misses']} misses "
                            f"worst {t['worst_response_us']} us" for t in obj["tasks"])
        timing = f"icount {boot.icount}: asserted" if boot.icount else "no icount: not asserted"
        print(f"    {r.name}: {figures} ({timing})")
        periodic = [t for t in obj["tasks"] if t["name"] in ("Control", _SAMPLE_TASK)]
        require(periodic and all(t["activations"] > 100 for t in periodic),
                f"{r.name}: its periodic task ran too little to judge:\n{out}")
        if boot.icount:
            missed = [t["name"] for t in obj["tasks"] if t["deadline_misses"]]
            require(not missed, f"{r.name}: deadline misses in {missed}:\n{out}")



@check("xl", "dom0less", group="partitions", needs=SEVERAL)
def partitions_watchdog_catches_a_paused_partition(boot, prof):
    """`xl pause` of the demo partition freezes its control pin; the watchdog partition, on its
    own pCPU and untouched by the pause, drives its healthy pin low within its 30 ms stall
    limit, and high again once the demo runs again (after `xl unpause`). Runs last: the pause
    makes the demo skip periods."""
    demo = boot.platform.rtos
    healthy = _healthy_pin(boot)
    _wait_pin(boot, healthy, 1, _wall(boot, 10))
    _, out = boot.sh(f"xl domid {demo.name}")
    dom = out.strip().splitlines()[-1]
    boot.sh(f"xl pause {dom}")
    try:
        _wait_pin(boot, healthy, 0, _wall(boot, 10))
        frozen = boot.read_reg(PL061_DATA) >> WATCHED_PIN & 1
    finally:
        boot.sh(f"xl unpause {dom}")
    _wait_pin(boot, healthy, 1, _wall(boot, 10))
    status, obj, out = _ctl(boot, WATCHDOG, "stats")
    sample = _task(obj, _SAMPLE_TASK)
    require(status == 0 and sample, f"{WATCHDOG}: no {_SAMPLE_TASK} in its stats:\n{out}")
    print(f"    {demo.name} paused: its control pin froze at {frozen}, {WATCHDOG}'s healthy pin "
          f"{healthy} went low; unpaused: high again; {WATCHDOG}'s sampling kept "
          f"{sample['deadline_misses']} misses")
    if boot.icount:
        require(sample["deadline_misses"] == 0,
                f"{WATCHDOG} missed deadlines while {demo.name} was paused:\n{out}")
