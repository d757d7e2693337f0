"""docs/evaluation.md and its plots, from the evaluation's results (results.json).

Every figure in the report is computed here from the results; nothing is typed in by hand. A
goal the issue set is printed beside its figure, met or not; a figure not measured yet says so.
"""

import pathlib
import sys

import footprint

# The sections a report must have, in order: the quick mode (./test.sh) checks them.
SECTIONS = ("Set-up", "The timing model", "Goals at a glance",
            "P1 hypervisor entries per command", "P2 round trip against peers",
            "P3 the 1 kHz task under load", "P4 instruction counts",
            "P5 footprint", "Reproducing")


class PlotError(Exception):
    pass


def kib(n):
    return f"{n / 1024:.1f} KiB"


def _per(run, side, key):
    return run[side].get(f"{key}_per_command", 0.0)


# P4 figures (bench/eval/p4.py): name, what it covers, whether it is a kernel path (goal 200).
P4_PATHS = (
    ("activate_dispatch_terminate", "ActivateTask of a higher task, dispatch, its TerminateTask, "
     "dispatch back", True),
    ("setevent_switch_waitevent", "SetEvent to a waiting higher task, switch, its ClearEvent and "
     "WaitEvent, switch back", True),
    ("get_release_resource", "GetResource + ReleaseResource (priority ceiling)", True),
    ("isr_to_activated_task", "from the ISR body's ActivateTask to the activated task running "
     "(ISR exit and dispatch)", True),
    ("tick", "one system tick with no alarm expiring, everything it takes from a task: Xen's "
     "delivery of the timer interrupt, the port's entry and exit, the kernel's tick", False),
    ("tick_deadline_to_handler", "from a tick's deadline to the handler's Acknowledge: Xen's "
     "share of the tick plus the guest's exception entry", False),
    ("sgi_raise_to_isr", "from raising SGI 1 (a write of ICC_SGI1R_EL1 that Xen traps and "
     "emulates) to the ISR body", False),
    ("hypercall_xen_version", "the cheapest hypercall (XENVER_version): into Xen and back", False),
    ("evtchn_send", "EVTCHNOP_send on a masked loopback port: Xen sets the pending bit and "
     "raises nothing", False),
)
KERNEL_PATHS = {name for name, _, kernel in P4_PATHS if kernel}

# The boot timeline's rows (bench/eval/timeline.py MILESTONES, without importing the harness).
BOOT_MILESTONES = (
    ("xen-handover", "Xen's boot done, dom0's kernel starts"),
    ("first-task", "the RTOS's first task runs"),
    ("init", "dom0's /init starts"),
    ("toolstack", "dom0's toolstack up"),
    ("ready", "dom0 ready (RTOS created or attached)"),
    ("channel-published", "the RTOS's channel published in XenStore"),
    ("first-session", "the first Linux session taken (tandemctl ping)"),
)

SIGNALLING_NAMES = {"events": "event indices (suppression)", "every": "every command (ablation)",
                    "polled": "polled"}


def signalling(run):
    return run.get("signalling", "events")


def cpu_us_per_command(run):
    return run.get("linux_cpu_ns", 0) / 1000 / max(run["commands"], 1)


