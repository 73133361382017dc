"""The collection benchmark driver: orgscope against the tools a user would
otherwise run, on the same seeded estate, behind a latency-injecting
record-and-replay responder (examples/replay.rs).

Steps: build orgscope and the responder (bench profile), start moto, seed A
accounts x R regions, put the responder in front of moto, run every peer once
to record (and check the peers agree), switch to replay with the chosen
latency, then run each peer N times in turn and print the table with the
floor. Every process started here is stopped on exit.

Run it through benches/collect/run.sh, which installs the Python peers first.
"""

import argparse
import atexit
import json
import os
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
VENV = ROOT / ".venv"
sys.path.insert(0, str(HERE))
from arns import is_tagged_resource  # noqa: E402  (next to this file)

# The kinds every peer collects per account-region: orgscope's regional
# collectors, in registry order (one coverage cell each). The EC2 ones are
# one describe call (or paged call) each; the load balancer ones are the
# list of load balancers, their tags (20 a call) and each one's listeners,
# then the target groups and each one's target health; then RDS's two
# describes, Lambda (functions, and each one's tags), EKS (clusters, and
# each one's describe), DynamoDB (tables, and each one's describe and tags)
# and the Tagging API's GetResources (the ARNs no other kind covers).
EC2_TYPES = [
    "instance",
    "vpc",
    "subnet",
    "security_group",
    "volume",
    "elastic_ip",
    "internet_gateway",
    "egress_only_internet_gateway",
    "nat_gateway",
    "route_table",
    "vpc_endpoint",
    "vpc_peering_connection",
    "transit_gateway",
    "transit_gateway_attachment",
    "transit_gateway_route_table",
]
REGIONAL_TYPES = EC2_TYPES + [
    "load_balancer",
    "listener",
    "target_group",
    "db_instance",
    "db_cluster",
    "lambda_function",
    "eks_cluster",
    "dynamodb_table",
    "tagged_resource",
]
# The kinds collected once per account (IAM and S3 are global), by two
# account-wide tasks: IAM's (GetAccountAuthorizationDetails, then each
# user's access keys) and S3's (ListBuckets, then each bucket's settings).
GLOBAL_TYPES = ["iam_role", "iam_user", "iam_group", "iam_policy", "s3_bucket"]
GLOBAL_TASKS = 2
TYPES = REGIONAL_TYPES + GLOBAL_TYPES


def _iam_counts(d):
    return {
        "iam_role": len(d["RoleDetailList"]),
        "iam_user": len(d["UserDetailList"]),
        "iam_group": len(d["GroupDetailList"]),
        "iam_policy": len(d["Policies"]),
    }


