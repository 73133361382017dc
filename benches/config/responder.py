"""A loopback AWS for the Config aggregator benchmark: STS, Organizations
and AWS Config's aggregator API over one plain-HTTP port, every answer
after a fixed latency (default 100 ms, a real AWS round trip), for an
estate of any size generated on demand (``estate.py``).

Why its own responder and not moto behind ``examples/replay.rs``: moto has
no aggregator API, and seeding 5,000 accounts into moto is not feasible on
a developer machine (hours at ~150 requests/s). Why Python's asyncio and
nothing else: the venv has no web framework, and this needs only HTTP/1.1
keep-alive with hundreds of requests waiting at once, which asyncio does
in one thread; the work per request is small (a page is 100 templates
filled in, see ``estate.py``), and its CPU time is reported so a reader
can see it was not the limit.

What it answers (request shapes as the SDK sends them; signatures are not
checked):

* STS ``GetCallerIdentity`` (query protocol, form body), XML as AWS
  documents it: the management account's caller.
* Organizations (AWS JSON 1.1, ``X-Amz-Target:
  AWSOrganizationsV20161128.<Op>``): ``DescribeOrganization``,
  ``ListRoots``, ``ListOrganizationalUnitsForParent``,
  ``ListAccountsForParent`` (20 a page, AWS's most),
  ``ListTagsForResource``, ``ListPoliciesForTarget`` (FullAWSAccess on
  every target).
* AWS Config (AWS JSON 1.1, ``X-Amz-Target: StarlingDoveService.<Op>``),
  in the shapes of the fault proxy's aggregator
  (``tests/integration/support/proxy_config.rs``):
  ``DescribeConfigurationAggregatorSourcesStatus`` (100 a page, the API's
  most and its default) and ``SelectAggregateResourceConfig`` answering
  exactly ``SELECT * WHERE resourceType = 'T' AND awsRegion = 'R'``
  (``MaxResults``/``Limit`` up to 100, default 25; ``Results`` a list of
  JSON texts; opaque sealed ``NextToken``); anything else is AWS's error.

Control (no latency): ``GET /__bench/stats`` (requests per operation,
first and last request of each in seconds since the reset, peak requests
in flight, bytes sent, the Config queries and pages served, and this
process's CPU seconds and peak RSS), ``POST /__bench/reset``.

It prints ``listening on 127.0.0.1:PORT`` on stdout once it accepts
connections; the driver waits for that line.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import resource
import secrets
import signal
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import estate as est  # noqa: E402

AGGREGATOR = "bench"
ORG_PAGE = 20  # ListAccountsForParent's most per page
SOURCES_PAGE = 100  # DescribeConfigurationAggregatorSourcesStatus's most (and default)
DEFAULT_SELECT_PAGE = 25  # SelectAggregateResourceConfig without MaxResults
MAX_SELECT_PAGE = 100
# The OU tree as seed.py makes it: (id, name, parent id).
OUS = [
    ("ou-b0b0-00000001", "Workloads", est.ROOT_ID),
    ("ou-b0b0-00000002", "Sandbox", est.ROOT_ID),
    ("ou-b0b0-00000003", "Prod", "ou-b0b0-00000001"),
    ("ou-b0b0-00000004", "Test", "ou-b0b0-00000001"),
]
OU_BY_NAME = {name: ou for ou, name, _ in OUS}
LAST_UPDATE = 1_767_225_600  # 2026-01-01T00:00:00Z, epoch seconds (JSON 1.1)


class AwsError(Exception):
    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


class Aws:
    """The estate's answers, and the counters of what was asked."""

    def __init__(self, estate: est.Estate, sources: str):
        self.estate = estate
        self.key = secrets.token_bytes(16)
        org_arn = f"arn:aws:organizations::{est.MANAGEMENT}:organization/{est.ORG_ID}"
        self.org_arn = org_arn
        # Accounts by parent, in listing order (the management account in
        # the root, as moto and AWS place it by default).
        self.children: dict = {est.ROOT_ID: [], **{ou: [] for ou, _, _ in OUS}}
        for a in estate.accounts:
            parent = OU_BY_NAME[a["ou"]] if a["ou"] else est.ROOT_ID
            self.children[parent].append(self.account_json(a))
        self.tags = {a["id"]: [{"Key": k, "Value": v} for k, v in a["tags"].items()] for a in estate.accounts}
        # The aggregator's sources: one ACCOUNT source per account-region
        # (an aggregator of named accounts; every source's status is then
        # listed, the most pages this call can take), or one ORGANIZATION
        # source per region (an organization aggregator).
        if sources == "account":
            self.sources = [
                {"SourceId": a["id"], "SourceType": "ACCOUNT", "AwsRegion": r,
                 "LastUpdateStatus": "SUCCEEDED", "LastUpdateTime": LAST_UPDATE}
                for a in estate.accounts for r in estate.regions
            ]
        else:
            self.sources = [
                {"SourceId": est.ORG_ID, "SourceType": "ORGANIZATION", "AwsRegion": r,
                 "LastUpdateStatus": "SUCCEEDED", "LastUpdateTime": LAST_UPDATE}
                for r in estate.regions
            ]
        self.reset()

    def reset(self):
        self.t0 = None
        self.ops: dict = {}
        self.in_flight = 0
        self.peak_in_flight = 0
        self.bytes_out = 0
        self.queries: dict = {}
        self.unknown: list = []

    def account_json(self, a):
        return {
            "Id": a["id"], "Arn": f"arn:aws:organizations::{est.MANAGEMENT}:account/{est.ORG_ID}/{a['id']}",
            "Email": a["email"], "Name": a["name"], "Status": "ACTIVE", "State": "ACTIVE",
            "JoinedMethod": "CREATED", "JoinedTimestamp": LAST_UPDATE,
        }

    # --- tokens -------------------------------------------------------------

    def token(self, query: str, offset: int) -> str:
        """An opaque token for `offset` into `query`'s answer, sealed so a
        token of another query (or a forged one) is refused, as AWS does."""
        seal = hashlib.blake2b(f"{query}:{offset}".encode(), key=self.key, digest_size=8).hexdigest()
        return f"{offset}.{seal}".encode().hex()

    def offset(self, query: str, body: dict) -> int:
        token = body.get("NextToken")
        if not token:
            return 0
        try:
            offset = int(bytes.fromhex(token).decode().split(".", 1)[0])
        except (ValueError, UnicodeDecodeError):
            offset = -1
        if offset < 0 or self.token(query, offset) != token:
            raise AwsError("InvalidNextTokenException", "The specified next token is invalid.")
        return offset

    # --- dispatch -----------------------------------------------------------

    def answer(self, target: str | None, body: bytes) -> tuple:
        """(status, content type, payload) of one AWS request."""
        if target is None:
            form = urllib.parse.parse_qs(body.decode())
            action = form.get("Action", ["?"])[0]
            self.count(f"sts:{action}")
            if action == "GetCallerIdentity":
                return 200, "text/xml", self.caller().encode()
            self.unknown.append(f"sts:{action}")
            return 400, "text/xml", self.sts_error("InvalidAction", f"{action} is not answered here").encode()
        prefix, _, op = target.partition(".")
        service = {"AWSOrganizationsV20161128": "organizations", "StarlingDoveService": "config"}.get(prefix)
        self.count(f"{service or prefix}:{op}")
        try:
            req = json.loads(body or b"{}")
            if service == "organizations":
                out = self.organizations(op, req)
            elif service == "config":
                out = self.config(op, req)
            else:
                raise AwsError("UnknownOperationException", f"{target} is not answered here")
        except AwsError as e:
            if e.code == "UnknownOperationException":
                self.unknown.append(target)
            return e.status, "application/x-amz-json-1.1", json.dumps({"__type": e.code, "message": e.message}).encode()
        if isinstance(out, bytes):
            return 200, "application/x-amz-json-1.1", out
        return 200, "application/x-amz-json-1.1", json.dumps(out).encode()

    def count(self, op: str):
        now = time.monotonic()
        if self.t0 is None:
            self.t0 = now
        t = round(now - self.t0, 3)
        c = self.ops.setdefault(op, {"calls": 0, "first_s": t, "last_s": t})
        c["calls"] += 1
        c["last_s"] = t

    def caller(self) -> str:
        return (
            '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
            "<GetCallerIdentityResult>"
            f"<Arn>arn:aws:iam::{est.MANAGEMENT}:user/bench</Arn>"
            "<UserId>AIDABENCHBENCHBENCH00</UserId>"
            f"<Account>{est.MANAGEMENT}</Account>"
            "</GetCallerIdentityResult>"
            f"<ResponseMetadata><RequestId>{secrets.token_hex(16)}</RequestId></ResponseMetadata>"
            "</GetCallerIdentityResponse>"
        )

    def sts_error(self, code, message):
        return (
            '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
            f"<Code>{code}</Code><Message>{message}</Message></Error><RequestId>0</RequestId></ErrorResponse>"
        )

    # --- Organizations ------------------------------------------------------

    def organizations(self, op: str, req: dict):
        scp = [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]
        if op == "DescribeOrganization":
            return {"Organization": {
                "Id": est.ORG_ID, "Arn": self.org_arn, "FeatureSet": "ALL",
                "MasterAccountArn": f"arn:aws:organizations::{est.MANAGEMENT}:account/{est.ORG_ID}/{est.MANAGEMENT}",
                "MasterAccountId": est.MANAGEMENT, "MasterAccountEmail": "aws+management@example.com",
                "AvailablePolicyTypes": scp,
            }}
        if op == "ListRoots":
            return {"Roots": [{"Id": est.ROOT_ID, "Name": "Root", "PolicyTypes": scp,
                               "Arn": f"arn:aws:organizations::{est.MANAGEMENT}:root/{est.ORG_ID}/{est.ROOT_ID}"}]}
        if op == "ListOrganizationalUnitsForParent":
            parent = self.parent(req)
            return {"OrganizationalUnits": [
                {"Id": ou, "Name": name,
                 "Arn": f"arn:aws:organizations::{est.MANAGEMENT}:ou/{est.ORG_ID}/{ou}"}
                for ou, name, p in OUS if p == parent]}
        if op == "ListAccountsForParent":
            parent = self.parent(req)
            listed = self.children[parent]
            query = f"accounts:{parent}"
            start = self.offset(query, req)
            size = min(int(req.get("MaxResults") or ORG_PAGE), ORG_PAGE)
            out = {"Accounts": listed[start:start + size]}
            if start + size < len(listed):
                out["NextToken"] = self.token(query, start + size)
            return out
        if op == "ListTagsForResource":
            return {"Tags": self.tags.get(req.get("ResourceId"), [])}
        if op == "ListPoliciesForTarget":
            return {"Policies": [{
                "Id": "p-FullAWSAccess", "Name": "FullAWSAccess", "Type": "SERVICE_CONTROL_POLICY",
                "AwsManaged": True, "Description": "Allows access to every operation",
                "Arn": "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
            }]}
        raise AwsError("UnknownOperationException", f"organizations:{op} is not answered here")

    def parent(self, req):
        parent = req.get("ParentId")
        if parent not in self.children:
            raise AwsError("ParentNotFoundException", f"no parent {parent}")
        return parent

    # --- Config -------------------------------------------------------------

    def config(self, op: str, req: dict):
        if req.get("ConfigurationAggregatorName") != AGGREGATOR:
            raise AwsError("NoSuchConfigurationAggregatorException",
                           "The configuration aggregator does not exist. Check the configuration "
                           "aggregator name and try again.")
        if op == "DescribeConfigurationAggregatorSourcesStatus":
            if req.get("UpdateStatus"):
                raise AwsError("InvalidParameterValueException", "UpdateStatus is not answered here")
            size = self.limit(req, "Limit", SOURCES_PAGE, SOURCES_PAGE)
            start = self.offset("sources", req)
            out = {"AggregatedSourceStatusList": self.sources[start:start + size]}
            if start + size < len(self.sources):
                out["NextToken"] = self.token("sources", start + size)
            return out
        if op == "SelectAggregateResourceConfig":
            parsed = parse_expression(req.get("Expression", ""))
            if parsed is None:
                raise AwsError("InvalidExpressionException",
                               f"The expression is not supported by this responder: {req.get('Expression')}")
            rtype, region = parsed
            size = self.limit(req, "MaxResults", DEFAULT_SELECT_PAGE, MAX_SELECT_PAGE)
            query = f"select:{rtype}:{region}"
            start = self.offset(query, req)
            rows = self.estate.page(rtype, region, start, size)
            q = self.queries.setdefault(f"{rtype} {region}", {"pages": 0, "items": 0})
            q["pages"] += 1
            q["items"] += len(rows)
            # The rows are JSON string literals already (estate.py): the
            # body is put together as text, nothing is encoded per request.
            body = '{"Results":[' + ",".join(rows) + '],"QueryInfo":{"SelectFields":[{"Name":"*"}]}'
            if start + len(rows) < self.estate.count(rtype, region):
                body += ',"NextToken":"' + self.token(query, start + len(rows)) + '"'
            return (body + "}").encode()
        raise AwsError("UnknownOperationException", f"config:{op} is not answered here")

    @staticmethod
    def limit(req, key, default, most):
        asked = req.get(key) or req.get("Limit")
        if not asked:
            return default
        if not 1 <= int(asked) <= most:
            raise AwsError("InvalidLimitException", f"{asked} is not a valid limit: it must be between 0 and {most}")
        return int(asked)

    def stats(self) -> dict:
        ru = resource.getrusage(resource.RUSAGE_SELF)
        return {
            "ops": self.ops,
            "calls": sum(c["calls"] for c in self.ops.values()),
            "peak_in_flight": self.peak_in_flight,
            "bytes_out": self.bytes_out,
            "queries": self.queries,
            "unknown": self.unknown[:50],
            "cpu_s": round(ru.ru_utime + ru.ru_stime, 2),
            "peak_rss_mb": round(ru.ru_maxrss / 1024, 1),
        }