def p1_table(p1):
    rows = ["| signalling | phase | commands | Linux notifications sent | RTOS notifications sent | "
            "RTOS hypercalls | Linux events received | RTOS events received | "
            "hypervisor entries counted | p50 round trip | Linux CPU |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in p1["runs"]:
        entries = entries_per_command(r)
        rows.append(
            f"| {SIGNALLING_NAMES.get(signalling(r), signalling(r))} | {r['phase']} | "
            f"{r['commands']:,} | {_per(r, 'linux', 'notify_sent'):.4f} | "
            f"{_per(r, 'rtos', 'notify_sent'):.4f} | {_per(r, 'rtos', 'hypercalls'):.4f} | "
            f"{_per(r, 'linux', 'notify_received'):.4f} | "
            f"{_per(r, 'rtos', 'notify_received'):.4f} | {entries:.4f} | "
            f"{r['latency_ns']['p50'] / 1000:.1f} us | {cpu_us_per_command(r):.1f} us |")
    return "\n".join(rows)


def entries_per_command(run):
    """Entries into Xen per command that the two sides count: Linux's EVTCHNOP_send hypercalls
    (one per notification it sends), the RTOS's hypercalls of every kind (its sends and unmasks),
    and one for each event Xen delivered to either side (an interrupt Xen injects). Each RTOS
    send is a hypercall: from an RTOS that does not count its hypercalls (before protocol 1.4)
    its sends are the floor."""
    rtos_calls = max(_per(run, "rtos", "hypercalls"), _per(run, "rtos", "notify_sent"))
    return (_per(run, "linux", "notify_sent") + rtos_calls +
            _per(run, "linux", "notify_received") + _per(run, "rtos", "notify_received"))


def notifications_per_command(run):
    return _per(run, "linux", "notify_sent") + _per(run, "rtos", "notify_sent")


def p1_run(p1, phase, commands=None, mode="events"):
    for r in p1.get("runs", []):
        if (r["phase"] == phase and signalling(r) == mode and
                (commands is None or r["commands"] == commands)):
            return r
    return None


def attributable(fps):
    """The builds whose map charges code to components: link-time optimisation compiles the
    whole program as one, so its map names the application for nearly everything."""
    return {k: v for k, v in fps.items() if "LTO" not in k}


def footprint_table(fps):
    """fps: {build label: Footprint}."""
    labels = list(fps)
    head = "| component | " + " | ".join(f"{b}: text | {b}: rodata+data | {b}: bss"
                                         for b in labels) + " |"
    rows = [head, "|---|" + "---:|" * (3 * len(labels))]
    comps = [c for c in footprint.ORDER if any(c in fp.by_component for fp in fps.values())]
    for c in comps + ["(fill, merged strings)"]:
        cells = []
        for fp in fps.values():
            if c == "(fill, merged strings)":
                named = {k: v for k, v in fp.by_component.items() if k in footprint.ORDER}
                vals = {col: fp.total(col) - sum(v[col] for v in named.values())
                        for col in footprint.COLUMNS}
            else:
                vals = fp.by_component.get(c, dict.fromkeys(footprint.COLUMNS, 0))
            cells += [f"{vals['text']:,}", f"{vals['rodata'] + vals['data']:,}",
                      f"{vals['bss']:,}"]
        rows.append(f"| {c} | " + " | ".join(cells) + " |")
    cells = []
    for fp in fps.values():
        cells += [f"**{fp.total('text'):,}**", f"**{fp.total('rodata') + fp.total('data'):,}**",
                  f"**{fp.total('bss'):,}**"]
    rows.append("| **image** | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def plots(results, outdir: pathlib.Path):
    """Writes the PNG plots into outdir; returns {name: file name}."""
    try:
        import matplotlib
    except ImportError as e:
        raise PlotError(f"{sys.executable} has no matplotlib ({e}): install Debian's "
                        f"python3-matplotlib (scripts/install-deps.sh --eval) and run "
                        f"/usr/bin/python3, as ./eval.sh does") from e
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    made = {}
    p1 = results.get("p1")
    if p1 and p1.get("runs"):
        runs = p1["runs"]
        short = {"events": "", "every": "every\n", "polled": "polled\n"}
        labels = [short.get(signalling(r), "") +
                  ("isolated" if r["phase"] == "isolated" else f"burst {r['commands']:,}")
                  for r in runs]
        series = [("Linux notifications sent", lambda r: _per(r, "linux", "notify_sent")),
                  ("RTOS notifications sent", lambda r: _per(r, "rtos", "notify_sent")),
                  ("RTOS hypercalls (all kinds)", lambda r: _per(r, "rtos", "hypercalls")),
                  ("hypervisor entries counted", entries_per_command)]
        fig, ax = plt.subplots(figsize=(max(9, 0.9 * len(runs)), 4.5))
        width = 0.8 / len(series)
        for i, (name, f) in enumerate(series):
            xs = [j + (i - (len(series) - 1) / 2) * width for j in range(len(runs))]
            ax.bar(xs, [max(f(r), 1e-4) for r in runs], width, label=name)
        ax.set_yscale("log")
        ax.set_xticks(range(len(runs)), labels, fontsize=7)
        ax.set_ylabel("per command (log scale)")
        ax.axhline(0.05, color="grey", linestyle=":", linewidth=1)
        ax.text(len(runs) - 0.5, 0.055, "burst goal 0.05", ha="right", fontsize=8, color="grey")
        ax.set_title("P1: entries into Xen per command, by signalling (bars at 1e-4 are 0)")
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(outdir / "p1-entries.png", dpi=110)
        plt.close(fig)
        made["p1"] = "p1-entries.png"
    p2 = results.get("p2")
    if p2 and p2.get("runs"):
        import math
        runs = p2["runs"]
        lo = min(min(r["samples_ns"]) for r in runs.values()) / 1000
        hi = max(max(r["samples_ns"]) for r in runs.values()) / 1000
        edges = [lo * (hi / lo) ** (i / 60) for i in range(61)] if hi > lo else [lo, lo + 1]
        fig, ax = plt.subplots(figsize=(9, 4))
        for peer in P2_PEERS:
            if peer in runs:
                us = [x / 1000 for x in runs[peer]["samples_ns"]]
                ax.hist(us, bins=edges, histtype="step", linewidth=1.4,
                        weights=[1 / len(us)] * len(us), label=P2_LABELS[peer])
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("round trip (us of guest time, log scale)")
        ax.set_ylabel("share of round trips (log)")
        ax.set_title(f"P2: isolated round trips of {p2['size']} bytes, "
                     f"{p2['round_trips']:,} each, one boot")
        ax.legend(fontsize=8)
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(
            lambda x, _: f"{x:g}" if math.log10(x).is_integer() or x < 100 else ""))
        fig.tight_layout()
        fig.savefig(outdir / "p2-round-trip.png", dpi=110)
        plt.close(fig)
        made["p2"] = "p2-round-trip.png"
    p3 = results.get("p3")
    if p3 and p3.get("loads"):
        fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
        for ax, key in zip(axes, ("release", "response")):
            for r in p3["loads"]:
                h = r[key]
                bins = sorted(int(b) for b in h["bins"])
                if not bins:
                    continue
                xs = list(range(0, max(bins) + 2))
                ys = [h["bins"].get(b, h["bins"].get(str(b), 0)) / max(h["n"], 1) for b in xs]
                ax.step(xs, [max(y, 1e-6) for y in ys], where="post", label=r["load"])
            ax.set_yscale("log")
            ax.set_xlabel(f"{key} {'delay' if key == 'release' else 'time'} (us, 1 us bins)")
            ax.set_title(f"control task: {key}")
        axes[0].set_ylabel("share of jobs (log)")
        axes[1].legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(outdir / "p3-control-task.png", dpi=110)
        plt.close(fig)
        made["p3"] = "p3-control-task.png"
    fps = results.get("footprint_parsed")
    if fps:
        fig, ax = plt.subplots(figsize=(9, 4))
        split = attributable(fps)
        builds = list(split)
        comps = [c for c in footprint.ORDER if any(c in fp.by_component for fp in split.values())]
        left = [0.0] * len(builds)
        for c in comps:
            vals = []
            for fp in split.values():
                v = fp.by_component.get(c, dict.fromkeys(footprint.COLUMNS, 0))
                vals.append((v["text"] + v["rodata"] + v["data"]) / 1024)
            ax.barh(builds, vals, left=left, label=c)
            left = [a + b for a, b in zip(left, vals)]
        ax.barh(builds, [fp.loaded() / 1024 - x for fp, x in zip(split.values(), left)],
                left=left, color="lightgrey", label="fill, merged strings")
        whole = {k: v for k, v in fps.items() if k not in split}
        if whole:
            ax.barh(list(whole), [fp.loaded() / 1024 for fp in whole.values()], color="grey",
                    label="whole program (LTO: not split)")
        ax.axvline(48, color="red", linestyle=":", linewidth=1)
        ax.text(48.5, len(builds) - 0.6, "goal: image <= 48 KiB", fontsize=8, color="red")
        ax.set_xlabel("KiB loaded (text + rodata + data; bss not in the image)")
        ax.set_title("P5: what each component puts in the demo image")
        ax.legend(fontsize=7, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.2))
        fig.tight_layout()
        fig.savefig(outdir / "p5-footprint.png", dpi=110)
        plt.close(fig)
        made["p5"] = "p5-footprint.png"
    return made