# The CLI loop's files, by name up to the first dot (`listeners.3.json` is
# the fourth load balancer's): what each counts, per kind. The answers in
# CLI_UNCOUNTED count nothing (tags, target health, access keys, a bucket's
# settings, a cluster's or table's describe); any other name is an error.
CLI_FILES = {
    "instances": lambda d: {"instance": sum(len(r["Instances"]) for r in d["Reservations"])},
    "vpcs": lambda d: {"vpc": len(d["Vpcs"])},
    "subnets": lambda d: {"subnet": len(d["Subnets"])},
    "security-groups": lambda d: {"security_group": len(d["SecurityGroups"])},
    "volumes": lambda d: {"volume": len(d["Volumes"])},
    "addresses": lambda d: {"elastic_ip": len(d["Addresses"])},
    "internet-gateways": lambda d: {"internet_gateway": len(d["InternetGateways"])},
    "egress-only-internet-gateways": lambda d: {"egress_only_internet_gateway": len(d["EgressOnlyInternetGateways"])},
    "nat-gateways": lambda d: {"nat_gateway": len(d["NatGateways"])},
    "route-tables": lambda d: {"route_table": len(d["RouteTables"])},
    "vpc-endpoints": lambda d: {"vpc_endpoint": len(d["VpcEndpoints"])},
    "vpc-peering-connections": lambda d: {"vpc_peering_connection": len(d["VpcPeeringConnections"])},
    "transit-gateways": lambda d: {"transit_gateway": len(d["TransitGateways"])},
    "transit-gateway-attachments": lambda d: {"transit_gateway_attachment": len(d["TransitGatewayAttachments"])},
    "transit-gateway-route-tables": lambda d: {"transit_gateway_route_table": len(d["TransitGatewayRouteTables"])},
    "load-balancers": lambda d: {"load_balancer": len(d["LoadBalancers"])},
    "listeners": lambda d: {"listener": len(d["Listeners"])},
    "target-groups": lambda d: {"target_group": len(d["TargetGroups"])},
    "db-instances": lambda d: {"db_instance": len(d["DBInstances"])},
    "db-clusters": lambda d: {"db_cluster": len(d["DBClusters"])},
    "functions": lambda d: {"lambda_function": len(d["Functions"])},
    "eks-clusters": lambda d: {"eks_cluster": len(d["clusters"])},
    "tables": lambda d: {"dynamodb_table": len(d["TableNames"])},
    "tagged-resources": lambda d: {
        "tagged_resource": sum(1 for m in d["ResourceTagMappingList"] if is_tagged_resource(m["ResourceARN"]))
    },
    "iam-details": _iam_counts,
    "buckets": lambda d: {"s3_bucket": len(d["Buckets"])},
}
CLI_UNCOUNTED = {
    "tags",
    "target-health",
    "function-tags",
    "eks-cluster",
    "table",
    "table-tags",
    "access-keys",
    "key-last-used",
    "bucket-location",
    "bucket-versioning",
    "bucket-encryption",
    "public-access-block",
    "bucket-policy",
    "bucket-tagging",
}
# Kinds moto creates none of by itself: the seeded count is the whole count
# (zero for those seed.py does not make). The others also hold moto's
# default VPC, subnets, security group, route table and gateway (and the
# unseeded management account's), so a peer finds at least the seeded.
EXACT = set(TYPES) - {"vpc", "subnet", "security_group", "internet_gateway", "route_table"}
# What moto makes by itself in every member account, on top of the seed,
# for an exact kind: organizations:CreateAccount creates the account's
# OrganizationAccountAccessRole.
MOTO_PER_MEMBER = {"iam_role": 1}
# Rounds of calls that wait for an earlier answer after an account's first
# call, on its longest path: S3's ListBuckets, then a bucket's
# GetBucketLocation, then its settings (and likewise IAM's details, a
# user's ListAccessKeys, a key's GetAccessKeyLastUsed; DynamoDB's
# ListTables, DescribeTable, ListTagsOfResource).
DEPENDENT_ROUNDS = 2
# Levels of the seeded OU tree the crawl lists (root, Workloads/Sandbox,
# Prod/Test): each level is one round trip (a parent's
# ListOrganizationalUnitsForParent and ListAccountsForParent can go
# together) that no amount of concurrency removes: the Prod and Test
# accounts are listed only at the third.
OU_LEVELS = 3

STARTED: list = []


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def cleanup():
    for p in reversed(STARTED):
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


def on_signal(signum, _frame):
    sys.exit(128 + signum)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(url, method="GET"):
    req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.read()


def wait_port(port, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"nothing listening on 127.0.0.1:{port} after {seconds}s")


def cargo_build(args):
    """Build with cargo and return {target name: executable path}."""
    cmd = ["cargo", "build", "--profile", "bench", "--message-format=json-render-diagnostics"] + args
    log("building: " + " ".join(cmd))
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    STARTED.append(proc)
    out, _ = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"cargo build failed ({proc.returncode})")
    exes = {}
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg.get("executable"):
            exes[msg["target"]["name"]] = msg["executable"]
    return exes


class Background(threading.Thread):
    """Run fn(*args) on a thread; result() joins and re-raises."""

    def __init__(self, fn, *args):
        super().__init__(daemon=True)
        self.fn, self.args, self.value, self.error = fn, args, None, None
        self.start()

    def run(self):
        try:
            self.value = self.fn(*self.args)
        except BaseException as e:  # re-raised on the main thread
            self.error = e

    def result(self):
        self.join()
        if self.error:
            raise self.error
        return self.value