def parse_expression(expression: str):
    """(type, region) of exactly ``SELECT * WHERE resourceType = 'T' AND
    awsRegion = 'R'`` (keywords in any case), as the fault proxy reads it;
    anything else is None."""
    words = expression.split()
    if len(words) != 10:
        return None
    select, star, where, rt, eq1, t, and_, rk, eq2, r = words
    if not (select.upper() == "SELECT" and star == "*" and where.upper() == "WHERE" and rt == "resourceType"
            and eq1 == "=" and and_.upper() == "AND" and rk == "awsRegion" and eq2 == "="):
        return None

    def quoted(w):
        if len(w) < 3 or w[0] != "'" or w[-1] != "'":
            return None
        inner = w[1:-1]
        return inner if all(c.isascii() and (c.isalnum() or c in ":-") for c in inner) else None

    t, r = quoted(t), quoted(r)
    if t is None or r is None:
        return None
    parts = t.split("::")
    if len(parts) != 3 or parts[0] != "AWS" or not all(parts):
        return None
    return t, r


async def serve(aws: Aws, latency: float, reader, writer):
    """One keep-alive connection: requests one after another (the SDK does
    not pipeline), each answered after the latency."""
    try:
        while True:
            line = await reader.readline()
            if not line:
                return
            headers = {}
            while True:
                h = await reader.readline()
                if h in (b"\r\n", b"\n", b""):
                    break
                k, _, v = h.decode("latin-1").partition(":")
                headers[k.strip().lower()] = v.strip()
            if headers.get("transfer-encoding", "").lower() == "chunked":
                body = b""
                while True:
                    size = int((await reader.readline()).split(b";")[0], 16)
                    chunk = await reader.readexactly(size + 2)
                    if size == 0:
                        break
                    body += chunk[:-2]
            else:
                n = int(headers.get("content-length") or 0)
                body = await reader.readexactly(n) if n else b""
            method, path = line.decode("latin-1").split(" ")[:2]
            if path.startswith("/__bench/"):
                if path == "/__bench/reset" and method == "POST":
                    aws.reset()
                    status, ctype, payload = 200, "application/json", b"{}"
                elif path == "/__bench/stats":
                    status, ctype, payload = 200, "application/json", json.dumps(aws.stats()).encode()
                else:
                    status, ctype, payload = 404, "text/plain", b"not found"
            else:
                aws.in_flight += 1
                aws.peak_in_flight = max(aws.peak_in_flight, aws.in_flight)
                try:
                    # The simulated round trip (not synchronisation): the
                    # answer is ready at once, AWS's would take this long.
                    if latency:
                        await asyncio.sleep(latency)
                    status, ctype, payload = aws.answer(headers.get("x-amz-target"), body)
                finally:
                    aws.in_flight -= 1
                aws.bytes_out += len(payload)
            head = (
                f"HTTP/1.1 {status} {'OK' if status == 200 else 'Error'}\r\n"
                f"Content-Type: {ctype}\r\nContent-Length: {len(payload)}\r\n"
                f"x-amzn-RequestId: {secrets.token_hex(8)}\r\n\r\n"
            ).encode()
            writer.write(head + payload)
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
        # A client gone, or the server stopping: nothing left to answer.
        return
    finally:
        writer.close()


