"""The Python package `tandem` in dom0 against the real RTOS (issue 14 part 4, docs/python.md):
Debian's python3 in the image imports it, loads libtandem_c.so.1 and, over the channel, pings,
configures, sets, reads and toggles an exported pin (the PL061 read through QEMU's monitor
agrees), and a pin the RTOS does not export raises tandem.PermissionDenied with code 7, which is
tandemctl's exit status for the same command. While tandemd holds the channel, Python goes
through it (and --direct is busy, as tandemctl's). Group "apps" (target_apps_xl's boot, with the
other checks of issue 14); registered with checks.check like the others."""

import json
import re
import time

import checks
from checks import _pins, _tandemctl, check
from checks_apps import _Tandemd
from target import PL061_DATA, last_json, require

# The script dom0 runs (typed line by line: Xen takes at most 128 bytes of one typed line).
# argv: domain, an exported pin, a pin that is not exported. Prints one "PYJSON {...}" line.
SCRIPT = """\
import json, sys, tandem
name, pin, hidden = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
out = {"version": sys.version.split()[0]}
with tandem.open(name, 20000) as r:
    out["ping_s"] = r.ping()
    r.gpio_configure(pin, "out")
    r.gpio_set(pin, 1)
    out["get"] = [r.gpio_get(pin), r.gpio_toggle(pin), r.gpio_get(pin)]
    r.gpio_set(pin, 1)
    try:
        r.gpio_set(hidden, 1)
    except tandem.PermissionDenied as e:
        out["refused"] = [type(e).__name__, e.code, e.name, e.message]
    out["tasks"] = [t.name for t in r.stats()]
    out["requests"] = r.channel_counters().requests
    out["identity"] = r.identity()._asdict()
try:
    tandem.open("no-such-domain")
except tandem.DomainNotFound as e:
    out["not_found"] = e.code
print("PYJSON " + json.dumps(out))
"""


def _type_file(boot, path, text):
    boot.sh(f"F={path}; : >$F")
    for line in text.splitlines():
        require("'" not in line, f"script line with a single quote: {line!r}")
        boot.sh(f"echo '{line}'>>$F")


@check("xl", group="apps")
def channel_python(boot, prof):
    checks.channel_ping(boot, prof)  # waits for the channel when run alone (--check)
    pin, hidden = _pins(boot, prof)
    name = boot.platform.rtos_name
    before = boot.read_reg(PL061_DATA) >> hidden & 1
    # The one-liner of docs/python.md: the default domain (the only RTOS), a round trip.
    t = time.monotonic()
    status, out = boot.sh("python3 -c 'import tandem; print(tandem.open().ping())'",
                          timeout=120, check=False)
    first_s = time.monotonic() - t
    require(status == 0, f"python3 -c 'import tandem; ...ping()' exited {status}:\n{out}")
    rtt = float(out.strip().splitlines()[-1])
    require(0 < rtt < 20, f"ping() returned {rtt!r} s:\n{out}")
    # Start-up cost in the guest's own time (busybox time; guest time under -icount).
    start = [_guest_seconds(boot, cmd) for cmd in ("-c pass", "-c 'import tandem'")]
    _type_file(boot, "/tmp/tandem_check.py", SCRIPT)
    status, out = boot.sh(f"python3 $F {name} {pin} {hidden}", timeout=180, check=False)
    require(status == 0, f"the Python check script exited {status}:\n{out}")
    line = next((ln for ln in out.splitlines() if ln.startswith("PYJSON ")), None)
    require(line, f"no PYJSON line:\n{out}")
    got = json.loads(line[len("PYJSON "):])
    require(got["get"] == [1, 0, 0], f"gpio get/toggle/get after set 1 gave {got['get']}")
    data = boot.read_reg(PL061_DATA)
    require(data >> pin & 1 == 1, f"after gpio_set({pin}, 1) the monitor reads DATA = {data:#x}")
    require(data >> hidden & 1 == before, f"pin {hidden} changed although the RTOS refused")
    refused = got.get("refused")
    require(refused and refused[:3] == ["PermissionDenied", 7, "refused"],
            f"gpio_set on pin {hidden} (not exported) raised {refused}")
    ctl_status, _, ctl_out = _tandemctl(boot, f"gpio set {hidden} 1")
    require(ctl_status == refused[1], f"tandemctl gpio set {hidden} 1 exited {ctl_status}, Python "
            f"raised code {refused[1]}:\n{ctl_out}")
    require(got.get("not_found") == 3, f"open('no-such-domain') gave {got.get('not_found')}")
    require(got["identity"]["name"] == name, f"identity {got['identity']}")
    require(got["tasks"] and got["requests"] > 0, f"stats {got['tasks']}, {got['requests']}")
    # While tandemd owns the channel: through it (python3 -m tandem says which way), a direct
    # open is busy (11), as tandemctl --direct.
    with _Tandemd(boot) as td:
        status, out = boot.sh("python3 -m tandem --json ping", timeout=120, check=False)
        via = last_json(out) or {}
        require(status == 0 and via.get("via") == td.sock,
                f"python3 -m tandem ping with tandemd running exited {status}:\n{out}")
        status, out = boot.sh("python3 -m tandem -t 1000 --direct ping", timeout=120, check=False)
        require(status == 11, f"python3 -m tandem --direct ping beside tandemd exited {status} "
                f"(11 busy expected):\n{out}")
    print(f"  python {got['version']} in dom0: ping {got['ping_s'] * 1e3:.2f} ms; guest time "
          f"`python3 -c pass` {start[0]} s, `-c 'import tandem'` {start[1]} s; wall, first "
          f"`import tandem; ping` {first_s:.1f} s; refused: {refused[3]}; through tandemd: "
          f"ping via {via['via']}, --direct busy", flush=True)


def _guest_seconds(boot, args):
    """`busybox time python3 ARGS`'s real time in seconds (None if it prints none)."""
    _, out = boot.sh(f"busybox time python3 {args}", timeout=120)
    m = re.search(r"real\s+(\d+)m\s*([\d.]+)s", out)
    return round(int(m.group(1)) * 60 + float(m.group(2)), 2) if m else None
