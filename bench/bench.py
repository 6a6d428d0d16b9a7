#!/usr/bin/env python3
"""ActorBlog benchmarks against plain-tool baselines, measured side by side in one run.

Standard library only. Everything binds 127.0.0.1; every process started here is stopped on
exit (atexit + SIGINT/SIGTERM). Generated data lives under bench/out/ (gitignored).
"""
import argparse
import atexit
import datetime
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
OUT = os.path.join(BENCH, "out")
HOST_DIR = os.path.join(OUT, "host")
CACHE = os.path.join(OUT, "cache")
DATA = os.path.join(OUT, "data")
WORK = os.path.join(OUT, "work")
# The operator's program (the apphost copy the .csproj names actorblog), as deploy/ runs it.
HOST_PROGRAM = os.path.join(HOST_DIR, "actorblog")
S3RVER_VERSION = "3.7.1"
S3RVER_SCRIPT = os.path.join(CACHE, "s3rver", "node_modules", "s3rver", "bin", "s3rver.js")
TOKEN = "bench-author-token-0123456789abcdef"
BUCKET = "actorblog-bench"
GENERATOR_VERSION = "4"

T0 = time.monotonic()
PROCS = []  # every Popen this script started, stopped in reverse order at exit


def log(msg):
    print(f"[{time.monotonic() - T0:7.1f}s] {msg}", flush=True)


def stop_all():
    for p in reversed(PROCS):
        if p.poll() is None:
            try:
                p.send_signal(signal.SIGTERM)
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=10)
            except ProcessLookupError:
                pass
    PROCS.clear()


atexit.register(stop_all)
for _sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(_sig, lambda s, f: sys.exit(128 + s))


def run(cmd, timeout=600, **kw):
    return subprocess.run(cmd, check=True, timeout=timeout, **kw)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def median(xs):
    return statistics.median(xs) if xs else None


def percentile(xs, p):
    if not xs:
        return None
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, int(round(p / 100.0 * len(xs) + 0.5)) - 1))
    return xs[k]


