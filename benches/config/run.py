#!/usr/bin/env python3
"""The AWS Config aggregator benchmark (issue #16): ``orgscope collect
--source config-aggregator`` on an organization of A member accounts x R
regions, through a loopback responder answering STS, Organizations and
Config's aggregator API after a fixed latency (``responder.py``), the estate
generated on demand (``estate.py``: per account-region what
``benches/collect/seed.py`` seeds, plus moto's defaults, a bucket, a Lambda
function and its IAM role).

Each run: reset the responder's counters, run orgscope under ``wait4`` (wall
time, user+sys CPU, peak RSS), read the responder's counters (requests per
operation, first and last request of each, peak in flight, bytes, its own
CPU), and check the snapshot: every account's count of every kind orgscope
queried must equal what was generated, exactly, and no coverage cell may
have failed. Then print the table and write
``target/config-bench/<A>x<R>/{table.md,results.json}``.

Usage:
    benches/config/run.py --accounts 20                      # validate
    benches/config/run.py --accounts 5000 --runs 1           # issue #16's scale
    benches/config/run.py --accounts 5000 --latency-ms 0     # CPU alone, no waiting
    benches/config/run.py --bin target/release/orgscope ...  # skip the build

Every process started here is stopped on exit, Ctrl-C included.
"""

import argparse
import atexit
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
VENV_PY = ROOT / ".venv" / "bin" / "python"
sys.path.insert(0, str(HERE))
import estate as est  # noqa: E402
from responder import AGGREGATOR  # noqa: E402

STARTED: list = []
# Above this size the snapshot is counted by scanning its text, not parsed:
# json.loads of a multi-gigabyte snapshot needs several times its size.
PARSE_LIMIT = 400 << 20
RESOURCE = re.compile(rb'"account_id": "(\d{12})",\s*"region": "[^"]*",\s*"type": "([a-z0-9_]+)"')
CELL = re.compile(rb'"api": "[^"]*",\s*"status": "([a-z_]+)"')


def log(msg):
    print(f"[config-bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def cleanup():
    for p in reversed(STARTED):
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


def on_signal(signum, _frame):
    # sys.exit runs atexit's cleanup: the responder and orgscope stop too.
    sys.exit(128 + signum)


def http(url, method="GET"):
    req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.read()


def build():
    """The bench-profile orgscope (see docs/performance.md: the release
    profile without LTO)."""
    cmd = ["cargo", "build", "--profile", "bench", "--bin", "orgscope", "--message-format=json-render-diagnostics"]
    log("building: " + " ".join(cmd))
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    STARTED.append(proc)
    out, _ = proc.communicate()
    if proc.returncode != 0:
        sys.exit(f"cargo build failed ({proc.returncode})")
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg.get("executable"):
            return msg["executable"]
    sys.exit("cargo built no orgscope executable")


def start_responder(a, work):
    """The responder on a free port; returns its base URL once it prints
    that it listens (it builds the estate's templates first)."""
    proc = subprocess.Popen(
        [str(VENV_PY), str(HERE / "responder.py"), "--accounts", str(a.accounts), "--regions", a.regions,
         "--latency-ms", str(a.latency_ms), "--sources", a.sources, "--stats-out", str(work / "responder-final.json")],
        stdout=subprocess.PIPE, stderr=open(work / "responder.log", "wb"), text=True,
    )
    STARTED.append(proc)
    first = proc.stdout.readline().strip()
    if not first.startswith("listening on "):
        sys.exit(f"responder did not start: {first!r} (see {work / 'responder.log'})")
    return "http://" + first.split()[-1]


def measured(cmd, env, out_path, timeout):
    """Run cmd; wall time, CPU (user+sys of it and what it waited for) and
    peak RSS from wait4, as benches/collect/run.py measures."""
    with open(out_path, "wb") as out, open(str(out_path) + ".err", "wb") as err:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, env=env, stdout=out, stderr=err, cwd=ROOT)
        STARTED.append(p)
        killer = threading.Timer(timeout, p.kill)
        killer.start()
        try:
            _, status, ru = os.wait4(p.pid, 0)
        finally:
            killer.cancel()
        wall = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return {"rc": p.returncode, "wall": wall, "cpu": ru.ru_utime + ru.ru_stime,
            "user": ru.ru_utime, "sys": ru.ru_stime, "rss_mb": ru.ru_maxrss / 1024}


def count_snapshot(path: Path):
    """({account: {kind: n}}, {cell status: n}) of a snapshot. Small ones
    are parsed, and scanned too to hold the scanner to the parse; big ones
    are only scanned."""
    if path.stat().st_size > PARSE_LIMIT:
        return scan_snapshot(path)
    snap = json.loads(path.read_text())
    counts: dict = {acc["id"]: {} for acc in snap.get("accounts", [])}
    cells: dict = {}
    for r in snap["resources"]:
        acc = counts.setdefault(r["account_id"], {})
        acc[r["type"]] = acc.get(r["type"], 0) + 1
    for c in snap.get("coverage", []):
        cells[c["status"]] = cells.get(c["status"], 0) + 1
    scanned = scan_snapshot(path, chunk=1 << 16)
    nonzero = {a: c for a, c in counts.items() if c}
    if scanned != (nonzero, cells):
        sys.exit(f"the snapshot scanner disagrees with the parse of {path}")
    return nonzero, cells