def percentile(h, q):
    """The bin (us, lower edge) holding the q-quantile of a histogram {n, max, bins}."""
    need, seen = q * h["n"], 0
    for b in sorted(h["bins"], key=int):
        seen += h["bins"][b]
        if seen >= need:
            return int(b)
    return int(h["max"])


def p3_rows(loads):
    rows = ["| load | guest s | jobs | misses | release delay p50 / p99 / max | "
            "response p50 / p99 / max |", "|---|---:|---:|---:|---:|---:|"]
    for r in loads:
        rel, rsp = r["release"], r["response"]
        rows.append(f"| {r['load']}: {r['what']} | {r['to_second'] - r['from_second']} | "
                    f"{rel['n']:,} | {r['misses']} | "
                    f"{percentile(rel, 0.5)} / {percentile(rel, 0.99)} / {rel['max']} us | "
                    f"{percentile(rsp, 0.5)} / {percentile(rsp, 0.99)} / {rsp['max']} us |")
    return rows


def p3_section(p3, long_run, pacer_ab, made, plots_rel):
    out = [f"One dom0less boot ({p3['xen']} Xen: the RTOS alone on pCPU 1 in a null-scheduler "
           f"cpupool; -icount {p3['icount']}). For each load dom0 starts it in the background, "
           f"`tandemctl stats --reset` clears the control task's figures, and after a second "
           f"for the load to get going the window runs whole guest seconds. The control task "
           f"records each job's **release delay** (its start after its tick's deadline: Xen's "
           f"delivery of the timer interrupt, the tick, the dispatch) and **response time** "
           f"(its end after that deadline) in 1 us bins (the demo's `tandem-rt: hist` lines); "
           f"misses come from its status lines. Percentiles are bin lower edges. The loads "
           f"with the event storm run shorter windows: dom0 enters Xen for every notification, "
           f"which QEMU emulates far more slowly than plain instructions (a guest second of "
           f"storm takes minutes of wall time).", "",
           *p3_rows(p3["loads"]), ""]
    for r in p3["loads"]:
        ev = r.get("events")
        if ev:
            kinds = ", ".join(f"{n:,} {k}" for k, n in sorted(ev["read"].items()))
            out += [f"Load `{r['load']}`: `tandemctl watch` read {kinds} events in "
                    f"{ev['rtos_seconds']} s of RTOS time ({ev['per_second']:,} per second); the "
                    f"RTOS dropped {ev['dropped']:,} (its 32-slot ring full while dom0 was not "
                    f"reading; docs/events.md). The control task's figures are in the table.", ""]
    if "p3" in made:
        out += [f"![P3]({plots_rel}/{made['p3']})", ""]
    out += ["**What the figures measure here.** QEMU runs the two pCPUs in turns in one host "
            "thread, each turn bounded by the pacer (20 us of guest time). A tick whose deadline "
            "falls while dom0's pCPU has the turn waits for the turn to end: with dom0 idle that "
            "is rare, with dom0 busy it happens on most ticks, so the release delay under load "
            "is bounded by the pacer's interval, not by anything Xen or Linux does to pCPU 1. On "
            "silicon the two cores run at once; the 0 misses and the release delay's bound are "
            "the emulation's, and the figure that carries over is the instruction count of the "
            "path (P4).", ""]
    if pacer_ab:
        out += [f"The A/B that shows it: the same boot with QEMU's pacer every "
                f"{pacer_ab['pacer_us']} us instead of {p3.get('pacer_us', 20)} us (turns "
                f"{p3.get('pacer_us', 20) // max(pacer_ab['pacer_us'], 1)}x shorter; QEMU runs "
                f"slower):", "", *p3_rows(pacer_ab["loads"]), ""]
    if long_run:
        jobs = sum(r["release"]["n"] for r in long_run["loads"])
        misses = sum(r["misses"] for r in long_run["loads"])
        out += [f"**Long run** (`./eval.sh --long`, at commit `{long_run.get('commit', '?')}`"
                f"{' with local changes' if long_run.get('dirty') else ''}, "
                f"{long_run.get('date', '')}, {long_run.get('wall_s', '?')} s wall): "
                f"{jobs:,} control jobs in all, {misses} missed.", "",
                *p3_rows(long_run["loads"]), ""]
    else:
        out += ["**Long run**: not run yet (`./eval.sh --long`: 10^6 periods with dom0's CPU "
                "fully busy, about 1.5 hours of wall time); its figures will appear here.", ""]
    return out


