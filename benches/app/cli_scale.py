#!/usr/bin/env python3
"""Do the CLI's `list`, `diff` and `diagram` stay linear in the estate's size
(issue 16)? Times each on demo estates of growing size, with peak memory,
and prints per-resource costs: a linear command keeps its microseconds per
resource (and bytes per resource) flat as the estate grows.

Each size is a `orgscope demo --accounts N` snapshot (~95 resources per
account). Every command reads the snapshot, builds the query index and does
its work, so the snapshot's read is part of each figure; `read` alone is
`list --filter` matching nothing, printed first as the baseline.

Usage: benches/app/cli_scale.py [--bin target/release/orgscope]
       [--accounts 1050,3150,10500] [--runs 3]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def log(msg):
    print(f"[cli-scale {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def timed(cmd):
    """(wall seconds, peak RSS MB) of one child process, from its own
    rusage (`wait4`), so each figure is that command's alone."""
    t0 = time.monotonic()
    # Output goes to /dev/null: the terminal's speed is not the CLI's.
    err = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 4):  # diff exits 4 when the sides differ
        err.seek(0)
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{err.read().decode(errors='replace')}")
    return wall, usage.ru_maxrss / 1024  # kB -> MB


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "orgscope"))
    p.add_argument("--accounts", default="1050,3150,10500", help="demo accounts per size, comma-separated")
    p.add_argument("--runs", type=int, default=3)
    a = p.parse_args()
    sizes = [int(x) for x in a.accounts.split(",")]
    work = tempfile.mkdtemp(prefix="orgscope-cli-scale-")
    try:
        rows = []
        for n in sizes:
            snap = os.path.join(work, f"estate-{n}.json")
            subprocess.run([a.bin, "demo", "--accounts", str(n), "--out", snap], check=True)
            count = int(
                subprocess.run(
                    [a.bin, "list", snap, "--format", "csv"], check=True, capture_output=True, text=True
                ).stdout.count("\n")
                - 1
            )
            log(f"{n} accounts: {count} resources, {os.path.getsize(snap) / 1e6:.0f} MB")
            out = os.path.join(work, "d.svg")
            cmds = {
                "read (list, no match)": [a.bin, "list", snap, "--filter", "name:no-such-resource-anywhere"],
                "list (csv, all rows)": [a.bin, "list", snap, "--format", "csv"],
                "list (filter, json)": [a.bin, "list", snap, "--filter", "env=prod type:instance", "--format", "json"],
                "diff ou:Prod vs ou:Test": [a.bin, "diff", snap, "--left", "ou:Prod", "--right", "ou:Test", "--format", "json"],
                "diagram network (svg)": [a.bin, "diagram", snap, "--kind", "network", "--out", out],
                "diagram org (svg)": [a.bin, "diagram", snap, "--kind", "org", "--out", out],
            }
            for name, cmd in cmds.items():
                walls, rss = [], 0.0
                for _ in range(a.runs):
                    w, r = timed(cmd)
                    walls.append(w)
                    rss = max(rss, r)
                med = statistics.median(walls)
                rows.append((name, n, count, med, rss))
                log(f"  {name}: {med:.2f} s, peak RSS {rss:.0f} MB")
            os.remove(snap)
        print(f"orgscope CLI at growing estates: median of {a.runs} runs; binary {a.bin}")
        print(f"load average at the end: {open('/proc/loadavg').read().split()[:3]}")
        print()
        print("| command | resources | wall (s) | µs per resource | peak RSS (MB) | bytes per resource |")
        print("|---|---|---|---|---|---|")
        for name, _, count, med, rss in sorted(rows, key=lambda r: (r[0], r[1])):
            print(
                f"| {name} | {count:,} | {med:.2f} | {med / count * 1e6:.1f} | {rss:.0f} | {rss * 1024 * 1024 / count:.0f} |"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
