"""python3 -m tandem: a small CLI over the package, tandemctl's commands and exit statuses.

Prints JSON (one object) with --json; otherwise short lines. On failure: the error on stderr
(or as JSON), exit status = the error's code, as tandemctl's.
"""

import argparse
import json
import sys

import tandem


def parse(argv):
    ap = argparse.ArgumentParser(
        prog="python3 -m tandem",
        description="Talk to Tandem RT over its Xen command channel (the Python package "
                    "`tandem`; tandemctl's commands).",
        epilog="Exit status: 0 ok, else the error's code, as tandemctl's (docs/tandemctl.md): "
               "2 usage, 3 domain not found, 4 no channel, 5 version, 6 timeout, 7 refused, "
               "8 Xen, 9 domain down, 10 protocol, 11 busy, 12 RTOS restarted. "
               "Documentation: docs/python.md")
    ap.add_argument("-d", "--domain", help="RTOS domain name or id (default: the only one "
                    "publishing a channel)")
    ap.add_argument("-t", "--timeout", type=int, default=tandem.DEFAULT_TIMEOUT_MS,
                    metavar="MS", help="milliseconds for the open and each command "
                    "(default %(default)s)")
    ap.add_argument("-j", "--json", action="store_true", help="print one JSON object")
    ap.add_argument("--direct", action="store_true", help="use the channel directly even when "
                    "tandemd serves the domain (it then fails busy while tandemd holds it)")
    ap.add_argument("--socket-dir", metavar="DIR", help="where tandemd's sockets are "
                    "(default /run/tandem)")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("list", help="domains and whether they publish a channel")
    sub.add_parser("ping", help="round trip through the channel")
    stats = sub.add_parser("stats", help="task statistics and the channel counters")
    stats.add_argument("--reset", action="store_true", help="have the RTOS clear the task "
                       "figures as it reads them")
    gpio = sub.add_parser("gpio", help="GPIO pins the RTOS exports")
    gsub = gpio.add_subparsers(dest="gpio_command", required=True, metavar="set|get|toggle|"
                               "configure")
    s = gsub.add_parser("set", help="drive an output pin")
    s.add_argument("pin", type=int)
    s.add_argument("level", type=int, choices=(0, 1))
    for name, text in (("get", "read a pin"), ("toggle", "invert an output pin")):
        gsub.add_parser(name, help=text).add_argument("pin", type=int)
    c = gsub.add_parser("configure", help="make a pin an input or an output")
    c.add_argument("pin", type=int)
    c.add_argument("direction", choices=("in", "out"))
    c.add_argument("--level", type=int, choices=(0, 1), default=0)
    return ap.parse_args(argv)


def run(a):
    """The command's result as a dict (JSON) and as text."""
    if a.command == "list":
        domains = [d._asdict() for d in tandem.list_domains()]
        lines = [f"{d['domid']:<5} {d['name'] or '-':<23} "
                 f"{d['channel'] if d['published'] else '-':<17} {d['boot_id'] or '-'}"
                 for d in domains]
        return {"domains": domains}, "\n".join(lines) or "(no domains other than dom0)"
    with tandem.open(a.domain, a.timeout, direct=a.direct, socket_dir=a.socket_dir) as rtos:
        who = rtos.identity()
        base = {"domain": who._asdict(), "via": rtos.via}
        if a.command == "ping":
            rtt = rtos.ping()
            return {**base, "rtt_us": int(rtt * 1e6)}, f"pong from {who.name} in {rtt * 1e3:.3f} ms"
        if a.command == "stats":
            tasks = [t._asdict() for t in rtos.stats(reset=a.reset)]
            channel = rtos.channel_counters()._asdict()
            text = "\n".join(f"{t['index']:<3} {t['name'] or '-':<20} {t['activations']:>10} "
                             f"{t['deadline_misses']:>6} {t['worst_response_us']:>8} us"
                             for t in tasks)
            return {**base, "reset": a.reset, "tasks": tasks, "channel": channel}, text
        pin = a.pin
        if a.gpio_command == "set":
            rtos.gpio_set(pin, a.level)
            return {**base, "pin": pin, "level": a.level}, f"pin {pin} set to {a.level}"
        if a.gpio_command == "get":
            level = rtos.gpio_get(pin)
            return {**base, "pin": pin, "level": level}, f"pin {pin}: {level}"
        if a.gpio_command == "toggle":
            level = rtos.gpio_toggle(pin)
            return {**base, "pin": pin, "level": level}, f"pin {pin} toggled: now {level}"
        level = a.level if a.direction == "out" else 0
        rtos.gpio_configure(pin, a.direction, level)
        return ({**base, "pin": pin, "direction": a.direction, "level": level},
                f"pin {pin} configured as {a.direction}")


def main(argv=None):
    a = parse(argv)
    try:
        obj, text = run(a)
    except tandem.Error as e:
        if a.json:
            print(json.dumps({"ok": False, "error": {"code": e.name, "exit": e.code,
                                                     "message": e.message, "hint": e.hint}}))
        else:
            print(f"tandem: error: {e.message}" + (f"\n  hint: {e.hint}" if e.hint else ""),
                  file=sys.stderr)
        return e.code
    except tandem.LibraryNotFound as e:
        print(f"tandem: error: {e}", file=sys.stderr)
        return 1
    command = a.command + (f" {a.gpio_command}" if a.command == "gpio" else "")
    print(json.dumps({"ok": True, "command": command, **obj}) if a.json else text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