P2_PEERS = ("tandem", "vchan", "loopback", "pipe")
P2_LABELS = {"tandem": "Tandem: dom0 -> RTOS -> dom0 (tandem-bench ping)",
             "vchan": "libxenvchan: dom0 -> Linux domU -> dom0 (tandem-vchan)",
             "loopback": "Tandem's channel looped back in dom0 (tandem-loopback)",
             "pipe": "pipe pair between two dom0 processes (the floor)"}


def p2_ratio(p2):
    """Tandem's p50 over libxenvchan's, or None if either was not measured."""
    runs = (p2 or {}).get("runs", {})
    if "tandem" not in runs or "vchan" not in runs:
        return None
    return runs["tandem"]["latency_ns"]["p50"] / runs["vchan"]["latency_ns"]["p50"]


def p2_section(p2, made, plots_rel, ab=None):
    if not p2:
        return ["(Not run.)", ""]
    out = [f"One dom0less boot ({p2['xen']} Xen, -icount {p2['icount']}) with a third pCPU: "
           f"dom0 on pCPU 0, the RTOS alone on pCPU 1 (its cpupool), and a Linux domU on pCPU 2 "
           f"that dom0 starts with `xl create` (Debian's arm64 kernel, the dom0 kernel itself, "
           f"and a small initramfs whose `/init` runs `tandem-vchan serve`: bench/eval/peers.py). "
           f"Each peer then answers {p2['round_trips']:,} isolated round trips of "
           f"{p2['size']} bytes (one slot of Tandem's ring), one in flight, timed in dom0 user "
           f"space with CLOCK_MONOTONIC (guest time: instructions):", "",
           "| peer | min | p50 | p90 | p99 | max | mean | command in dom0 |",
           "|---|---:|---:|---:|---:|---:|---:|---|"]
    for peer in P2_PEERS:
        r = p2["runs"].get(peer)
        if r is None:
            continue
        lat = r["latency_ns"]
        cells = " | ".join(f"{lat[k] / 1000:,.1f} us" for k in ("min", "p50", "p90", "p99",
                                                                 "max", "mean"))
        out.append(f"| {P2_LABELS[peer]} | {cells} | `{r['command']}` |")
    out.append("")
    ratio = p2_ratio(p2)
    if ratio is not None:
        out += [f"Tandem's median round trip is {ratio:.2f} x libxenvchan's (goal <= 0.5: "
                f"{'met' if ratio <= 0.5 else '**not met**'}). Both cross from dom0's pCPU to "
                f"another one and back through an event channel each way; libxenvchan's other "
                f"end is a Linux process (an interrupt, the evtchn driver, a wake-up and a "
                f"context switch in the domU's kernel), Tandem's is the RTOS's command-server "
                f"task (an interrupt and a task switch in a kernel of a few KiB). The two "
                f"floors never leave dom0's pCPU: Tandem's channel looped back (tandem-loopback "
                f"runs the same Server over granted pages and an event channel to dom0 itself) "
                f"and a pipe pair (two context switches and four system calls, the cost of any "
                f"IPC dom0's kernel mediates).", ""]
        runs = p2["runs"]
        if "pipe" in runs:
            t, f = runs["tandem"]["latency_ns"]["p50"], runs["pipe"]["latency_ns"]["p50"]
            line = (f"Tandem's median is {abs(t - f) / 1000:.1f} us "
                    f"{'above' if t >= f else 'below'} the pipe floor ({f / 1000:.1f} us)")
            if "loopback" in runs:
                lb = runs["loopback"]["latency_ns"]["p50"]
                line += (f", and {'below' if t < lb else 'above'} its own channel looped back "
                         f"in dom0 ({lb / 1000:.1f} us), where both ends take turns on dom0's "
                         f"one vCPU")
            out += [line + ".", ""]
    if "p2" in made:
        out += [f"![P2]({plots_rel}/{made['p2']})", ""]
    out += [f"What the timing model adds: under -icount QEMU runs the vCPUs in turns, so a "
            f"notification to another pCPU is taken only when that vCPU's turn comes, up to "
            f"half the pacer's interval later ({p2.get('pacer_us', 20)} us here). Tandem and "
            f"libxenvchan each cross twice per round trip and pay it; the floors never do. "
            f"On silicon the other core runs in parallel and answers at once."]
    ab_ratio = p2_ratio(ab)
    if ab_ratio is not None:
        t, v = (ab["runs"][k]["latency_ns"]["p50"] / 1000 for k in ("tandem", "vchan"))
        out[-1] += (f" The same boot with QEMU's turns {p2.get('pacer_us', 20) // ab['pacer_us']}x "
                    f"shorter (pacer {ab['pacer_us']} us): Tandem's p50 {t:.1f} us, "
                    f"libxenvchan's {v:.1f} us, ratio {ab_ratio:.2f}.")
    out.append("")
    last, control = p2.get("status_last"), p2.get("control")
    if last and control:
        out += [f"Meanwhile the control task ran {control['activations']:,} jobs with "
                f"{control['deadline_misses']} deadline misses (worst response "
                f"{control['worst_response_us']} us; worst tick {last['tick_max_us']} us late) "
                f"while a second Linux booted and every peer ran.", ""]
    return out