def fresh_dir(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


# ---------------------------------------------------------------------------------------------
# Setup: tools, s3rver, the host in Release
# ---------------------------------------------------------------------------------------------

def ensure_tools():
    want = {"wrk": "wrk", "nginx": "nginx", "zstd": "zstd", "sqlite3": "sqlite3", "rclone": "rclone"}
    missing = [pkg for pkg, exe in want.items() if not (shutil.which(exe) or os.path.exists("/usr/sbin/" + exe))]
    if not shutil.which("node") or not shutil.which("npm"):
        missing += ["nodejs", "npm"]
    if missing:
        log(f"apt-get install {' '.join(missing)}")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run(["apt-get", "update", "-q"], timeout=300, env=env, stdout=subprocess.DEVNULL)
        run(["apt-get", "install", "-y", "-q", *missing], timeout=900, env=env, stdout=subprocess.DEVNULL)
    if not os.path.exists(S3RVER_SCRIPT):
        log(f"npm install s3rver@{S3RVER_VERSION} into {CACHE}/s3rver")
        os.makedirs(os.path.join(CACHE, "s3rver"), exist_ok=True)
        run(["npm", "install", "--prefix", os.path.join(CACHE, "s3rver"), f"s3rver@{S3RVER_VERSION}",
             "--no-audit", "--no-fund", "--loglevel=error"], timeout=600)


def nginx_exe():
    return shutil.which("nginx") or "/usr/sbin/nginx"


def build_host():
    # Published as deploy/ installs it (publish-only settings apply), not a `dotnet build` output.
    log("dotnet publish src/ActorBlog.Host -c Release")
    run(["dotnet", "publish", os.path.join(ROOT, "src", "ActorBlog.Host"), "-c", "Release", "-o", HOST_DIR,
         "-nologo", "-v", "q", "-clp:ErrorsOnly"], timeout=900)


class S3rver:
    def __init__(self):
        self.data = fresh_dir(os.path.join(WORK, "s3rver-data"))
        env = dict(os.environ, NODE_OPTIONS="--openssl-legacy-provider")
        self.proc = subprocess.Popen(
            ["node", S3RVER_SCRIPT, "-a", "127.0.0.1", "-p", "0", "-d", self.data, "--configure-bucket", BUCKET, "--silent"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        PROCS.append(self.proc)
        self.port = None
        found = threading.Event()

        def drain():
            for line in self.proc.stdout:
                m = re.search(r"listening on [^\s:]+:(\d+)", line, re.I)
                if m and not self.port:
                    self.port = int(m.group(1))
                    found.set()
        threading.Thread(target=drain, daemon=True).start()
        if not found.wait(60):
            raise RuntimeError("s3rver did not print its port within 60 s")
        self.url = f"http://127.0.0.1:{self.port}"
        log(f"s3rver on {self.url}")

    def host_env(self):
        return {"ACTORBLOG_BACKUP_TARGET": "s3", "SPACES_ENDPOINT": self.url, "SPACES_REGION": "us-east-1",
                "SPACES_BUCKET": BUCKET, "SPACES_KEY": "S3RVER", "SPACES_SECRET": "S3RVER"}

    def rclone_env(self):
        p = "RCLONE_CONFIG_S3RVER_"
        # Loopback http: a CA bundle from the environment only makes rclone refuse its transport.
        env = {k: v for k, v in os.environ.items() if k != "AWS_CA_BUNDLE"}
        empty = os.path.join(WORK, "rclone.conf")
        if not os.path.exists(empty):
            open(empty, "w").close()
        return dict(env, RCLONE_CONFIG=empty, **{
            p + "TYPE": "s3", p + "PROVIDER": "Other", p + "ENDPOINT": self.url, p + "REGION": "us-east-1",
            p + "ACCESS_KEY_ID": "S3RVER", p + "SECRET_ACCESS_KEY": "S3RVER", p + "FORCE_PATH_STYLE": "true",
            p + "ENV_AUTH": "false", p + "DISABLE_CHECKSUM": "true", p + "NO_CHECK_BUCKET": "true",
        })


# ---------------------------------------------------------------------------------------------
# The real host: CLI runs and `serve`
# ---------------------------------------------------------------------------------------------

class Host:
    """A data dir holding a copy of a generated database, an operator config, and the program."""

    def __init__(self, name, db_source=None, s3=None, extra_config=""):
        self.dir = fresh_dir(os.path.join(WORK, name))
        self.data = os.path.join(self.dir, "data")
        os.makedirs(self.data)
        self.db = os.path.join(self.data, "blog.db")
        if db_source:
            shutil.copyfile(db_source, self.db)
        self.conf = os.path.join(self.dir, "bench.conf")
        with open(self.conf, "w") as f:
            f.write(f'actorblog.data-dir = "{self.data}"\n'
                    "actorblog.backup.s3.force-path-style = on\n"
                    "actorblog.backup.s3.prefix = \"" + name + "\"\n"
                    # No scheduled backups or drills: the bench asks for each backup itself.
                    "actorblog.backup.enabled = off\n"
                    "actorblog.backup.drill.interval = off\n" + extra_config)
        self.env = dict(os.environ, ACTORBLOG_AUTHOR_TOKEN=TOKEN, DOTNET_CLI_TELEMETRY_OPTOUT="1")
        if s3:
            self.env.update(s3.host_env())
        self.proc = None
        self.url = None

    def cli(self, args, timeout=1800):
        t = time.perf_counter()
        p = subprocess.run([HOST_PROGRAM, *args, "--config", self.conf], cwd=self.dir, env=self.env,
                           capture_output=True, text=True, timeout=timeout)
        return p.returncode, time.perf_counter() - t, p.stdout, p.stderr

    def serve(self):
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.logfile = open(os.path.join(self.dir, "serve.log"), "w")
        self.proc = subprocess.Popen([HOST_PROGRAM, "serve", "--urls", self.url, "--config", self.conf],
                                     cwd=self.dir, env=self.env, stdout=self.logfile, stderr=subprocess.STDOUT)
        PROCS.append(self.proc)
        self.port = port
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"host exited with {self.proc.returncode}; see {self.logfile.name}")
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("host did not answer /healthz within 90 s")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self.proc in PROCS:
            PROCS.remove(self.proc)
        self.proc = None

    def request(self, method, path, body=None, timeout=30):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            headers = {"Authorization": "Bearer " + TOKEN}
            if body is not None:
                body = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
            c.request(method, path, body=body, headers=headers)
            r = c.getresponse()
            return r.status, r.read()
        finally:
            c.close()

    def status(self):
        code, body = self.request("GET", "/api/backups/status")
        return json.loads(body) if code == 200 else {}

    def backup_now(self, timeout=1800):
        """POST /api/backups and wait until that id is the last success; returns seconds."""
        t = time.perf_counter()
        code, body = self.request("POST", "/api/backups")
        if code != 202:
            raise RuntimeError(f"POST /api/backups answered {code}: {body[:200]!r}")
        bid = json.loads(body)["id"]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            s = self.status()
            if (s.get("lastSuccess") or {}).get("id") == bid:
                return time.perf_counter() - t
            fail = s.get("lastFailure")
            if fail and not s.get("inFlight") and s.get("consecutiveFailures", 0) > 0 and \
                    (s.get("lastTick") or {}).get("result") == "failed":
                raise RuntimeError(f"backup failed: {fail}")
            time.sleep(0.05)
        raise RuntimeError("backup did not finish in time")

    def rss(self, field="VmRSS"):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
        return 0


# ---------------------------------------------------------------------------------------------
# Deterministic blog databases with the real schema
# ---------------------------------------------------------------------------------------------

def vocabulary(rng, n=4000):
    syll = ["ka", "to", "ri", "en", "sa", "mo", "lu", "ver", "dan", "pe", "or", "stu", "gri", "al", "ne", "chi",
            "ba", "ul", "tra", "zo", "qui", "ed", "im", "fa", "lo", "ser", "ny", "wa", "os", "ret"]
    words = set()
    while len(words) < n:
        words.add("".join(rng.choice(syll) for _ in range(rng.choice([1, 2, 2, 3, 3, 4]))))
    common = ["the", "a", "of", "and", "to", "in", "is", "that", "it", "for", "with", "as", "on", "was", "this"]
    return sorted(words), common


def sentence(rng, vocab, common, lo=6, hi=20):
    ws = [rng.choice(common) if rng.random() < 0.35 else rng.choice(vocab) for _ in range(rng.randint(lo, hi))]
    s = " ".join(ws)
    return s[0].upper() + s[1:] + rng.choice([".", ".", ".", "?", "!"])


def post_markdown(rng, vocab, common, target):
    parts, html = [], []
    size = 0
    while size < target:
        kind = rng.random()
        if kind < 0.15:
            h = sentence(rng, vocab, common, 2, 6).rstrip(".?!")
            parts.append("## " + h)
            html.append(f"<h2>{h}</h2>")
        elif kind < 0.25:
            items = [sentence(rng, vocab, common, 3, 9) for _ in range(rng.randint(2, 5))]
            parts.append("\n".join("- " + i for i in items))
            html.append("<ul>\n" + "\n".join(f"<li>{i}</li>" for i in items) + "\n</ul>")
        elif kind < 0.32:
            code = "\n".join(f"let {rng.choice(vocab)} = {rng.randint(0, 999)};" for _ in range(rng.randint(2, 6)))
            parts.append("```\n" + code + "\n```")
            html.append(f"<pre><code>{code}\n</code></pre>")
        else:
            p = " ".join(sentence(rng, vocab, common) for _ in range(rng.randint(2, 6)))
            w = rng.choice(vocab)
            p_md = p + f" See [{w}](https://example.org/{w})."
            parts.append(p_md)
            html.append(f'<p>{p} See <a href="https://example.org/{w}">{w}</a>.</p>')
        size += len(parts[-1]) + 2
    return "\n\n".join(parts) + "\n", "\n".join(html) + "\n"


def template_db():
    """An empty database migrated by the real program (start it once, stop it)."""
    path = os.path.join(DATA, "empty.db")
    if os.path.exists(path):
        return path
    os.makedirs(DATA, exist_ok=True)
    log("migrating an empty database with the real host")
    h = Host("template")
    h.serve()
    h.stop()
    con = sqlite3.connect(h.db)
    assert con.execute("SELECT value FROM meta WHERE key='revision'").fetchone() is not None
    con.close()
    shutil.copyfile(h.db, path + ".part")
    os.replace(path + ".part", path)
    return path


def blog_db(size_mb):
    """A blog of about size_mb MB: posts of 2-7 KiB markdown with tags, WAL, the real schema."""
    path = os.path.join(DATA, f"blog-{size_mb}mb.db")
    stamp = path + ".ok"
    if os.path.exists(path) and os.path.exists(stamp) and open(stamp).read() == GENERATOR_VERSION:
        return path
    empty = template_db()
    log(f"generating {size_mb} MB blog database")
    part = path + ".part"
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(part + suffix):
            os.remove(part + suffix)
    shutil.copyfile(empty, part)
    rng = random.Random(size_mb)
    vocab, common = vocabulary(random.Random(42))
    tags = sorted({rng.choice(vocab)[:12] + "-" + rng.choice(vocab)[:8] for _ in range(80)})
    con = sqlite3.connect(part, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    target = size_mb * 1000 * 1000
    when = datetime.datetime(2015, 1, 1, tzinfo=datetime.timezone.utc)
    n = 0
    while con.execute("PRAGMA page_count").fetchone()[0] * page_size < target:
        con.execute("BEGIN")
        for _ in range(100):
            n += 1
            md, html = post_markdown(rng, vocab, common, rng.randint(2048, 7168))
            title = sentence(rng, vocab, common, 3, 8).rstrip(".?!")
            slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:80] + f"-{n}"
            when += datetime.timedelta(minutes=rng.randint(30, 600))
            ts = when.strftime("%Y-%m-%dT%H:%M:%S.0000000Z")
            status = "draft" if rng.random() < 0.1 else "published"
            pid = con.execute(
                "INSERT INTO posts (slug, title, markdown, html, status, created_at, updated_at, published_at, version)"
                " VALUES (?,?,?,?,?,?,?,?,1) RETURNING id",
                (slug, title, md, html, status, ts, ts, ts if status == "published" else None)).fetchone()[0]
            for i, tag in enumerate(rng.sample(tags, rng.randint(1, 5))):
                con.execute("INSERT INTO post_tags (post_id, tag, position) VALUES (?,?,?)", (pid, tag, i))
            if status == "published":
                # The search index as the writer keeps it, so `serve` finds it complete and starts at once
                # (an empty one is rebuilt first: 14 s at 100 MB, minutes at 1 GB).
                con.execute("INSERT INTO post_search (rowid, title, body) VALUES (?,?,?)",
                            (pid, title, re.sub(r"<[^>]+>", " ", html)))
        con.execute("UPDATE meta SET value = value + 100 WHERE key = 'revision'")
        con.execute("COMMIT")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    os.replace(part, path)
    with open(stamp, "w") as f:
        f.write(GENERATOR_VERSION)
    log(f"  {n} posts, {os.path.getsize(path) / 1e6:.0f} MB")
    return path


def published_slug(db):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        count = con.execute("SELECT COUNT(*) FROM posts WHERE status='published'").fetchone()[0]
        return con.execute("SELECT slug FROM posts WHERE status='published' ORDER BY id LIMIT 1 OFFSET ?",
                           (count // 2,)).fetchone()[0]
    finally:
        con.close()


# ---------------------------------------------------------------------------------------------
# Baselines built from plain tools
# ---------------------------------------------------------------------------------------------

def wait_rss(p, timeout):
    """Waits for a child and returns its peak RSS in bytes (from wait4's rusage)."""
    deadline = time.monotonic() + timeout
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            p.returncode = os.waitstatus_to_exitcode(status)
            if p.returncode != 0:
                raise RuntimeError(f"{p.args} exited with {p.returncode}")
            return ru.ru_maxrss * 1024
        if time.monotonic() > deadline:
            p.kill()
            raise RuntimeError(f"{p.args} timed out")
        time.sleep(0.002)


def baseline_backup(s3, db, key, tmpdir):
    """sqlite3 .backup, then zstd -3 | rclone rcat. Verifies nothing. Returns (seconds, peak RSS)."""
    tmp = os.path.join(tmpdir, "baseline-snapshot.db")
    if os.path.exists(tmp):
        os.remove(tmp)
    t = time.perf_counter()
    p = subprocess.Popen(["sqlite3", db, f".backup '{tmp}'"])
    rss_sqlite = wait_rss(p, 1800)
    z = subprocess.Popen(["zstd", "-3", "-q", "-c", tmp], stdout=subprocess.PIPE)
    r = subprocess.Popen(["rclone", "-q", "rcat", f"s3rver:{BUCKET}/{key}"], stdin=z.stdout, env=s3.rclone_env())
    z.stdout.close()
    rss_z = wait_rss(z, 1800)
    rss_r = wait_rss(r, 1800)
    secs = time.perf_counter() - t
    os.remove(tmp)
    return secs, max(rss_sqlite, rss_z + rss_r)


def baseline_restore(s3, key, out):
    """rclone cat | zstd -d > file, then sqlite3 PRAGMA integrity_check and the search index's own
    check. Since SQLite 3.44 integrity_check runs each virtual table's check (FTS5's included), as
    ActorBlog's bundled SQLite does; Debian's sqlite3 3.40 predates that, so it is asked for by name."""
    if os.path.exists(out):
        os.remove(out)
    t = time.perf_counter()
    with open(out, "wb") as f:
        c = subprocess.Popen(["rclone", "-q", "cat", f"s3rver:{BUCKET}/{key}"], stdout=subprocess.PIPE, env=s3.rclone_env())
        z = subprocess.Popen(["zstd", "-d", "-q", "-c"], stdin=c.stdout, stdout=f)
        c.stdout.close()
        wait_rss(z, 1800)
        wait_rss(c, 1800)
    check = subprocess.run(["sqlite3", out, "PRAGMA integrity_check",
                            "INSERT INTO post_search(post_search) VALUES('integrity-check')"],
                           capture_output=True, text=True, timeout=1800)
    secs = time.perf_counter() - t
    if check.returncode != 0 or check.stdout.strip() != "ok":
        raise RuntimeError(f"baseline restore integrity_check: {check.stdout[:200]}")
    os.remove(out)
    return secs


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------

RESULTS = []


def record(case, size, metric, actorblog, baseline, unit, ratio_kind, target, runs_ab, runs_bl, note=""):
    """ratio_kind: 'ab/bl' (lower is better, target is a ceiling) or 'ab/bl>=' (higher is better)."""
    ratio = None
    if actorblog is not None and baseline not in (None, 0):
        ratio = actorblog / baseline
    met = None
    if ratio is not None and target is not None:
        met = ratio >= target if ratio_kind == ">=" else ratio <= target
    row = dict(case=case, size=size, metric=metric, actorblog=actorblog, baseline=baseline, unit=unit,
               ratio=ratio, target=(f"≥ {target}×" if ratio_kind == ">=" else f"≤ {target}×") if target else "",
               met=met, runs_actorblog=runs_ab, runs_baseline=runs_bl, note=note)
    RESULTS.append(row)
    fmt = lambda v: "-" if v is None else f"{v:.4g}"
    log(f"  {case} {size} {metric}: ActorBlog {fmt(actorblog)} {unit}, baseline {fmt(baseline)} {unit}, "
        f"ratio {fmt(ratio)} {row['target']} {note}")


def skip(case, size, note):
    RESULTS.append(dict(case=case, size=size, metric="skipped", actorblog=None, baseline=None, unit="", ratio=None,
                        target="", met=None, runs_actorblog=[], runs_baseline=[], note=note))
    log(f"  {case} {size}: skipped: {note}")


def machine():
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    for line in open("/proc/meminfo"):
        if line.startswith("MemTotal"):
            mem = int(line.split()[1]) * 1024
    return dict(nproc=os.cpu_count(), memory_gib=round(mem / 2 ** 30, 1), cpu=cpu, kernel=platform.release(),
                os=platform.platform())


def write_results(mode, started, extra_md=""):
    def fmt(v, unit=""):
        if v is None:
            return "-"
        if abs(v) >= 100:
            s = f"{v:,.0f}"
        elif abs(v) >= 10:
            s = f"{v:.1f}"
        else:
            s = f"{v:.3g}"
        return s + (f" {unit}" if unit else "")

    m = machine()
    lines = [f"# ActorBlog benchmark ({mode})", "",
             f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; {m['nproc']} cores, "
             f"{m['memory_gib']} GiB, {m['cpu']}; {m['os']}; took {time.monotonic() - started:.0f} s.", "",
             "Each figure is the median of the runs listed in results.json; ActorBlog and its baseline "
             "ran side by side, alternating, in the same run.", "",
             "| case | size | metric | ActorBlog | baseline | ratio | target | met |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in RESULTS:
        met = {True: "yes", False: "**no**", None: ""}[r["met"]]
        ratio = "-" if r["ratio"] is None else f"{r['ratio']:.3g}×"
        note = f" ({r['note']})" if r["note"] else ""
        lines.append(f"| {r['case']} | {r['size']} | {r['metric']}{note} | {fmt(r['actorblog'], r['unit'])} | "
                     f"{fmt(r['baseline'], r['unit'])} | {ratio} | {r['target']} | {met} |")
    md = "\n".join(lines) + "\n" + extra_md
    with open(os.path.join(OUT, "results.md"), "w") as f:
        f.write(md)
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump(dict(mode=mode, machine=m, date=datetime.datetime.now(datetime.timezone.utc).isoformat(),
                       seconds=round(time.monotonic() - started, 1), results=RESULTS), f, indent=2)
    return md


# ---------------------------------------------------------------------------------------------
# The cases
# ---------------------------------------------------------------------------------------------

def case_backup_restore(s3, sizes, runs):
    """1 backup end to end, 6 restore, 7 growth (per MB + the unchanged-tick revision check)."""
    per_mb = {}
    restore_per_mb = {}
    baseline_rss = {}
    for size in sizes:
        db = blog_db(size)
        host = Host(f"backup-{size}mb", db, s3)
        size_mb = os.path.getsize(host.db) / 1e6
        ab, bl, rss = [], [], []
        n = runs if size < 1000 else 3
        log(f"case 1: backup {size} MB x{n}")
        for r in range(n):
            order = [0, 1] if r % 2 == 0 else [1, 0]
            for which in order:
                if which == 0:
                    rc, secs, out, err = host.cli(["backup"])
                    if rc != 0:
                        raise RuntimeError(f"backup failed: {err}")
                    ab.append(secs)
                else:
                    secs, peak = baseline_backup(s3, host.db, f"baseline/{size}mb/{r}.db.zst", host.dir)
                    bl.append(secs)
                    rss.append(peak)
        record("1 backup to s3rver", f"{size} MB", "seconds", median(ab), median(bl), "s", "<=",
               1.0 if size >= 100 else None, ab, bl)
        per_mb[size] = (median(ab) / size_mb, median(bl) / size_mb)
        baseline_rss[size] = median(rss)

        # 6: restore, every size: the growth rows below need seconds per MB at each.
        log(f"case 6: restore {size} MB x{n}")
        ab, bl = [], []
        target = os.path.join(host.dir, "restored.db")
        for r in range(n):
            for p in (target, target + "-wal", target + "-shm"):
                if os.path.exists(p):
                    os.remove(p)
            order = [0, 1] if r % 2 == 0 else [1, 0]
            for which in order:
                if which == 0:
                    rc, secs, out, err = host.cli(["restore", "--output", target])
                    if rc != 0:
                        raise RuntimeError(f"restore failed: {err}")
                    ab.append(secs)
                else:
                    bl.append(baseline_restore(s3, f"baseline/{size}mb/{r}.db.zst", target + ".baseline"))
        record("6 restore from s3rver", f"{size} MB", "seconds", median(ab), median(bl), "s", "<=",
               1.2 if size >= 100 else None, ab, bl)
        restore_per_mb[size] = (median(ab) / size_mb, median(bl) / size_mb)

        # 7: what an unchanged scheduled tick costs: the live database's revision, one indexed read.
        ticks, hashes = [], []
        for _ in range(50):
            t = time.perf_counter()
            con = sqlite3.connect(f"file:{host.db}?mode=ro", uri=True)
            con.execute("SELECT value FROM meta WHERE key='revision'").fetchone()
            con.close()
            ticks.append((time.perf_counter() - t) * 1000)
        for _ in range(3):
            t = time.perf_counter()
            subprocess.run(["sha256sum", host.db], stdout=subprocess.DEVNULL, check=True, timeout=600)
            hashes.append((time.perf_counter() - t) * 1000)
        record("7 unchanged tick", f"{size} MB", "revision check vs sha256sum of the file", median(ticks),
               median(hashes), "ms", "<=", None, ticks, hashes,
               "open + SELECT revision (what SqliteSnapshot.CurrentRevision does), timed from Python")
        shutil.rmtree(host.dir, ignore_errors=True)
    for size in sizes:
        a, b = per_mb[size]
        record("7 growth", f"{size} MB", "backup seconds per MB", a * 1000, b * 1000, "ms/MB", "<=", None, [], [])
    for size in sizes:
        a, b = restore_per_mb[size]
        record("7 growth", f"{size} MB", "restore seconds per MB", a * 1000, b * 1000, "ms/MB", "<=", None, [], [])
    return baseline_rss


def case_memory(s3, size, runs, baseline_rss):
    log(f"case 2: memory during a {size} MB backup x{runs}")
    host = Host(f"memory-{size}mb", blog_db(size), s3).serve()
    try:
        for _ in range(50):
            host.request("GET", "/")
        time.sleep(2)
        idle = median([host.rss() for _ in range(20) if time.sleep(0.05) is None])
        deltas, secs = [], []
        for _ in range(runs):
            peak = [0]
            stop = threading.Event()

            def sample():
                while not stop.is_set():
                    peak[0] = max(peak[0], host.rss())
                    time.sleep(0.01)
            th = threading.Thread(target=sample, daemon=True)
            th.start()
            secs.append(host.backup_now())
            stop.set()
            th.join(5)
            deltas.append((peak[0] - idle) / 2 ** 20)
        hwm = (host.rss("VmHWM") - idle) / 2 ** 20
    finally:
        host.stop()
    bl = baseline_rss.get(size)
    record("2 memory during backup", f"{size} MB", "peak RSS − idle (baseline: peak RSS of its pipeline)",
           median(deltas), bl / 2 ** 20 if bl else None, "MiB", "<=", None, deltas, [],
           f"idle {idle / 2 ** 20:.0f} MiB, VmHWM−idle {hwm:.0f} MiB, backup {median(secs):.1f} s")
    # The target is absolute, not a ratio.
    RESULTS[-1].update(target="≤ 150 MiB", met=median(deltas) <= 150)
    return median(deltas)


def write_load(host, rate, secs, tag, threads=8):
    """Open loop: request i is due at t0 + i/rate; latency counts from when it was due."""
    total = int(rate * secs)
    md = "\n\n".join(["Some *markdown* with a [link](https://example.org) and `code`. " * 8] * 6)
    lat, errors = [], [0]
    nxt = [0]
    lock = threading.Lock()
    t0 = time.perf_counter() + 0.2

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", host.port, timeout=30)
        while True:
            with lock:
                i = nxt[0]
                nxt[0] += 1
            if i >= total:
                break
            due = t0 + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            body = json.dumps({"title": f"Load {tag} {i}", "markdown": md, "tags": ["bench"], "status": "published"})
            try:
                conn.request("POST", "/api/posts", body=body, headers={
                    "Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"})
                r = conn.getresponse()
                r.read()
                ok = r.status == 201
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", host.port, timeout=30)
                ok = False
            done = time.perf_counter()
            with lock:
                lat.append((done - due) * 1000)
                if not ok:
                    errors[0] += 1
        conn.close()
    ths = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for t in ths:
        t.start()
    for t in ths:
        t.join(secs + 120)
    return percentile(lat, 50), percentile(lat, 99), errors[0]


def case_writers(s3, size, runs, secs, rate=50):
    log(f"case 3: {rate} writes/s for {secs} s, with and without a {size} MB backup running, x{runs}")
    host = Host(f"writers-{size}mb", blog_db(size), s3).serve()
    quiet, busy, backups = [], [], [0]
    errs = 0
    try:
        write_load(host, rate, 3, "warmup")
        for r in range(runs):
            for with_backup in ([False, True] if r % 2 == 0 else [True, False]):
                if not with_backup:
                    p50, p99, e = write_load(host, rate, secs, f"q{r}")
                    quiet.append((p50, p99))
                    errs += e
                    continue
                stop = threading.Event()

                def loop():
                    while not stop.is_set():
                        host.backup_now()
                        backups[0] += 1
                th = threading.Thread(target=loop, daemon=True)
                th.start()
                time.sleep(0.5)
                p50, p99, e = write_load(host, rate, secs, f"b{r}")
                stop.set()
                th.join(600)
                busy.append((p50, p99))
                errs += e
    finally:
        host.stop()
    note = f"{backups[0]} backups overlapped the loaded windows; {errs} failed writes"
    record("3 writes during backup", f"{size} MB", f"POST p50 at {rate}/s", median([b[0] for b in busy]),
           median([q[0] for q in quiet]), "ms", "<=", None, [b[0] for b in busy], [q[0] for q in quiet],
           "baseline = same host, no backup")
    record("3 writes during backup", f"{size} MB", f"POST p99 at {rate}/s", median([b[1] for b in busy]),
           median([q[1] for q in quiet]), "ms", "<=", 2.0, [b[1] for b in busy], [q[1] for q in quiet], note)


def parse_wrk(out):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = None
    m = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    if m:
        p99 = float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    total = re.search(r"(\d+) requests in", out)
    return rps, p99, int(non2xx.group(1)) if non2xx else 0, int(total.group(1)) if total else 0


def wrk(url, secs, conns=32, threads=2, script=None, args=()):
    cmd = ["wrk", f"-t{threads}", f"-c{conns}", f"-d{secs}s", "--timeout", "10s", "--latency"]
    if script:
        cmd += ["-s", script]
    cmd += [url]
    if args:
        cmd += ["--", *args]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=secs + 120, check=True).stdout
    return parse_wrk(out)


def case_group_commit(secs, runs):
    log(f"case 4: group commit, wrk 32 connections x {secs} s vs one insert per transaction, x{runs}")
    db = blog_db(10)
    host = Host("groupcommit", db).serve()
    script = os.path.join(BENCH, "post.lua")
    ab, bl, errs = [], [], 0
    try:
        # A server runs warm: ReadyToRun code is replaced by tiered JIT code over the first ~15 s of load
        # (CPU per post 2.1 ms at first, 0.6 ms from then on). The baseline has no warm-up to do.
        wrk(host.url + "/api/posts", 15, script=script, args=(TOKEN, "warm"))
        for r in range(runs):
            rps, _, bad, total = wrk(host.url + "/api/posts", secs, script=script, args=(TOKEN, f"r{r}"))
            ab.append(rps * (1 - bad / total) if total else 0)
            errs += bad
            bl.append(baseline_inserts(db, secs))
    finally:
        host.stop()
    record("4 group commit", "10 MB", "posts/s, 32 clients vs 1 txn per insert", median(ab), median(bl), "/s", ">=",
           2.0, ab, bl, f"{errs} non-2xx" if errs else "")


def baseline_inserts(db_source, secs):
    """One post per transaction, the same rows ActorBlog writes for a post of bench/post.lua: the slug
    check, the post, its two tags, its search row and the revision; synchronous=FULL, WAL, same disk.
    Rows are pre-rendered: rendering stays in ActorBlog's column."""
    d = fresh_dir(os.path.join(WORK, "baseline-inserts"))
    db = os.path.join(d, "blog.db")
    shutil.copyfile(db_source, db)
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    md = "Some *markdown* with a [link](https://example.org) and `code`. " * 48
    html = "<p>" + md + "</p>"
    text = md.replace("*", "").replace("`", "")  # what the search row holds: the post's words
    n = 0
    end = time.perf_counter() + secs
    t = time.perf_counter()
    while time.perf_counter() < end:
        n += 1
        now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")
        con.execute("BEGIN IMMEDIATE")
        slug = f"baseline-{n}"
        con.execute("SELECT id FROM posts WHERE slug = ?", (slug,)).fetchone()
        con.execute("DELETE FROM slug_history WHERE slug = ?", (slug,))
        pid = con.execute(
            "INSERT INTO posts (slug, title, markdown, html, status, created_at, updated_at, published_at, version)"
            " VALUES (?,?,?,?,'published',?,?,?,1) RETURNING id",
            (slug, f"Baseline {n}", md, html, now, now, now)).fetchone()[0]
        con.execute("INSERT INTO post_tags (post_id, tag, position) VALUES (?, 'bench', 0)", (pid,))
        con.execute("INSERT INTO post_tags (post_id, tag, position) VALUES (?, 'wrk', 1)", (pid,))
        con.execute("INSERT INTO post_search (rowid, title, body) VALUES (?, ?, ?)", (pid, f"Baseline {n}", text))
        con.execute("UPDATE meta SET value = value + 1 WHERE key = 'revision'")
        con.execute("COMMIT")
    rate = n / (time.perf_counter() - t)
    con.close()
    shutil.rmtree(d, ignore_errors=True)
    return rate


NGINX_CONF = """
worker_processes {workers};
{user}
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  default_type text/html;
  # The headers ActorBlog's pages carry, so both servers send the same response, not just the same body.
  charset utf-8;
  add_header Cache-Control no-cache;
  add_header Vary Accept-Encoding;
  add_header Content-Security-Policy "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; img-src 'self' https: data:";
  add_header X-Content-Type-Options nosniff;
  add_header X-Frame-Options DENY;
  add_header Referrer-Policy no-referrer;
  sendfile on;
  keepalive_requests 1000000;
  client_body_temp_path {dir}/tmp-body; proxy_temp_path {dir}/tmp-proxy; fastcgi_temp_path {dir}/tmp-fcgi;
  uwsgi_temp_path {dir}/tmp-uwsgi; scgi_temp_path {dir}/tmp-scgi;
  server {{
    listen 127.0.0.1:{port};
    root {dir}/root;
    location = / {{ try_files /index.html =404; }}
    location / {{ try_files $uri =404; }}
  }}
  # The same site, with an access log: against ActorBlog with its request lines on.
  server {{
    listen 127.0.0.1:{logged_port};
    access_log {dir}/access.log;
    root {dir}/root;
    location = / {{ try_files /index.html =404; }}
    location / {{ try_files $uri =404; }}
  }}
}}
"""


def case_readers(size, secs, runs):
    """Like with like: ActorBlog with request lines off against nginx with access_log off (the targets),
    then both with a line per request (GET / only)."""
    log(f"case 5: readers on a {size} MB blog vs nginx, wrk 2 threads 32 connections {secs} s, x{runs}")
    db = blog_db(size)
    slug = published_slug(db)
    quiet = Host(f"readers-{size}mb", db, extra_config="actorblog.log.requests = off\n").serve()
    ngx_dir = fresh_dir(os.path.join(WORK, "nginx"))
    os.makedirs(os.path.join(ngx_dir, "root", "posts"))
    pages = {"/": "index.html", f"/posts/{slug}": f"posts/{slug}"}
    for path, file in pages.items():
        code, body = quiet.request("GET", path)
        assert code == 200, (path, code)
        with open(os.path.join(ngx_dir, "root", file), "wb") as f:
            f.write(body)
    port, logged_port = free_port(), free_port()
    with open(os.path.join(ngx_dir, "nginx.conf"), "w") as f:
        f.write(NGINX_CONF.format(workers=os.cpu_count() or 1, dir=ngx_dir, port=port, logged_port=logged_port,
                                  user="user root;" if os.geteuid() == 0 else ""))
    ngx = subprocess.Popen([nginx_exe(), "-c", os.path.join(ngx_dir, "nginx.conf"), "-p", ngx_dir, "-g", "daemon off;"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    PROCS.append(ngx)

    def pairs(host_url, nginx_url, path):
        wrk(host_url + path, 10)  # steady state: tiered JIT done, caches filled (nginx has no warm-up to do)
        ab, bl, abp, blp = [], [], [], []
        for r in range(runs):
            for which in ([0, 1] if r % 2 == 0 else [1, 0]):
                rps, p99, bad, _ = wrk((host_url if which == 0 else nginx_url) + path, secs)
                if bad:
                    raise RuntimeError(f"{bad} non-2xx answers for {path}")
                (ab if which == 0 else bl).append(rps)
                (abp if which == 0 else blp).append(p99)
        return ab, bl, abp, blp

    logged = None
    try:
        for _ in range(100):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        for path in pages:
            ab, bl, abp, blp = pairs(quiet.url, f"http://127.0.0.1:{port}", path)
            name = "GET /" if path == "/" else "GET /posts/{slug}"
            note = "request lines off; nginx access_log off"
            record("5 readers", f"{size} MB", f"{name} req/s", median(ab), median(bl), "req/s", ">=", 1.0, ab, bl, note)
            record("5 readers", f"{size} MB", f"{name} p99", median(abp), median(blp), "ms", "<=", None, abp, blp, note)
        quiet.stop()
        logged = Host(f"readers-logged-{size}mb", db).serve()  # the default: a line per request
        ab, bl, abp, blp = pairs(logged.url, f"http://127.0.0.1:{logged_port}", "/")
        record("5 readers", f"{size} MB", "GET / req/s", median(ab), median(bl), "req/s", ">=", None, ab, bl,
               "a line per request: ActorBlog's default requests = all; nginx access_log on")
    finally:
        ngx.send_signal(signal.SIGQUIT)
        try:
            ngx.wait(timeout=20)
        except subprocess.TimeoutExpired:
            ngx.kill()
        PROCS.remove(ngx)
        quiet.stop()
        if logged:
            logged.stop()


def benchmarkdotnet():
    log("BenchmarkDotNet: bench/ActorBlog.Benchmarks")
    art = fresh_dir(os.path.join(OUT, "bdn"))
    run(["dotnet", "run", "-c", "Release", "--project", os.path.join(BENCH, "ActorBlog.Benchmarks"), "--",
         "--filter", "*", "--artifacts", art], timeout=3600)
    md = "\n## BenchmarkDotNet (in-process)\n\n"
    results = os.path.join(art, "results")
    for name in sorted(os.listdir(results)) if os.path.isdir(results) else []:
        if name.endswith("-report-github.md"):
            md += f"### {name.replace('-report-github.md', '')}\n\n" + open(os.path.join(results, name)).read() + "\n"
    return md


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="10 and 100 MB, 3 runs each, short windows (< 10 min)")
    ap.add_argument("--dotnet-bench", action="store_true", help="also run BenchmarkDotNet (always in full mode)")
    ap.add_argument("--no-dotnet-bench", action="store_true", help="skip BenchmarkDotNet in full mode")
    ap.add_argument("--only", default="", help="comma-separated case numbers to run, e.g. 1,5")
    a = ap.parse_args()
    started = time.monotonic()
    mode = "quick" if a.quick else "full"
    only = {c.strip() for c in a.only.split(",") if c.strip()}
    want = lambda n: not only or str(n) in only

    os.makedirs(OUT, exist_ok=True)
    fresh_dir(WORK)
    ensure_tools()
    build_host()
    sizes = [10, 100] if a.quick else [10, 100, 1000]
    big = sizes[-1]
    runs = 3 if a.quick else 5
    window = 5 if a.quick else 10
    for s in sizes:
        blog_db(s)

    s3 = S3rver()
    baseline_rss = {}
    if want(1) or want(2) or want(6) or want(7):
        baseline_rss = case_backup_restore(s3, sizes, runs if not a.quick else 3)
    if want(2):
        case_memory(s3, big, 3, baseline_rss)
    if want(3):
        case_writers(s3, big if a.quick else 1000, 3, 10 if a.quick else 20)
    if want(4):
        case_group_commit(window, runs)
    if want(5):
        case_readers(100, window, runs)
    stop_all()

    extra = ""
    if (not a.quick and not a.no_dotnet_bench) or a.dotnet_bench:
        extra = benchmarkdotnet()
    md = write_results(mode, started, extra)
    print(md)
    shutil.rmtree(WORK, ignore_errors=True)
    log(f"done in {time.monotonic() - started:.0f} s: {OUT}/results.md, {OUT}/results.json")


if __name__ == "__main__":
    main()
