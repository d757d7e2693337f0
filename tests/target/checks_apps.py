"""Checks of the channel as an application platform (issue 14) on a real boot: the demo's
application commands called by name, events from the RTOS (a deadline miss provoked on purpose,
a stream at the ring's rate with the control task keeping 0 misses). Group "apps"; registered
with checks.check, run by run_target_tests.py --group apps (ctest target_apps_xl).

The order matters: the stream with its 0-miss requirement runs before the provoked miss."""

import json
import time

from checks import _task, _wall, check, last_json
from target import require

CONTROL = "Control"


def _ctl(boot, args, timeout_ms=20000, check_status=True):
    status, out = boot.sh(f"tandemctl -t {timeout_ms} --json {args}",
                          timeout=timeout_ms / 1000 + 60, check=False)
    obj = last_json(out)
    if check_status:
        require(status == 0 and obj and obj.get("ok"),
                f"tandemctl {args} exited {status}:\n{out}")
    return status, obj, out


def _json_lines(out):
    lines = []
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                lines.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    return lines


def _control_activations(boot, window_s):
    """Control's activations over about `window_s` guest-paced seconds (stats --reset before)."""
    _ctl(boot, "stats --reset")
    time.sleep(_wall(boot, window_s))
    _, obj, out = _ctl(boot, "stats")
    return _task(obj, CONTROL)["activations"], out


@check("xl", group="apps")
def apps_commands_by_name(boot, prof):
    """`tandemctl commands` lists the demo's commands with their limits and its event kinds;
    `tandemctl call set-period 4` answers the old period and the RTOS acts on it: the control
    task runs about a quarter as often; out-of-range arguments are refused with the limits."""
    _, obj, out = _ctl(boot, "commands")
    names = {c["name"]: c for c in obj.get("commands", [])}
    require({"set-period", "test-overrun", "test-events"} <= set(names),
            f"tandemctl commands lacks the demo's commands:\n{out}")
    require(names["set-period"]["args"] == [{"name": "period-ms", "min": 1, "max": 10}],
            f"set-period's limits are not 1..10:\n{out}")
    kinds = {k["name"] for k in obj.get("events", [])}
    require({"deadline-miss", "task-state", "period-changed", "test-event"} <= kinds,
            f"tandemctl commands lacks event kinds:\n{out}")

    before, _ = _control_activations(boot, 2)
    _, obj, out = _ctl(boot, "call set-period 4")
    require(obj.get("results") == [1], f"set-period 4 did not answer the old period 1:\n{out}")
    after, stats_out = _control_activations(boot, 2)
    print(f"    Control activations in a 2 s window: {before} at 1 ms, {after} at 4 ms")
    require(before > 0 and after * 2 < before,
            f"Control ran {after} times at a 4 ms period vs {before} at 1 ms:\n{stats_out}")
    _, obj, out = _ctl(boot, "call set-period 1")
    require(obj.get("results") == [4], f"set-period 1 did not answer 4:\n{out}")

    status, obj, out = _ctl(boot, "call set-period 11", check_status=False)
    require(status == 2 and "out of range (1..10)" in out,
            f"set-period 11 exited {status} (want 2, naming the range):\n{out}")
    status, obj, out = _ctl(boot, "call no-such-command", check_status=False)
    require(status == 2 and "set-period" in out,
            f"an unknown command exited {status} (want 2, naming the commands):\n{out}")


@check("xl", group="apps")
def apps_events_stream_keeps_control_on_time(boot, prof):
    """The RTOS streams test-event events as fast as the ring takes them (the Background task,
    the lowest priority) while `tandemctl watch` reads them: every event arrives in order or is
    counted as dropped, and the control task keeps 0 deadline misses."""
    _ctl(boot, "stats --reset")
    _ctl(boot, "call test-events 1000000")
    duration_ms = 5000  # dom0's clock: guest time
    status, out = boot.sh(
        f"tandemctl -t 20000 --json watch --kinds test-event --duration {duration_ms}",
        timeout=_wall(boot, 5) + 90, check=False)
    lines = _json_lines(out)
    events = [e for e in lines if e.get("event") == "test-event"]
    summary = [e for e in lines if e.get("command") == "watch"]
    require(status == 0 and summary, f"tandemctl watch exited {status}:\n{out[-3000:]}")
    seqs = [e["seq"] for e in events]
    require(len(seqs) > 100, f"only {len(seqs)} test-event events in {duration_ms} ms:\n"
            f"{out[-2000:]}")
    require(all(b > a for a, b in zip(seqs, seqs[1:])), "events out of order")
    dropped = summary[-1]["dropped"]
    span_s = (events[-1]["time_us"] - events[0]["time_us"]) / 1e6
    rate = len(events) / span_s if span_s > 0 else 0
    _ctl(boot, "call test-events 1")  # stop the stream (the newer wish wins)
    _, obj, stats_out = _ctl(boot, "stats")
    control = _task(obj, CONTROL)
    print(f"    {len(events)} events read in {span_s:.2f} s of RTOS time ({rate:.0f}/s), "
          f"{dropped} dropped (ring full); Control {control['activations']} jobs, "
          f"{control['deadline_misses']} misses, worst response {control['worst_response_us']} us")
    require(control["deadline_misses"] == 0,
            f"Control missed deadlines while events streamed:\n{stats_out}")