async def main_async(a):
    regions = [r for r in a.regions.split(",") if r]
    started = time.monotonic()
    aws = Aws(est.Estate(a.accounts, regions), a.sources)
    server = await asyncio.start_server(
        lambda r, w: serve(aws, a.latency_ms / 1000, r, w), "127.0.0.1", a.port, backlog=1024, limit=1 << 20
    )
    port = server.sockets[0].getsockname()[1]
    print(f"listening on 127.0.0.1:{port}", flush=True)
    print(f"estate ready in {time.monotonic() - started:.2f}s: {a.accounts} members x {len(regions)} regions, "
          f"latency {a.latency_ms} ms", file=sys.stderr, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, stop.set)
    async with server:
        await stop.wait()
    if a.stats_out:
        Path(a.stats_out).write_text(json.dumps(aws.stats(), indent=1))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--accounts", type=int, default=20, help="member accounts (default 20)")
    p.add_argument("--regions", default="us-east-1,eu-west-1,eu-central-1,ap-southeast-2")
    p.add_argument("--latency-ms", type=float, default=100)
    p.add_argument("--port", type=int, default=0, help="0: any free port (printed)")
    p.add_argument("--sources", choices=["account", "organization"], default="account",
                   help="the aggregator's sources: one per account-region (default) or one per region")
    p.add_argument("--stats-out", help="write the final stats here on exit")
    a = p.parse_args()
    asyncio.run(main_async(a))


if __name__ == "__main__":
    main()