def scan_snapshot(path: Path, chunk=64 << 20):
    """Count a snapshot's resources and cells from its text, in chunks:
    each resource starts with account_id, region and type, in that order
    (model/resource.rs writes them so), and each cell has its api then its
    status."""
    counts: dict = {}
    cells: dict = {}
    keep = 1024  # longer than any match: one cut by a chunk's end is found in the next
    tail = b""
    with open(path, "rb") as f:
        while True:
            data = f.read(chunk)
            buf = tail + data
            limit = max(0, len(buf) - keep) if data else len(buf)
            for m in RESOURCE.finditer(buf):
                if m.start() >= limit:
                    break
                acc = counts.setdefault(m.group(1).decode(), {})
                k = m.group(2).decode()
                acc[k] = acc.get(k, 0) + 1
            for m in CELL.finditer(buf):
                if m.start() >= limit:
                    break
                s = m.group(1).decode()
                cells[s] = cells.get(s, 0) + 1
            if not data:
                return counts, cells
            tail = buf[limit:]


def check(found, expected, queried_kinds):
    """Differences between the snapshot and the estate, for the kinds
    orgscope queried: per account and kind, exact."""
    bad = []
    for acc in sorted(set(found) | set(expected)):
        want = {k: n for k, n in expected.get(acc, {}).items() if k in queried_kinds and n}
        got = {k: n for k, n in found.get(acc, {}).items() if n}
        if got != want:
            bad.append(f"  {acc}: generated {want}, snapshot {got}")
    return bad


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument("--accounts", type=int, default=20, help="member accounts (default 20)")
    p.add_argument("--regions", default="us-east-1,eu-west-1,eu-central-1,ap-southeast-2",
                   help="comma-separated regions (default: the crawl benchmark's 4)")
    p.add_argument("--latency-ms", type=float, default=100, help="per request (default 100)")
    p.add_argument("--runs", type=int, default=1)
    p.add_argument("--bin", help="orgscope binary (default: cargo build --profile bench)")
    p.add_argument("--sources", choices=["account", "organization"], default="account",
                   help="aggregator sources: one per account-region (default) or per region")
    p.add_argument("--orgscope-args", default="", help="extra arguments for orgscope collect")
    p.add_argument("--timeout", type=float, default=3600, help="per run, seconds")
    p.add_argument("--keep-snapshots", action="store_true", help="keep every run's snapshot (they are large)")
    a = p.parse_args()
    regions = [r for r in a.regions.split(",") if r]
    atexit.register(cleanup)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    label = f"{a.accounts}x{len(regions)}" + (f"-{a.latency_ms:g}ms" if a.latency_ms != 100 else "")
    work = ROOT / "target" / "config-bench" / label
    work.mkdir(parents=True, exist_ok=True)
    binary = a.bin or build()
    estate = est.Estate(a.accounts, regions)
    expected = estate.expected()
    generated = {}
    for kinds in expected.values():
        for k, n in kinds.items():
            generated[k] = generated.get(k, 0) + n
    base = start_responder(a, work)
    log(f"responder on {base}: {a.accounts} members + management x {len(regions)} regions, "
        f"{sum(generated.values())} configuration items, latency {a.latency_ms:g} ms")

    home = work / "home"
    home.mkdir(exist_ok=True)
    (home / "aws-config").write_text("")
    # As benches/collect and the integration tests point orgscope at moto:
    # one endpoint for every service, dummy keys (the responder ignores
    # signatures), no shared config.
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "AWS_ENDPOINT_URL": base,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(home / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "aws-config"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    runs = []
    for n in range(1, a.runs + 1):
        out = work / f"run{n}.json"
        cmd = [binary, "collect", "--source", "config-aggregator", "--aggregator", AGGREGATOR,
               "--aggregator-region", "us-east-1", "--regions", ",".join(regions), "--out", str(out), "-v"]
        cmd += a.orgscope_args.split()
        http(base + "/__bench/reset", "POST")
        before = json.loads(http(base + "/__bench/stats"))
        log(f"run {n}/{a.runs}: {' '.join(cmd[1:])}")
        m = measured(cmd, env, work / f"run{n}.out", a.timeout)
        stats = json.loads(http(base + "/__bench/stats"))
        m["responder_cpu_s"] = round(stats["cpu_s"] - before["cpu_s"], 2)
        m["responder_rss_mb"] = stats["peak_rss_mb"]
        m.update(calls=stats["calls"], ops=stats["ops"], peak_in_flight=stats["peak_in_flight"],
                 bytes_out=stats["bytes_out"], unknown=stats["unknown"])
        pages = sum(q["pages"] for q in stats["queries"].values())
        m["queries"], m["pages"] = len(stats["queries"]), pages
        m["snapshot_mb"] = out.stat().st_size / 2**20 if out.exists() else 0
        if m["rc"] != 0:
            err = (work / f"run{n}.out.err").read_text(errors="replace")[-3000:]
            sys.exit(f"orgscope exited with {m['rc']} after {m['wall']:.1f}s:\n{err}")
        if stats["unknown"]:
            sys.exit(f"orgscope made calls the responder does not answer: {stats['unknown']}")
        queried_types = {q.split(" ")[0] for q in stats["queries"]}
        queried = {est.KIND_OF[t] for t in queried_types if t in est.KIND_OF}
        t0 = time.monotonic()
        found, cells = count_snapshot(out)
        m["count_s"] = round(time.monotonic() - t0, 1)
        failed = {s: c for s, c in cells.items() if s not in ("ok", "not_recorded")}
        if failed:
            sys.exit(f"coverage cells failed: {failed} (see {out})")
        bad = check(found, expected, queried)
        if bad:
            sys.exit(f"THE SNAPSHOT DIFFERS from the generated estate ({len(bad)} accounts):\n" + "\n".join(bad[:20]))
        m["resources"] = sum(sum(c.values()) for c in found.values())
        m["accounts"] = len(found)
        m["by_kind"] = {}
        for c in found.values():
            for k, v in c.items():
                m["by_kind"][k] = m["by_kind"].get(k, 0) + v
        m["not_read"] = sorted(set(generated) - queried)
        m["cells"] = cells
        m["queries_detail"] = stats["queries"]
        m["err_tail"] = (work / f"run{n}.out.err").read_text(errors="replace")[-4000:]
        if not a.keep_snapshots and n < a.runs:
            out.unlink()
        log(f"run {n}: {m['wall']:.2f}s wall, {m['cpu']:.2f}s cpu, {m['rss_mb']:.0f} MB peak RSS, "
            f"{m['calls']} requests, {m['resources']} resources in {m['accounts']} accounts (exact), "
            f"snapshot {m['snapshot_mb']:.0f} MB")
        runs.append(m)

    table = summarize(a, regions, runs, generated)
    print(table)
    (work / "table.md").write_text(table + "\n")
    (work / "results.json").write_text(json.dumps(
        {"accounts": a.accounts, "regions": regions, "latency_ms": a.latency_ms, "sources": a.sources,
         "binary": binary, "generated": generated, "runs": runs}, indent=1))
    log(f"wrote {work / 'table.md'} and results.json")


def own_timings(err):
    """orgscope's -v lines on where its time went: the collection, and the
    snapshot's serialization and write (which the requests do not show)."""
    keep = ("collected ", "snapshot of ")
    return [line.split(": ", 1)[-1].strip() for line in err.splitlines()
            if "INFO" in line and any(k in line for k in keep)] or ["none logged"]


def summarize(a, regions, runs, generated):
    """The table as printed (and recorded in docs/performance.md)."""
    med = lambda k: statistics.median(r[k] for r in runs)  # noqa: E731
    last = runs[-1]
    lines = [
        f"Estate: {a.accounts} member accounts + management x {len(regions)} regions ({', '.join(regions)}); "
        f"latency {a.latency_ms:g} ms per request; aggregator sources: {a.sources}.",
        f"Generated configuration items: {sum(generated.values())} {dict(sorted(generated.items()))}",
        "",
        "| source | runs | median wall (s) | median CPU (s) | peak RSS (MB) | requests | resources | snapshot (MB) |",
        "|---|---|---|---|---|---|---|---|",
        f"| orgscope collect --source config-aggregator | {len(runs)} | {med('wall'):.2f} | {med('cpu'):.2f} "
        f"| {max(r['rss_mb'] for r in runs):.0f} | {last['calls']} | {last['resources']} | {last['snapshot_mb']:.0f} |",
        "",
        "Runs: " + ", ".join(
            f"{r['wall']:.2f} s (CPU {r['cpu']:.2f} = user {r['user']:.2f} + sys {r['sys']:.2f})" for r in runs
        ) + ".",
        f"Config queries: {last['queries']} (type, region) queries, {last['pages']} pages; "
        f"peak requests in flight {last['peak_in_flight']}; {last['bytes_out'] / 2**20:.0f} MB answered; "
        f"responder CPU {last['responder_cpu_s']} s, RSS {last['responder_rss_mb']:.0f} MB.",
        f"Resources read (exactly as generated, per account and kind): {dict(sorted(last['by_kind'].items()))}.",
        f"Generated but not queried by this orgscope (no mapper for their Config type): "
        f"{', '.join(last['not_read']) or 'none'}.",
        f"Coverage cells: {dict(sorted(last['cells'].items()))}.",
        "",
        "orgscope's own timings (last run, `-v`): " + "; ".join(own_timings(last["err_tail"])) + ".",
        "",
        "Requests per operation (last run): calls, first–last request in seconds after the first",
        "",
    ]
    for op, c in sorted(last["ops"].items(), key=lambda kv: (kv[1]["first_s"], kv[0])):
        lines.append(f"- {op}: {c['calls']}, {c['first_s']:.2f}–{c['last_s']:.2f}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
