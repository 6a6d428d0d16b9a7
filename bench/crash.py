#!/usr/bin/env python3
"""Continuous replication under loss: rows lost after SIGKILL, sync vs async cost, store requests, restore time.

usage: bench/crash [--kills-async N] [--kills-sync N] [--rate 100] [--only kill,latency,requests,restore]

Everything binds 127.0.0.1 (the host, s3rver, a request-counting proxy); every process started
here is stopped on exit. Uses bench.py's helpers (the Release build, s3rver, the Host wrapper).
Results: bench/out/crash.json and a markdown table on stdout.
"""
import argparse
import http.client
import json
import os
import random
import shutil
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench as b  # noqa: E402


class CountingProxy:
    """A loopback reverse proxy in front of s3rver that counts every request by method."""

    def __init__(self, upstream_port):
        counts = self.counts = {}
        lock = self.lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def forward(self):
                with lock:
                    counts[self.command] = counts.get(self.command, 0) + 1
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else None
                c = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection",)}
                c.request(self.command, self.path, body=body, headers=headers)
                r = c.getresponse()
                data = r.read()
                self.send_response(r.status)
                for k, v in r.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                c.close()

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def total(self):
        with self.lock:
            return sum(self.counts.values())


def replicating_host(name, s3, mode, endpoint=None, extra=""):
    h = b.Host(name, s3=s3)
    with open(h.conf, "a") as f:
        f.write("actorblog.backup.enabled = on\nactorblog.backup.interval = 1h\n"
                f"actorblog.replication.mode = {mode}\nactorblog.replication.interval = 1s\n{extra}")
    if endpoint:
        h.env["SPACES_ENDPOINT"] = endpoint
    return h


def wait_base(h, timeout=180):
    """A first write starts the run's lineage; returns once it (and so its base backup) is restorable."""
    deadline = time.monotonic() + timeout
    while h.request("POST", "/api/posts", {"title": f"warm-up {random.random()}", "markdown": "x"}, timeout=60)[0] != 201:
        if time.monotonic() > deadline:
            raise RuntimeError("no first write in time")
    rev = json.loads(h.request("GET", "/healthz")[1])["database"]["revision"]
    while time.monotonic() < deadline:
        r = (h.status() or {}).get("replication") or {}
        if isinstance(r.get("shippedRevision"), int) and r["shippedRevision"] >= rev and r.get("pendingCommits") == 0:
            return r
        time.sleep(0.1)
    raise RuntimeError("no replication base in time")


def paced_writes(h, rate, secs, tag, threads=8):
    """Posts at `rate` per second in all (threads share the pace) for `secs`; returns [(title, ack time)]."""
    acks, lock, stop = [], threading.Lock(), threading.Event()
    start = time.monotonic()
    seq = iter(range(10 ** 9))

    def worker():
        while not stop.is_set():
            with lock:
                n = next(seq)
            due = start + n / rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            if time.monotonic() - start > secs:
                return
            title = f"{tag}-{n}"
            try:
                code, _ = h.request("POST", "/api/posts", {"title": title, "markdown": "x", "status": "published"}, timeout=15)
            except OSError:
                return
            if code == 201:
                with lock:
                    acks.append((title, time.monotonic()))
    ts = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for t in ts:
        t.start()
    return acks, stop, ts


def titles_in(db):
    import sqlite3
    c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        assert c.execute("pragma integrity_check").fetchone()[0] == "ok"
        return {r[0] for r in c.execute("select title from posts")}
    finally:
        c.close()


def one_kill(s3, mode, rate, k):
    h = replicating_host(f"kill-{mode}-{k}", s3, mode)
    h.serve()
    wait_base(h)
    acks, stop, threads = paced_writes(h, rate, 60, f"k{k}", threads=16 if mode == "sync" else 4)
    time.sleep(random.uniform(3.0, 6.0))
    killed_at = time.monotonic()
    h.proc.kill()  # SIGKILL
    h.proc.wait()
    stop.set()
    for t in threads:
        t.join(timeout=30)
    b.PROCS.remove(h.proc)
    h.proc = None
    shutil.rmtree(h.data)  # the machine and its disk are gone
    os.makedirs(h.data)
    code, secs, out, err = h.cli(["restore"])
    if code != 0:
        raise RuntimeError(f"restore failed: {err.strip()[-300:]}")
    present = titles_in(h.db)
    acked = [(t, at) for t, at in acks if at <= killed_at]
    lost = [(t, at) for t, at in acked if t not in present]
    lost_secs = killed_at - min(at for _, at in lost) if lost else 0.0
    shutil.rmtree(h.dir, ignore_errors=True)
    return {"acked": len(acked), "lost": len(lost), "lost_seconds": round(lost_secs, 3), "restore_s": round(secs, 2)}


def case_kills(s3, mode, kills, rate):
    b.log(f"kills: {mode}, {kills} SIGKILLs at {rate} commits/s")
    runs = []
    for k in range(kills):
        r = one_kill(s3, mode, rate, k)
        runs.append(r)
        b.log(f"  {mode} kill {k + 1}/{kills}: {r}")
    lost = [r["lost"] for r in runs]
    return {"mode": mode, "kills": kills, "rate": rate, "runs": runs,
            "median_rows_lost": statistics.median(lost), "max_rows_lost": max(lost), "total_rows_lost": sum(lost),
            "median_seconds_lost": statistics.median(r["lost_seconds"] for r in runs),
            "acked_total": sum(r["acked"] for r in runs)}