def _goal_row(figure, goal, measured, met):
    verdict = "not measured yet" if met is None else ("met" if met else "**not met**")
    return f"| {figure} | {goal} | {measured} | {verdict} |"


def goals(results):
    p1 = results.get("p1") or {}
    fps = results.get("footprint_parsed") or {}
    rows = ["| figure | goal (issue 12) | measured | |", "|---|---|---|---|"]
    iso = p1_run(p1, "isolated")
    if iso:
        n = notifications_per_command(iso)
        rows.append(_goal_row("P1 notifications, isolated command", "2", f"{n:.3f}",
                              n <= 2.0 + 1e-9))
    else:
        rows.append(_goal_row("P1 notifications, isolated command", "2", "-", None))
    bursts = [r for r in p1.get("runs", []) if r["phase"] == "burst" and r["commands"] >= 1000
              and signalling(r) == "events"]
    if bursts:
        worst = max(notifications_per_command(r) for r in bursts)
        rows.append(_goal_row("P1 notifications per command, bursts >= 1,000", "<= 0.05",
                              f"{worst:.4f} (worst)", worst <= 0.05))
    else:
        rows.append(_goal_row("P1 notifications per command, bursts >= 1,000", "<= 0.05", "-",
                              None))
    polled = [r for r in p1.get("runs", []) if signalling(r) == "polled"]
    if polled:
        worst = max(notifications_per_command(r) for r in polled)
        rows.append(_goal_row("P1 polled mode, notifications per command", "0",
                              f"{worst:.4f} (worst phase)", worst == 0))
    else:
        rows.append(_goal_row("P1 polled mode, notifications per command", "0", "-", None))
    ratio, ab = p2_ratio(results.get("p2")), p2_ratio(results.get("p2_pacer"))
    measured = "-" if ratio is None else f"{ratio:.2f}"
    if ratio is not None and ab is not None:
        measured += f"; {ab:.2f} with QEMU's turns shorter (P2)"
    rows.append(_goal_row("P2 Tandem ping p50 / libxenvchan p50", "<= 0.5", measured,
                          None if ratio is None else ratio <= 0.5))
    p3 = results.get("p3")
    loads = {r["load"]: r for r in (p3 or {}).get("loads", [])}
    if "idle" in loads and len(loads) > 1:
        misses = sum(r["misses"] for r in loads.values())
        idle = percentile(loads["idle"]["release"], 0.99)
        worst = max((r for r in loads.values()), key=lambda r: percentile(r["release"], 0.99))
        growth = percentile(worst["release"], 0.99) - idle
        measured = f"{misses}; {growth} us ({worst['load']})"
        ab = {r["load"]: r for r in (results.get("p3_pacer") or {}).get("loads", [])}
        if "idle" in ab and len(ab) > 1:
            ab_growth = max(percentile(r["release"], 0.99) for r in ab.values()) - percentile(
                ab["idle"]["release"], 0.99)
            measured += (f"; {ab_growth} us with QEMU's turns 4x shorter (the growth is the "
                         f"emulation's round robin: P3)")
        rows.append(_goal_row("P3 control-task misses under load; release-delay p99 growth "
                              "over idle", "0; <= 10 us (1 % of the period)", measured,
                              misses == 0 and growth <= 10))
    else:
        rows.append(_goal_row("P3 control-task misses under load; jitter vs idle",
                              "0; within 1 % of the period", "-", None))
    p4 = results.get("p4")
    kernel = {k: v for k, v in (p4 or {}).get("per_op_ns", {}).items() if k in KERNEL_PATHS}
    if kernel:
        worst = max(kernel, key=kernel.get)
        rows.append(_goal_row("P4 instructions per kernel path", "<= 200",
                              f"{min(kernel.values()):.0f} to {kernel[worst]:.0f} ({worst})",
                              kernel[worst] <= 200))
    else:
        rows.append(_goal_row("P4 instructions per kernel path", "<= 200", "-", None))
    rel = fps.get("release (-O3)")
    small = fps.get("size (-Os, LTO)") or fps.get("size (-Os)")
    if rel:
        best = min(fp.by_component.get("kernel", {}).get("text", 0) for fp in fps.values()
                   if "kernel" in fp.by_component)
        rows.append(_goal_row("P5 kernel .text", "<= 8 KiB",
                              f"{kib(rel.by_component['kernel']['text'])} at -O3, "
                              f"{kib(best)} smallest", best <= 8 * 1024))
    if rel or small:
        best = min(fp.loaded() for fp in fps.values())
        rows.append(_goal_row("P5 whole RTOS image", "<= 48 KiB",
                              f"{kib(rel.loaded()) if rel else '-'} at -O3, {kib(best)} smallest",
                              best <= 48 * 1024))
    return "\n".join(rows)