def measured(cmd, env, stdout, timeout):
    """Run cmd; wall time, CPU time (user+sys of it and every descendant it
    waited for) and peak RSS (largest single process) from wait4."""
    with open(stdout, "wb") as out, open(str(stdout) + ".err", "wb") as err:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, env=env, stdout=out, stderr=err, cwd=ROOT)
        killer = threading.Timer(timeout, p.kill)
        killer.start()
        try:
            _, status, ru = os.wait4(p.pid, 0)
        finally:
            killer.cancel()
        wall = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return {
        "rc": p.returncode,
        "wall": wall,
        "cpu": ru.ru_utime + ru.ru_stime,
        "rss_mb": ru.ru_maxrss / 1024,
    }


def counts_orgscope(out_dir):
    estate = json.loads((out_dir / "estate.json").read_text())
    accounts = {a["id"]: {} for a in estate.get("accounts", [])}
    for r in estate["resources"]:
        acc = accounts.setdefault(r["account_id"], {})
        acc[r["type"]] = acc.get(r["type"], 0) + 1
    bad = [c for c in estate.get("coverage", []) if c.get("status") not in ("ok", None)]
    return accounts, [f"{c['account_id']} {c['region']} {c['api']}: {c.get('code')}" for c in bad]


def counts_cli(out_dir):
    """Counts from the CLI loop's saved answers: OUTDIR/ACCOUNT/REGION/*.json,
    with the account's global answers under REGION `global`."""
    accounts = {}
    for f in sorted(out_dir.glob("*/*/*.json")):
        name = f.name.split(".")[0]
        acc = accounts.setdefault(f.parent.parent.name, {})
        if name in CLI_UNCOUNTED:
            continue
        for kind, n in CLI_FILES[name](json.loads(f.read_text())).items():
            acc[kind] = acc.get(kind, 0) + n
    return accounts, []


def counts_botocove(out_dir):
    data = json.loads((out_dir / "counts.json").read_text())
    return data["accounts"], [json.dumps(f) for f in data["failures"]]


def totals(accounts):
    t = {k: 0 for k in TYPES}
    for acc in accounts.values():
        for k, v in acc.items():
            t[k] = t.get(k, 0) + v
    return t


def seeded_mismatch(found, seeded):
    """How totals found by a full peer disagree with what seed.py created
    (empty when they agree), so a kind no peer collects cannot pass the
    peer-against-peer comparison unnoticed."""
    created, members = seeded["created"], seeded["accounts"]
    bad = []
    for k in TYPES:
        want, got = created.get(k, 0) + MOTO_PER_MEMBER.get(k, 0) * members, found.get(k, 0)
        if (got != want) if k in EXACT else (got < want):
            extra = " (+ moto's own per account)" if k in MOTO_PER_MEMBER else ""
            bad.append(f"  {k}: seeded {want}{extra if k in EXACT else ' (+ moto defaults)'}, found {got}")
    return bad


