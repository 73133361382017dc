#!/usr/bin/env python3
"""The desktop app's speed budgets (issue 7), measured on the real binary in
a real window under Xvfb (software GL), as a user would meet them:

- start to first frame of the welcome screen;
- opening a 100,000-resource snapshot: until the table shows its rows, and
  whether any frame stuttered meanwhile;
- resident memory with that estate loaded and shown.

It reads the app's own log lines (RUST_LOG=orgscope=debug): "first frame
shown" (logged when the second frame starts, so the first one has been
presented), "opened FILE (N resources) in X ms" (the worker), "pane rows:
N of M in X ms" (a pane's rows filtered and sorted again) and "slow frame:
X ms" (any frame over 50 ms). Times are from spawning the process to the
line, so they include exec, window creation and GL set-up.

Per-frame costs (a 100k-row table scrolled, a filter keystroke) are held by
criterion in benches/ui_frame.rs instead.

Usage: benches/app/run.py [--bin target/release/orgscope] [--runs 5]
Needs: Xvfb (scripts/setup-system.sh). Every process started is stopped.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STARTED = []


def log(msg):
    print(f"[app-bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def build():
    log("building orgscope (cargo build --profile bench)")
    subprocess.run(["cargo", "build", "--profile", "bench", "--bin", "orgscope"], cwd=ROOT, check=True)
    return os.path.join(ROOT, "target", "release", "orgscope")


def start_xvfb(work):
    r, w = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(w), "-screen", "0", "1600x1000x24", "-nolisten", "tcp", "-noreset"],
        pass_fds=(w,),
        stdout=subprocess.DEVNULL,
        stderr=open(os.path.join(work, "xvfb.log"), "w"),
    )
    STARTED.append(xvfb)
    os.close(w)
    # Xvfb writes the display number once it accepts connections.
    with os.fdopen(r) as f:
        display = f.readline().strip()
    if not display:
        raise RuntimeError("Xvfb did not start (see xvfb.log)")
    return ":" + display


class App:
    """One orgscope process; its stderr lines, each with seconds since spawn."""

    def __init__(self, binary, args, display, work):
        env = dict(os.environ)
        env.update(
            DISPLAY=display,
            WAYLAND_DISPLAY="",
            LIBGL_ALWAYS_SOFTWARE="1",
            RUST_LOG="orgscope=debug",
            NO_COLOR="1",
            # A private settings dir: no saved layout from an earlier run.
            XDG_DATA_HOME=tempfile.mkdtemp(dir=work),
            XDG_CONFIG_HOME=tempfile.mkdtemp(dir=work),
        )
        self.lines = []
        self.cond = threading.Condition()
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen([binary] + args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        STARTED.append(self.proc)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stderr:
            with self.cond:
                self.lines.append((time.monotonic() - self.t0, line.rstrip()))
                self.cond.notify_all()
        with self.cond:
            self.lines.append((time.monotonic() - self.t0, None))
            self.cond.notify_all()

    def wait_for(self, pattern, timeout=120, start=0):
        """(seconds since spawn, match) of the first line from `start` on matching."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        i = start
        with self.cond:
            while True:
                while i < len(self.lines):
                    t, line = self.lines[i]
                    if line is None:
                        raise RuntimeError(f"orgscope exited before /{pattern}/:\n" + self.text())
                    m = rx.search(line)
                    if m:
                        return t, m, i
                    i += 1
                left = deadline - time.monotonic()
                if left <= 0:
                    raise RuntimeError(f"no /{pattern}/ within {timeout} s:\n" + self.text())
                self.cond.wait(left)

    def text(self):
        return "\n".join(l for _, l in self.lines if l)

    def status(self, field):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024  # kB -> MB
        return float("nan")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", help="orgscope binary (default: build with --profile bench)")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--accounts", type=int, default=1050, help="demo accounts in the big snapshot (1050 ≈ 100k resources)")
    a = p.parse_args()
    if not shutil.which("Xvfb"):
        sys.exit("app-bench: Xvfb is missing (run scripts/setup-system.sh)")
    binary = a.bin or build()
    work = tempfile.mkdtemp(prefix="orgscope-app-bench-")
    try:
        display = start_xvfb(work)
        log(f"Xvfb on {display}")

        first = []
        for n in range(a.runs):
            app = App(binary, [], display, work)
            t, _, _ = app.wait_for(r"first frame shown")
            first.append(t)
            app.stop()
            log(f"welcome, run {n + 1}: first frame after {t * 1000:.0f} ms")

        snap = os.path.join(work, "estate.json")
        t0 = time.monotonic()
        subprocess.run([binary, "demo", "--accounts", str(a.accounts), "--out", snap], check=True)
        log(f"wrote {snap} ({os.path.getsize(snap) / 1e6:.0f} MB) in {time.monotonic() - t0:.1f} s")

        opens = []
        for n in range(a.runs):
            app = App(binary, ["open", snap], display, work)
            t_first, _, _ = app.wait_for(r"first frame shown")
            t_read, m, i = app.wait_for(r"opened .* \((\d+) resources\) in (\d+) ms")
            resources = int(m.group(1))
            t_rows, m2, j = app.wait_for(r"pane rows: (\d+) of (\d+) in ([\d.]+) ms", start=i)
            while int(m2.group(2)) != resources:
                t_rows, m2, j = app.wait_for(r"pane rows: (\d+) of (\d+) in ([\d.]+) ms", start=j + 1)
            # Rows are recomputed in a frame's logic pass, before that same
            # frame draws them: this line marks the frame that shows them.
            slow = [
                float(x.group(1))
                for _, l in app.lines[: j + 1]
                if l and (x := re.search(r"slow frame: (\d+) ms", l))
            ]
            # Let the allocator settle: RSS of the steady state, not of the
            # parse's peak (which VmHWM shows).
            time.sleep(2)
            rss, hwm = app.status("VmRSS"), app.status("VmHWM")
            app.stop()
            opens.append(
                dict(
                    first=t_first,
                    read_ms=int(m.group(2)),
                    rows=t_rows,
                    derive_ms=float(m2.group(3)),
                    shown=int(m2.group(1)),
                    resources=resources,
                    slow=slow,
                    rss=rss,
                    hwm=hwm,
                )
            )
            log(
                f"open, run {n + 1}: {resources} resources; rows shown after {t_rows:.2f} s "
                f"(worker read+index {m.group(2)} ms, rows {m2.group(3)} ms); slow frames {slow or 'none'}; "
                f"RSS {rss:.0f} MB (peak {hwm:.0f} MB)"
            )

        med = lambda xs: statistics.median(xs)
        worst_slow = max((max(o["slow"]) for o in opens if o["slow"]), default=None)
        print(f"orgscope app budgets: {a.runs} runs each, median; binary {binary}")
        print(f"uptime: {open('/proc/loadavg').read().split()[:3]}")
        print()
        print("| budget | target | measured (median of runs) |")
        print("|---|---|---|")
        print(f"| start to first frame (welcome) | < 300 ms | {med(first) * 1000:.0f} ms (runs: {', '.join(f'{x * 1000:.0f}' for x in first)}) |")
        print(
            f"| open a {opens[0]['resources']:,}-resource snapshot, spawn to rows in the table | < 1.5 s | "
            f"{med([o['rows'] for o in opens]):.2f} s, of which read + index on a worker "
            f"{med([o['read_ms'] for o in opens]):.0f} ms and the pane's rows {med([o['derive_ms'] for o in opens]):.1f} ms |"
        )
        print(
            f"| UI responsive while opening (frames over 50 ms) | none | "
            f"{'none' if worst_slow is None else f'worst {worst_slow:.0f} ms'} |"
        )
        print(f"| RSS with that estate shown | < 400 MB | {med([o['rss'] for o in opens]):.0f} MB (peak during load {med([o['hwm'] for o in opens]):.0f} MB) |")
    finally:
        for proc in reversed(STARTED):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