def timing_table(timing):
    rows = ["| route | guest time | pacer | Xen | misses since power-on | worst tick lateness | "
            "guest seconds | wall seconds |", "|---|---|---|---|---:|---:|---:|---:|"]
    for t in timing:
        rows.append(f"| {t['route']} | {('-icount ' + t['icount']) if t['icount'] else 'host clock'}"
                    f" | {t['pacer']} | {t['xen']} | {t['at']['misses']:,} | "
                    f"{t['at']['tick_max_us']:,} us | {t['seconds']} | {t['wall_s']} |")
    return "\n".join(rows)


def render(results, made):
    m = results["meta"]
    fps = results.get("footprint_parsed") or {}
    p1 = results.get("p1")
    out = [f"# Evaluation{' (quick mode)' if m['quick'] else ''}", "",
           f"Generated by `{m['command']}` at commit `{m['commit']}`{' (with local changes)' if m['dirty'] else ''} "
           f"on {m['date']}; do not edit by hand: every figure below comes from "
           f"`{m['results']}`, and the command regenerates all of it.", ""]
    for note in m.get("remeasured", []):
        out += [f"Measured again since: **{note['part']}** at commit `{note['commit']}`"
                f"{' (with local changes)' if note['dirty'] else ''} on {note['date']} "
                f"(`./eval.sh --only {note['part']}`).", ""]
    out += ["## Set-up", "",
            "| | |", "|---|---|",
            f"| Xen | {m['xen']} |", f"| dom0 Linux | {m['linux']} |",
            f"| QEMU | {m['qemu']} (`virt`, GICv{m.get('gic_version', 3)}, {m['qemu_cpus']} CPUs, "
            f"no KVM: TCG) |",
            f"| host | {m['host']} |",
            f"| platform description | `{m['platform_conf']}`: RTOS `{m['rtos_name']}` on pCPU "
            f"{m['rtos_pcpu']}, {m['rtos_memory_mb']} MiB; dom0 on pCPU 0 |",
            "| RTOS image | the demo (`apps/demo`): a 1 kHz control task toggling a PL061 pin, "
            "the command server, a status task, background work |", ""]
    out += ["## The timing model", "",
            "QEMU emulates the arm64 machine in software (TCG). With `-icount shift=0` guest "
            "time counts executed instructions, one nanosecond each, instead of following the "
            "host clock: every figure in guest time is then a property of the guest system "
            "(how many instructions a path takes, how often it is delayed by instructions "
            "elsewhere), repeatable and independent of how busy the host is. The price: QEMU "
            "runs all vCPUs in one host thread, in turns, so the two pCPUs of the guest never "
            "run truly in parallel, and caches, TLB misses and memory interference between "
            "the cores cost nothing. Figures here therefore measure work and interference "
            "*in instructions*; they do not predict cycles on silicon.",
            "",
            "Under the round robin a vCPU runs until its turn ends; QEMU ends a turn at "
            "the next timer event. Without an aid, dom0's vCPU could hold the thread for a whole "
            "Linux tick while the RTOS's deadlines pass. The emulation aid is the pacer "
            "(`[qemu] icount_pacer`, docs/platform.md \"Guest time\"): a QEMU timer every "
            "20 us of guest time from power-on, which bounds each turn as parallel CPUs would. "
            "The baselines below justify it: the same boot with and without it.", ""]
    timing = results.get("timing") or []
    if timing:
        out += [timing_table(timing), ""]
    else:
        out += ["(No baseline boots in this run.)", ""]
    out += ["## Goals at a glance", "", goals(results), ""]
    out += ["## P1 hypervisor entries per command", ""]
    if p1:
        out += [f"One dom0less boot ({p1['xen']} Xen, -icount {p1['icount']}); in dom0, "
                f"`tandem-bench` runs the isolated round trips (one ping in flight) and then each "
                f"burst (pings pipelined through the 32-slot ring), each in a session of its own, "
                f"for three ways of signalling (`tandem-bench --signalling`, docs/protocol.md "
                f"section 5):", "",
                "- **event indices** (the default): Xen's ring.h suppression, a side notifies "
                "only a peer that asked to be woken;",
                "- **every command** (the ablation): each request and each response notifies, "
                "whatever the indices say: the design of the system Tandem follows;",
                "- **polled**: neither side asks for events; the RTOS's command server reads the "
                "ring every millisecond (a cyclic alarm, only while such a session is attached) "
                "and Linux spins up to 2 ms on the response ring before it kicks the RTOS once "
                "and sleeps. Its price is Linux's CPU (the last column: user + system time of "
                "tandem-bench per command) and a round trip of up to one RTOS period.", "",
                "Each side counts what it does: Linux its notifications sent and events received "
                "(libtandem's counters), the RTOS the same plus every hypercall it makes "
                "(protocol 1.4's `hypercalls`: its event-channel sends and unmasks, and anything "
                "else it asked Xen for in the window). Per command:", "",
                p1_table(p1), "",
                "The hypervisor entries counted are Linux's sends + the RTOS's hypercalls + one "
                "per event Xen delivered to either side. Not counted: Linux's kernel-internal "
                "hypercalls (an unmask that finds an event pending) and the RTOS's own timer "
                "interrupts (1 kHz, independent of the channel).", ""]
        if "p1" in made:
            out += [f"![P1]({m['plots_rel']}/{made['p1']})", ""]
        out += ["A burst fills the ring and waits for it: with event indices each ring-full costs "
                "one notification each way, 2 per 32 commands (0.0625), which is why the burst "
                "goal of 0.05 is not met; polling removes them entirely.", ""]
    else:
        out += ["(Not run.)", ""]
    out += ["## P2 round trip against peers", ""]
    out += p2_section(results.get("p2"), made, m["plots_rel"], results.get("p2_pacer"))
    out += ["## P3 the 1 kHz task under load", ""]
    p3 = results.get("p3")
    if p3:
        out += p3_section(p3, results.get("p3_long"), results.get("p3_pacer"), made,
                          m["plots_rel"])
    last = p1.get("status_last") if p1 else None
    control = p1.get("control") if p1 else None
    if last and control:
        out += [f"The P1 boot's own figure, from power-on to the end of P1: "
                f"{last['t_s']} s of guest time (dom0's boot, the toolstack and every P1 "
                f"session, polled ones included), the control task ran "
                f"{control['activations']:,} jobs with {control['deadline_misses']} deadline "
                f"misses and a worst response of {control['worst_response_us']} us; the worst "
                f"tick came {last['tick_max_us']} us late and {last['skipped']} periods were "
                f"skipped.", ""]
    elif not p3:
        out += ["Not measured yet.", ""]
    out += ["## P4 instruction counts", ""]
    p4 = results.get("p4")
    if p4:
        out += [f"The RTOS measures itself (`bench/p4`, its own image, booted alone on route "
                f"rtos-only with Xen's `bootscrub=false`, -icount {p4['icount']}): each "
                f"operation {p4['n']:,} times between two reads of the virtual counter "
                f"({p4['freq_hz'] / 1e6:g} MHz: one step per "
                f"{1e9 / p4['freq_hz'] * 1:.0f} instructions; the sum over "
                f"{p4['n']:,} operations averages the steps out), minus the loop's own cost. Under "
                f"shift=0 a guest nanosecond is one instruction of the vCPU, at EL1 (Tandem) or "
                f"EL2 (Xen): these are instruction counts, not cycles. Xen's background memory "
                f"scrubbing is off for this boot because QEMU's guest time also counts what "
                f"the other pCPU executes; with no dom0 it then only waits for interrupts.", "",
                "| path | instructions | what it covers | goal |", "|---|---:|---|---|"]
        for name, what, kernel_path in P4_PATHS:
            v = p4["per_op_ns"].get(name)
            if v is None:
                why = p4.get("skipped", {}).get(name.split("_")[0], "not measured")
                out.append(f"| {name} | - | {what} ({why}) | |")
                continue
            goal = ("<= 200: " + ("met" if v <= 200 else "**not met**")) if kernel_path else ""
            out.append(f"| {name} | {v:,.0f} | {what} | {goal} |")
        tw = p4.get("tick_window")
        if tw:
            out += ["", f"The tick figures come from a window of {tw['ticks_delivered']:,} ticks "
                    f"({tw['guest_s']:.1f} s of guest time, {tw['periods_skipped']} periods "
                    f"skipped): the loop iterations the ticks took away, against the same loop "
                    f"with interrupts suspended, and the timer's own sum of deadline-to-handler "
                    f"delays. The two come out nearly equal, which would leave almost nothing "
                    f"for the kernel's work after the handler's Acknowledge; the split between "
                    f"Xen's delivery and the RTOS's handler is therefore not resolved by these "
                    f"two methods (a direct measurement around the kernel's tick is the next "
                    f"step)."]
        out += ["", "Each kernel path above includes the arm64 port's context switch and its "
                "interrupt-level changes (the GIC priority mask), which is where most of the "
                "instructions go; the goal of 200 is not met by any path that switches tasks.", ""]
    else:
        out += ["Not measured in this run.", ""]
    out += ["## P5 footprint", ""]
    if fps:
        out += ["What each component puts in the demo image, in bytes, from the linker's map "
                "(input sections kept after `--gc-sections`, charged to the library they came "
                "from; template code is charged where it is instantiated, e.g. the PL061 "
                "command handler to the application). text, rodata and data are loaded; bss is "
                "zeroed memory (task stacks, page tables, buffers) the image does not carry.", "",
                footprint_table(attributable(fps)), "",
                "| build | loaded image | text | rodata + data | bss |", "|---|---:|---:|---:|---:|"]
        for label, fp in fps.items():
            out.append(f"| {label} | {kib(fp.loaded())} | {fp.total('text'):,} | "
                       f"{fp.total('rodata') + fp.total('data'):,} | {fp.total('bss'):,} |")
        out += [""]
        if "p5" in made:
            out += [f"![P5]({m['plots_rel']}/{made['p5']})", ""]
        out += ["With link-time optimisation the compiler merges the libraries' code across "
                "files, so the map charges most of it to the application; its totals are "
                "what counts there.", ""]
    tl = results.get("timeline") or []
    if tl:
        routes = [t["route"] for t in tl]
        out += ["**Boot timeline**, in guest seconds since power-on (-icount: instructions of "
                "both pCPUs), one boot per route:", "",
                "| milestone | " + " | ".join(routes) + " |",
                "|---|" + "---:|" * len(routes)]
        for name, what in BOOT_MILESTONES:
            cells = [f"{t['at_s'][name]:.3f}" if name in t["at_s"] else "-" for t in tl]
            out.append(f"| {what} | " + " | ".join(cells) + " |")
        out += ["", "Xen stamps its own lines (`console_timestamps=boot`, added for these boots); "
                "the RTOS prints its milestones from the physical counter, which starts at "
                "power-on; dom0's are Xen's hand-over plus dom0's `/proc/uptime` at each (10 ms "
                "steps, counted from its kernel's timekeeping start, a little after the "
                "hand-over: they are early by the kernel's first steps). On route xl dom0 "
                "creates the RTOS, so its first task follows dom0's toolstack; on dom0less it "
                "runs before dom0's kernel has printed a line.", ""]
    out += ["## Reproducing", "",
            "```sh",
            "./eval.sh            # this report: builds, boots, measures, writes docs/evaluation.md",
            "./eval.sh --quick    # the CI-sized run (./test.sh runs it; writes under build/eval/)",
            "./eval.sh --help     # every option",
            "```", "",
            f"This run: {m['wall_s']} s wall in total; its raw results are in `{m['results']}`.",
            ""]
    return "\n".join(out)


def check_structure(text):
    """The problems with a report's structure (missing or out-of-order sections); [] if none."""
    problems = []
    at = -1
    for s in SECTIONS:
        i = text.find(f"\n## {s}")
        if i < 0:
            problems.append(f"section '## {s}' is missing")
        elif i < at:
            problems.append(f"section '## {s}' is out of order")
        else:
            at = i
    if "Generated by `" not in text:
        problems.append("no 'Generated by' line naming the command and commit")
    return problems