def normal(accounts):
    """Per account, per type, zero counts dropped: the comparison form."""
    return {a: {k: v for k, v in sorted(c.items()) if v} for a, c in sorted(accounts.items())}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--accounts", type=int, default=100, help="member accounts to seed (default 100)")
    p.add_argument(
        "--regions",
        default="us-east-1,eu-west-1,eu-central-1,ap-southeast-2",
        help="comma-separated regions (default: 4)",
    )
    p.add_argument("--instances", type=int, default=20, help="instances per account-region")
    p.add_argument("--functions", type=int, default=2, help="Lambda functions per account-region")
    p.add_argument("--latency-ms", type=int, default=100, help="replayed per-request latency")
    p.add_argument("--runs", type=int, default=3, help="measured runs per peer (default 3)")
    p.add_argument("--cli-runs", type=int, help="measured runs of the AWS CLI loop (default: --runs)")
    p.add_argument(
        "--cli-accounts",
        type=int,
        help="time the AWS CLI loop on this many accounts only and scale its time to the estate "
        "(it is strictly sequential; at ~1-2 s per aws invocation the full loop takes hours)",
    )
    p.add_argument("--peers", default="orgscope,botocove,cli", help="which peers to run")
    p.add_argument(
        "--orgscope-args",
        default="",
        help="extra flags for `orgscope collect`, e.g. '--concurrency 32'",
    )
    p.add_argument(
        "--account-concurrency",
        type=int,
        help="orgscope's accounts at once, for the floor (default: --concurrency in --orgscope-args, else 32)",
    )
    p.add_argument("--region-concurrency", type=int, default=4, help="orgscope's regions per account at once")
    p.add_argument("--timeout", type=int, default=7200, help="seconds before one peer run is killed")
    p.add_argument("--orgscope-bin", help="use this orgscope instead of building it")
    p.add_argument("--replay-bin", help="use this responder instead of building it")
    p.add_argument("--work", help="directory for outputs (default: target/collect-bench)")
    p.add_argument(
        "--keep",
        action="store_true",
        help="after the record phase, switch to replay and keep moto and the responder up "
        "(no measured runs) until Ctrl-C; writes WORK/keep.env to run peers by hand, e.g. under a profiler",
    )
    a = p.parse_args()
    regions = [r for r in a.regions.split(",") if r]
    peers = [x for x in a.peers.split(",") if x]
    cli_runs = a.runs if a.cli_runs is None else a.cli_runs
    if a.account_concurrency is None:
        extra = a.orgscope_args.split()
        given = [extra[i + 1] for i, x in enumerate(extra[:-1]) if x == "--concurrency"]
        a.account_concurrency = int(given[-1]) if given else 32

    atexit.register(cleanup)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    work = Path(a.work or ROOT / "target" / "collect-bench") / f"{a.accounts}x{len(regions)}"
    work.mkdir(parents=True, exist_ok=True)

    # Build while moto is seeded: the build may wait for other builds'
    # lock, seeding waits for nothing.
    targets = ([] if a.orgscope_bin else ["--bin", "orgscope"]) + ([] if a.replay_bin else ["--example", "replay"])
    build = Background(cargo_build, targets) if targets else None

    moto_port = free_port()
    moto_env = dict(os.environ, MOTO_EC2_LOAD_DEFAULT_AMIS="false")
    log(f"moto on 127.0.0.1:{moto_port}")
    moto_log = open(work / "moto.log", "wb")
    STARTED.append(
        subprocess.Popen(
            [str(VENV / "bin" / "moto_server"), "-H", "127.0.0.1", "-p", str(moto_port)],
            env=moto_env,
            stdout=moto_log,
            stderr=subprocess.STDOUT,
        )
    )
    wait_port(moto_port)

    log(f"seeding {a.accounts} accounts x {len(regions)} regions")
    seed_out = subprocess.run(
        [
            str(VENV / "bin" / "python"),
            str(HERE / "seed.py"),
            "--endpoint",
            f"http://127.0.0.1:{moto_port}",
            "--accounts",
            str(a.accounts),
            "--regions",
            ",".join(regions),
            "--instances",
            str(a.instances),
            "--functions",
            str(a.functions),
        ],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    seeded = json.loads(seed_out)
    log(f"seeded in {seeded['seconds']}s: {seeded['created']}")

    exes = build.result() if build else {}
    for given in (a.orgscope_bin, a.replay_bin):
        # A binary given by path may still be on its way from another build.
        deadline = time.monotonic() + 1800
        while given and not os.access(given, os.X_OK) and time.monotonic() < deadline:
            time.sleep(5)
    orgscope_bin = a.orgscope_bin or exes["orgscope"]
    replay_bin = a.replay_bin or exes["replay"]

    replay = subprocess.Popen(
        [
            replay_bin,
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--upstream",
            f"http://127.0.0.1:{moto_port}",
            "--latency-ms",
            str(a.latency_ms),
        ],
        stdout=subprocess.PIPE,
        stderr=open(work / "replay.log", "wb"),
        text=True,
    )
    STARTED.append(replay)
    first = replay.stdout.readline().strip()
    if not first.startswith("listening on "):
        sys.exit(f"responder did not start: {first!r}")
    replay_port = int(first.rsplit(":", 1)[1])
    base = f"http://127.0.0.1:{replay_port}"
    log(f"responder on {base}")

    cfg = work / "aws-config"
    cfg.write_text("")
    env = {
        "PATH": f"{VENV / 'bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": str(work),
        "AWS_ENDPOINT_URL": base,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(cfg),
        "AWS_SHARED_CREDENTIALS_FILE": str(cfg),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_PAGER": "",
    }

    def command(peer, out_dir, label):
        if peer == "orgscope":
            # Recording goes through to moto, which answers ~150 requests/s:
            # at orgscope's default 32 accounts x 4 regions x 18 calls, the
            # queue outlived the operation timeout (14 cells timed out), and
            # there are 24 regional calls now. The requests are the same at
            # any concurrency, so record at 4.
            record = ["--concurrency", "4"] if label == "record" else []
            return (
                [orgscope_bin, "collect", "--regions", ",".join(regions), "--out", str(out_dir / "estate.json")]
                + record
                + a.orgscope_args.split()
            )
        if peer == "cli":
            return ["bash", str(HERE / "cli_loop.sh"), str(out_dir)] + regions
        if peer == "botocove":
            return [
                str(VENV / "bin" / "python"),
                str(HERE / "botocove_collect.py"),
                "--regions",
                ",".join(regions),
                "--out",
                str(out_dir / "counts.json"),
            ]
        sys.exit(f"unknown peer {peer!r}")

    counters = {"orgscope": counts_orgscope, "cli": counts_cli, "botocove": counts_botocove}
    reference = {}

    def run_peer(peer, label):
        out_dir = work / label / peer
        if out_dir.exists():
            subprocess.run(["rm", "-rf", str(out_dir)], check=True)
        out_dir.mkdir(parents=True)
        http(base + "/__replay/reset", "POST")
        peer_env = dict(env)
        if peer == "cli" and a.cli_accounts:
            peer_env["CLI_MAX_ACCOUNTS"] = str(a.cli_accounts)
        m = measured(command(peer, out_dir, label), peer_env, out_dir / "stdout", a.timeout)
        stats = json.loads(http(base + "/__replay/stats"))
        m.update(calls=stats["calls"], misses=stats["misses"], peak_in_flight=stats["peak_in_flight"])
        m["by_action"] = stats["by_action"]
        m["spans_s"] = stats["spans_s"]
        if m["rc"] != 0:
            err = (out_dir / "stdout.err").read_text(errors="replace")[-2000:]
            sys.exit(f"{peer} ({label}) exited with {m['rc']}:\n{err}")
        accounts, failures = counters[peer](out_dir)
        if failures:
            sys.exit(f"{peer} ({label}) reported failures:\n" + "\n".join(failures[:20]))
        got = normal(accounts)
        m["totals"] = totals(accounts)
        m["accounts"] = len(got)
        partial = peer == "cli" and a.cli_accounts
        if partial and "counts" in reference:
            if len(got) != min(a.cli_accounts, len(reference["counts"])):
                sys.exit(f"cli ({label}) visited {len(got)} accounts, expected {a.cli_accounts}")
            want = {acc: reference["counts"].get(acc) for acc in got}
        else:
            want = reference.get("counts")
        if want is None:
            if partial:
                sys.exit("--cli-accounts needs a full peer (orgscope or botocove) listed before cli")
            bad = seeded_mismatch(m["totals"], seeded)
            if bad:
                sys.exit(f"{peer} ({label}) did not find what was seeded:\n" + "\n".join(bad))
            reference["counts"], reference["by"] = got, peer
        elif got != want:
            diff = [
                f"  {acc}: {reference['by']}={want.get(acc)} {peer}={got.get(acc)}"
                for acc in sorted(set(got) | set(want))
                if got.get(acc) != want.get(acc)
            ]
            sys.exit(
                f"RESOURCE COUNTS DIFFER: {peer} ({label}) vs {reference['by']}:\n" + "\n".join(diff[:30])
            )
        log(
            f"{label} {peer}: {m['wall']:.2f}s wall, {m['cpu']:.2f}s cpu, {m['rss_mb']:.0f} MB, "
            f"{m['calls']} calls, {m['misses']} misses, totals {m['totals']}"
        )
        return m

    log("record phase: every peer once, through to moto")
    for peer in peers:
        run_peer(peer, "record")
    recorded = json.loads(http(base + "/__replay/stats"))["recorded"]
    if a.keep:
        keep(a, work, env, base, recorded, command("orgscope", work / "by-hand", "run"))
        return
    capacity = measure_capacity(base, replay_bin, replay_port) if "orgscope" in peers else {}
    log(f"recorded {recorded} distinct requests; replaying with {a.latency_ms} ms latency")
    http(base + f"/__replay/replay?latency_ms={a.latency_ms}", "POST")

    results = {peer: [] for peer in peers}
    for i in range(max(a.runs, cli_runs)):
        for peer in peers:
            if i < (cli_runs if peer == "cli" else a.runs):
                results[peer].append(run_peer(peer, f"run{i + 1}"))

    report = summarize(a, regions, results, len(reference["counts"]))
    if capacity:
        report += "\n\nResponder capacity at 0 ms latency: " + "; ".join(
            f"{tool} {r['rps']:.0f} requests/s ({r['detail']})" for tool, r in capacity.items()
        )
    (work / "results.json").write_text(
        json.dumps({"args": vars(a), "seeded": seeded, "capacity": capacity, "runs": results}, indent=1)
    )
    print(report)
    (work / "table.md").write_text(report + "\n")
    log(f"results in {work}")


def keep(a, work, env, base, recorded, orgscope_cmd):
    """Leave the recorded estate up for runs by hand (a profiler, a
    debugger): replay at the chosen latency, the environment the driver
    gives every peer in WORK/keep.env, then wait for Ctrl-C or SIGTERM,
    which stop moto and the responder like any other exit."""
    http(base + f"/__replay/replay?latency_ms={a.latency_ms}", "POST")
    (work / "by-hand").mkdir(exist_ok=True)
    env_file = work / "keep.env"
    env_file.write_text("".join(f"export {k}={shlex.quote(v)}\n" for k, v in env.items()))
    log(f"recorded {recorded} distinct requests; replaying with {a.latency_ms} ms latency at {base}")
    log(f"by hand: . {env_file} && {shlex.join(orgscope_cmd)}")
    log(f"between runs: curl -s -X POST {base}/__replay/reset; counters: curl -s {base}/__replay/stats")
    log("Ctrl-C (or SIGTERM to this process) stops moto and the responder")
    while True:
        signal.pause()


def measure_capacity(base, replay_bin, port):
    """Requests/s the responder serves from memory with no added latency,
    with its own closed-loop client and with wrk when installed. Both share
    the 2 cores with the responder, so these are lower bounds."""
    http(base + "/__replay/replay?latency_ms=0", "POST")
    out = {}
    for conns in (16, 64):
        r = json.loads(
            subprocess.run(
                [replay_bin, "load", "--target", f"127.0.0.1:{port}", "--connections", str(conns), "--seconds", "5"],
                check=True,
                stdout=subprocess.PIPE,
                text=True,
            ).stdout
        )
        out[f"replay load c{conns}"] = {"rps": r["rps"], "detail": f"{conns} connections, 5 s"}
    if shutil.which("wrk"):
        w = subprocess.run(
            ["wrk", "-t2", "-c64", "-d5s", "-s", str(HERE / "wrk-describe.lua"), base + "/"],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
        rps = [float(x.split()[1]) for x in w.splitlines() if x.startswith("Requests/sec:")]
        non2xx = [x.strip() for x in w.splitlines() if "Non-2xx" in x]
        if rps and not non2xx:
            out["wrk"] = {"rps": rps[0], "detail": "2 threads, 64 connections, 5 s"}
    stats = json.loads(http(base + "/__replay/stats"))
    log(f"responder capacity: {out}; misses during the load: {stats['misses']}")
    return out


def data_calls(by_action):
    """Calls of a run other than signing in and listing the organization
    (sts, organizations): the inventory calls, which every peer makes
    alike per account, region and resource."""
    return sum(n for action, n in by_action.items() if action.split(":", 1)[0] not in ("sts", "organizations"))


def summarize(a, regions, results, n_accounts):
    med = {
        peer: {k: statistics.median(r[k] for r in runs) for k in ("wall", "cpu", "rss_mb", "calls", "misses")}
        for peer, runs in results.items()
        if runs
    }
    scaled_note = None
    full_peer = next((p for p in ("orgscope", "botocove") if results.get(p)), None)
    if a.cli_accounts and med.get("cli") and full_peer:
        # The loop is sequential: time grows with its calls. Scale the slice
        # to the calls the full loop makes: its listing, one AssumeRole per
        # member, and the inventory calls, which are the calls a full peer
        # made on the whole estate (the same per account, region and
        # resource: the paged answers page alike, and the per-resource
        # calls follow what was seeded).
        m = med["cli"]
        by = results["cli"][0]["by_action"]
        listing = by.get("sts:GetCallerIdentity", 0) + by.get("organizations:ListAccounts", 0)
        full = listing + (n_accounts - 1) + data_calls(results[full_peer][0]["by_action"])
        factor = full / m["calls"]
        scaled_note = (
            f"AWS CLI loop: timed on {results['cli'][0]['accounts']} of {n_accounts} accounts "
            f"({m['calls']:.0f} calls: {m['wall']:.1f} s wall, {m['cpu']:.1f} s CPU); wall and CPU scaled by "
            f"{full} / {m['calls']:.0f} calls = {factor:.2f} to the whole estate."
        )
        for k in ("wall", "cpu"):
            m[k] *= factor
        m["calls"] = full
    base = med.get("orgscope")
    lines = [
        f"Estate: {a.accounts} member accounts + management x {len(regions)} regions "
        f"({', '.join(regions)}); replayed latency {a.latency_ms} ms.",
        f"Resources per run: {results[next(iter(med))][0]['totals']}",
        "",
        "| peer | runs | median wall (s) | median CPU (s) | peak RSS (MB) | calls | replay misses | wall ÷ orgscope |",
        "|---|---|---|---|---|---|---|---|",
    ]
    names = {"orgscope": "orgscope collect", "cli": "AWS CLI loop", "botocove": "botocove script"}
    for peer, m in med.items():
        ratio = f"{m['wall'] / base['wall']:.1f}×" if base else "–"
        name = names[peer] + (" (scaled, see note)" if peer == "cli" and scaled_note else "")
        lines.append(
            f"| {name} | {len(results[peer])} | {m['wall']:.2f} | {m['cpu']:.2f} | {m['rss_mb']:.0f} "
            f"| {m['calls']:.0f} | {m['misses']:.0f} | {ratio} |"
        )
    if scaled_note:
        lines += ["", scaled_note]
    if base:
        lat = a.latency_ms / 1000
        # orgscope runs every kind's collector of a region at once, and an
        # account's two global tasks (IAM, S3) beside its regions.
        apis = len(REGIONAL_TYPES)
        at_once = min(a.region_concurrency, len(regions))
        concurrency = a.account_concurrency * (at_once * apis + GLOBAL_TASKS)
        # identity, DescribeOrganization, ListRoots, the OU levels, then one
        # account's AssumeRole, its first describe page and the calls that
        # wait for it (a load balancer's listeners, a group's health).
        chain = 3 + OU_LEVELS + 2 + DEPENDENT_ROUNDS
        floor = chain * lat + (base["calls"] - chain) * lat / concurrency
        peak = statistics.median(r["peak_in_flight"] for r in results["orgscope"])
        lines += [
            "",
            f"Floor: {chain} sequential round trips x {a.latency_ms} ms + ({base['calls']:.0f} - {chain}) calls x "
            f"{a.latency_ms} ms / {concurrency} in flight "
            f"({a.account_concurrency} accounts x ({at_once} regions x {apis} APIs + {GLOBAL_TASKS} global tasks)) "
            f"= {floor:.2f} s; orgscope = {base['wall'] / floor:.2f}× the floor "
            f"(peak in-flight requests observed: {peak:.0f}).",
        ]
        # The run whose wall time is the median: when each kind of call
        # started and ended shows where orgscope's time goes.
        run = sorted(results["orgscope"], key=lambda r: r["wall"])[len(results["orgscope"]) // 2]
        lines += ["", "orgscope calls (median run): action, calls, first–last call (s after start)", ""]
        for k, n in sorted(run["by_action"].items(), key=lambda kv: run["spans_s"][kv[0]][0]):
            first, last = run["spans_s"][k]
            lines.append(f"- {k}: {n}, {first:.2f}–{last:.2f}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