class _Tandemd:
    """tandemd in dom0 for the duration of a `with` block (docs/daemon.md)."""

    def __init__(self, boot):
        self.boot = boot
        self.sock = f"/run/tandem/{boot.platform.rtos_name}.sock"

    def __enter__(self):
        boot = self.boot
        boot.sh("rm -f /tmp/td.log")
        boot.sh(f"tandemd -d {boot.platform.rtos_name} 2>/tmp/td.log & echo $! >/tmp/td.pid")
        deadline = time.monotonic() + _wall(boot, 30)
        while boot.sh(f"test -S {self.sock}", check=False)[0] != 0:
            require(time.monotonic() < deadline,
                    "tandemd made no socket: " + boot.sh("cat /tmp/td.log", check=False)[1])
            time.sleep(1)
        return self

    def __exit__(self, *exc):
        self.boot.sh("kill -TERM $(cat /tmp/td.pid); wait $(cat /tmp/td.pid)", check=False,
                     timeout=_wall(self.boot, 30))

    def watch(self, kinds, count, tag):
        """Starts `tandemctl --json watch` through tandemd in the background and returns once it
        has subscribed (its "watching" line on stderr): what happens next reaches it."""
        boot = self.boot
        boot.sh(f"rm -f /tmp/{tag}.json /tmp/{tag}.err")
        # (short: Xen takes 128 bytes of console input at a time)
        boot.sh(f"tandemctl --json watch -k {kinds} -n {count} >/tmp/{tag}.json "
                f"2>/tmp/{tag}.err & echo $! >/tmp/{tag}.pid")
        deadline = time.monotonic() + _wall(boot, 60)
        while boot.sh(f"grep -q watching /tmp/{tag}.err", check=False)[0] != 0:
            require(time.monotonic() < deadline, "the watcher did not subscribe: "
                    + boot.sh(f"cat /tmp/{tag}.err /tmp/td.log", check=False)[1])
            time.sleep(1)

    def events(self, tag, kind, wait_s=60):
        """The watcher's events of `kind` once it ended (its summary line), killed after
        `wait_s` (guest-paced) seconds if it does not."""
        boot = self.boot
        deadline = time.monotonic() + _wall(boot, wait_s)
        while boot.sh(f"grep -q '\"command\":\"watch\"' /tmp/{tag}.json", check=False)[0] != 0:
            if time.monotonic() > deadline:
                boot.sh(f"kill $(cat /tmp/{tag}.pid)", check=False)
                time.sleep(2)
                break
            time.sleep(1)
        _, out = boot.sh(f"cat /tmp/{tag}.json /tmp/{tag}.err", check=False)
        return [e for e in _json_lines(out) if e.get("event") == kind], out


@check("xl", group="apps")
def apps_deadline_miss_event(boot, prof):
    """A deadline miss provoked on purpose (test-overrun: a Control job spins 4.5 ms) arrives as
    deadline-miss events naming Control at a watcher subscribed to deadline misses (through
    tandemd, so the watcher is connected when it happens): the activations the spin made the
    alarm lose (E_OS_LIMIT in the ErrorHook: response not known) and the late job itself, with
    its response time above the 1 ms deadline; `tandemctl stats` counts them."""
    with _Tandemd(boot) as td:
        # 4.5 ms: the ticks at +1..+4 ms find the job still running (4 lost activations), and it
        # ends before the fifth: 5 events.
        td.watch("deadline-miss", 5, "dm")
        _, obj, out = _ctl(boot, "call test-overrun 4500 0")
        require(obj.get("via") == td.sock, f"test-overrun did not go through tandemd:\n{out}")
        events, out = td.events("dm", "deadline-miss")
        if not events:
            _, stats = boot.sh("tandemctl stats; cat /tmp/td.log", check=False)
            require(False, f"no deadline-miss event:\n{out}\n{stats}")
        for e in events:
            print(f"    deadline-miss: task {e.get('name')} response {e.get('response_us')} us, "
                  f"deadline {e.get('deadline_us')} us")
        late = [e for e in events if e.get("name") == CONTROL and e.get("response_us", 0) >= 4000
                and e.get("deadline_us") == 1000]
        require(late, f"no event describes the late job (response about 4500 us, deadline "
                f"1000):\n{out}")
        require(all(e.get("name") == CONTROL for e in events), f"misses of other tasks:\n{out}")
        _, obj, out = _ctl(boot, "stats")
        require(_task(obj, CONTROL)["deadline_misses"] >= 1,
                f"stats does not count the provoked miss:\n{out}")


@check("xl", group="apps")
def apps_events_through_tandemd(boot, prof):
    """Two dom0 clients at once through tandemd: a `tandemctl watch` subscribed to
    period-changed receives the event of a `tandemctl call set-period` another process makes
    meanwhile (docs/events.md, docs/daemon.md)."""
    with _Tandemd(boot) as td:
        td.watch("period-changed", 1, "pw")
        try:
            _, obj, out = _ctl(boot, "call set-period 2")
            require(obj.get("via") == td.sock and obj.get("results") == [1],
                    f"set-period did not go through tandemd or did not answer 1:\n{out}")
            events, out = td.events("pw", "period-changed")
            require(events, f"the watcher got no period-changed:\n{out}")
            e = events[0]
            require(e.get("old-ms") == 1 and e.get("new-ms") == 2,
                    f"period-changed does not say 1 -> 2:\n{out}")
            print(f"    through tandemd: the watcher got period-changed {e['old-ms']} -> "
                  f"{e['new-ms']} ms at {e['time_us']} us of RTOS time")
        finally:
            _ctl(boot, "call set-period 1", check_status=False)
