"""tandemd on the real system (issue 14 part 3, docs/daemon.md): started in dom0, two tandemctl
clients at once through it, one killed with SIGKILL midway; the other completes every command,
a third client works afterwards, a --direct client is refused as busy while tandemd holds the
channel, and once tandemd is stopped (SIGTERM) tandemctl uses the channel directly again.
Group "apps" (one boot with the other checks of issue 14, target_apps_xl); registered with
checks.check."""

import time

from checks import _domid, _pins, _tandemctl, _wait_ping, _wall, check
from target import require

# A client loop as a script in dom0 (Xen takes 128 bytes of console input at a time, so it is
# typed line by line): `sh /tmp/tl "ARGS" TAG N` runs `tandemctl ARGS` N times, one at a time,
# each exit status a line of /tmp/TAG.st, the running tandemctl's pid in /tmp/TAG.cur.
_LOOP = [
    "i=0; while [ $i -lt $3 ]; do",
    "tandemctl -t 20000 $1 >/dev/null 2>>/tmp/$2.err & echo $! >/tmp/$2.cur",
    "wait $!; echo $? >>/tmp/$2.st; i=$((i+1)); done",
]


def _lines(boot, path):
    status, out = boot.sh(f"cat {path} 2>/dev/null | wc -l", check=False)
    return int(out.split()[-1]) if status == 0 and out.split() else 0


def _wait_lines(boot, path, n, wait_s, what):
    deadline = time.monotonic() + wait_s
    while _lines(boot, path) < n:
        require(time.monotonic() < deadline, f"{what}: {path} has fewer than {n} lines after "
                f"{wait_s:.0f} s:\n{boot.sh(f'cat {path} /tmp/*.err', check=False)[1]}")
        time.sleep(1)


@check("xl", group="apps")
def channel_daemon_two_clients_one_killed(boot, prof):
    name = boot.platform.rtos_name
    dom = _wait_ping(boot, "before tandemd")
    pin, _ = _pins(boot, prof)
    sock = f"/run/tandem/{name}.sock"
    boot.sh("rm -f /tmp/tl /tmp/a.* /tmp/b.* /tmp/tandemd.log")
    for line in _LOOP:
        boot.sh(f"echo '{line}' >>/tmp/tl")
    boot.sh(f"tandemd -v -d {name} 2>/tmp/tandemd.log & echo $! >/tmp/tandemd.pid")
    try:
        _wait_lines(boot, "/tmp/tandemd.log", 1, _wall(boot, 30), "tandemd's first log line")
        status, _ = boot.sh(f"test -S {sock}", check=False)
        require(status == 0, "tandemd did not create its socket: "
                + boot.sh("cat /tmp/tandemd.log", check=False)[1])
        status, obj, out = _tandemctl(boot, f"gpio configure {pin} out")
        require(status == 0 and obj and obj.get("via") == sock,
                f"tandemctl did not go through tandemd ({sock}): exit {status}:\n{out}")
        status, obj, out = _tandemctl(boot, "--direct ping", timeout_ms=2000)
        require(status == 11, f"--direct while tandemd holds the channel: exit {status}, not 11 "
                f"(busy):\n{out}")
        # A toggles until it is killed; B pings 30 times, at the same time.
        boot.sh(f'sh /tmp/tl "-d {name} gpio toggle {pin}" a 1000 & echo $! >/tmp/a.pid')
        boot.sh(f'sh /tmp/tl "-d {name} ping" b 30 & echo $! >/tmp/b.pid')
        _wait_lines(boot, "/tmp/a.st", 5, _wall(boot, 120), "client A's first commands")
        _, cur = boot.sh("cat /tmp/a.cur; kill -9 $(cat /tmp/a.pid) $(cat /tmp/a.cur)",
                         check=False)
        killed_after = _lines(boot, "/tmp/a.st")
        _wait_lines(boot, "/tmp/b.st", 30, _wall(boot, 300), "client B")
        _, bad = boot.sh("grep -v -c '^0$' /tmp/b.st /tmp/a.st; echo", check=False)
        _, errs = boot.sh("cat /tmp/b.err /tmp/a.err 2>/dev/null; echo", check=False)
        require("/tmp/b.st:0" in bad and "/tmp/a.st:0" in bad,
                f"commands failed (files: lines not 0):\n{bad}\n{errs}")
        status, obj, out = _tandemctl(boot, "ping")
        require(status == 0 and obj and obj.get("via") == sock,
                f"a third client after the kill: exit {status}:\n{out}")
        # The killed tandemctl may have died before it connected; if it had, tandemd (-v) says so.
        _, log = boot.sh("cat /tmp/tandemd.log")
        pid = cur.split()[0] if cur.split() else "?"
        seen = [ln for ln in log.splitlines() if f"(pid {pid}," in ln and "closed" in ln]
        print(f"    client A killed after {killed_after} toggles (tandemctl pid {pid}), client B "
              f"30/30 pings; tandemd: {seen[0] if seen else 'the killed client had not connected'}")
    finally:
        status, _ = boot.sh("kill -TERM $(cat /tmp/tandemd.pid); wait $(cat /tmp/tandemd.pid)",
                            check=False, timeout=_wall(boot, 30))
    _, log = boot.sh("cat /tmp/tandemd.log")
    require(status == 0 and "stopped" in log, f"tandemd after SIGTERM: exit {status}:\n{log}")
    status, _ = boot.sh(f"test -e {sock} || xenstore-read /local/domain/0/backend/tandem/{dom}"
                        "/owner", check=False)
    require(status != 0, "tandemd left its socket or the channel's claim behind")
    status, obj, out = _tandemctl(boot, "ping")
    require(status == 0 and obj and obj.get("via") == "direct",
            f"tandemctl directly after tandemd stopped: exit {status}:\n{out}")
    require(_domid(boot) == dom, "the RTOS's domain changed: something restarted it")