def case_latency(s3, secs):
    b.log(f"latency: wrk 32 connections x {secs} s, off vs async vs sync")
    out = {}
    script = os.path.join(b.BENCH, "post.lua")
    for mode in ("off", "async", "sync"):
        h = replicating_host(f"latency-{mode}", s3, mode)
        h.serve()
        try:
            if mode != "off":
                wait_base(h)
            b.wrk(h.url + "/api/posts", 2, script=script, args=(b.TOKEN, "warm"))
            cmd = ["wrk", "-t2", "-c32", f"-d{secs}s", "--timeout", "15s", "--latency", "-s", script, h.url + "/api/posts",
                   "--", b.TOKEN, mode]
            text = b.subprocess.run(cmd, capture_output=True, text=True, timeout=secs + 120, check=True).stdout
            rps, p99, bad, total = b.parse_wrk(text)
            m = b.re.search(r"^\s*50%\s+([\d.]+)(us|ms|s)\s*$", text, b.re.M)
            p50 = float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)] if m else None
            out[mode] = {"posts_per_s": round(rps * (1 - bad / total), 1) if total else 0, "p50_ms": p50, "p99_ms": p99, "non2xx": bad}
            b.log(f"  {mode}: {out[mode]}")
        finally:
            h.stop()
    return out


def case_requests(s3, writes, rate):
    b.log(f"requests: {writes} writes at {rate}/s through a counting proxy, per mode; then an idle minute")
    out = {}
    for mode in ("async", "sync"):
        proxy = CountingProxy(s3.port)
        h = replicating_host(f"requests-{mode}", s3, mode, endpoint=proxy.url)
        h.serve()
        try:
            wait_base(h)
            time.sleep(2)  # let retention after the base settle
            before = proxy.total()
            acks, stop, threads = paced_writes(h, rate, writes / rate, f"r-{mode}", threads=8)
            for t in threads:
                t.join(timeout=writes / rate + 60)
            rev = json.loads(h.request("GET", "/healthz")[1])["database"]["revision"]
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and (h.status().get("replication") or {}).get("shippedRevision") != rev:
                time.sleep(0.1)
            used = proxy.total() - before
            idle_from = proxy.total()
            time.sleep(60)
            out[mode] = {"writes": len(acks), "requests": used, "per_1000_writes": round(used * 1000 / max(1, len(acks)), 1),
                         "idle_requests_per_minute": proxy.total() - idle_from}
            b.log(f"  {mode}: {out[mode]}")
        finally:
            h.stop()
            proxy.server.shutdown()
    return out


def case_restore(s3, changes, size_mb):
    b.log(f"restore: a {size_mb} MB backup alone vs the backup + {changes} change objects (one per write, as 1 write/s gives)")
    h = replicating_host("restore-time", s3, "sync")
    shutil.copyfile(b.blog_db(size_mb), h.db)
    h.serve()
    try:
        wait_base(h)
        for i in range(changes):  # sync and one client: one change object per write
            code, _ = h.request("POST", "/api/posts", {"title": f"hour {i}", "markdown": "One write a second.", "status": "published"})
            assert code == 201, code
        base = (h.status().get("lastSuccess") or {}).get("id")
    finally:
        h.stop()
    alone, full = [], []
    for _ in range(3):
        for sink, args in ((alone, ["restore", "--id", base]), (full, ["restore"])):
            out = os.path.join(h.dir, "restored.db")
            code, secs, stdout, err = h.cli([*args, "--output", out, "--force"])
            if code != 0:
                raise RuntimeError(err)
            sink.append(secs)
            os.remove(out)
    r = {"size_mb": size_mb, "changes": changes, "backup_alone_s": round(statistics.median(alone), 2),
         "backup_plus_changes_s": round(statistics.median(full), 2)}
    b.log(f"  {r}")
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--kills-async", type=int, default=10)
    ap.add_argument("--kills-sync", type=int, default=100)
    ap.add_argument("--rate", type=int, default=100)
    ap.add_argument("--latency-secs", type=int, default=10)
    ap.add_argument("--request-writes", type=int, default=1000)
    ap.add_argument("--restore-changes", type=int, default=3600)
    ap.add_argument("--only", default="kill,latency,requests,restore")
    ap.add_argument("--no-build", action="store_true", help="reuse bench/out/host from an earlier run")
    a = ap.parse_args()
    only = set(a.only.split(","))
    os.makedirs(b.OUT, exist_ok=True)
    b.fresh_dir(b.WORK)
    if not (os.path.exists(b.S3RVER_SCRIPT) and b.shutil.which("wrk")):
        b.ensure_tools()
    if not (a.no_build and os.path.exists(b.HOST_DLL)):
        b.build_host()
    s3 = b.S3rver()
    load = os.getloadavg()
    results = {"machine": b.machine(), "load_at_start": [round(x, 2) for x in load]}
    if "kill" in only:
        results["kill_async"] = case_kills(s3, "async", a.kills_async, a.rate)
        results["kill_sync"] = case_kills(s3, "sync", a.kills_sync, a.rate)
    if "latency" in only:
        results["latency"] = case_latency(s3, a.latency_secs)
    if "requests" in only:
        results["requests"] = case_requests(s3, a.request_writes, 50)
    if "restore" in only:
        results["restore"] = case_restore(s3, a.restore_changes, 10)
    results["load_at_end"] = [round(x, 2) for x in os.getloadavg()]
    with open(os.path.join(b.OUT, "crash.json"), "w") as f:
        json.dump(results, f, indent=2)
    print(json.dumps({k: v for k, v in results.items() if k != "machine"}, indent=2))
    b.stop_all()


if __name__ == "__main__":
    main()
