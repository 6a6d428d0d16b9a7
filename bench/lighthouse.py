"""Seeds a blog, serves it on loopback (Release build), runs Lighthouse on / and a post, prints the scores."""
import hashlib, json, os, shutil, socket, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", "out", "lighthouse")
HOST_DIR = os.path.join(ROOT, "bench", "out", "lighthouse-host")
TOKEN = "lighthouse-bench-token-0123456789"
FLAGS = ("--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
         "--disable-component-update --disable-sync")
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]

POST = """Replication ships every committed write to the store. A long address that must wrap on a phone:
https://example.com/a/very/long/path/that/keeps/going/and/going/without/any/break/at/all/until/the/end/index.html

An inline span of code: `ActorBlog.Backup.Replication.ReplicationActor.ShipPendingChangeObjectsToTheTarget()`.

```csharp
// The writer answers once the commit is durable.
public sealed record PostSaved(Post Post, bool Created) : WriteResult;
var reply = await store.Ask<WriteResult>(new CreatePost(input, rendered), TimeSpan.FromSeconds(10));
```

| setting | default | meaning |
|:--|:-:|--:|
| interval | 1h | how often a backup is due |
| keep-last | 24 | backups kept |

> A quote, for good measure, with a [relative link](/tags/backup).
"""


def node_modules():
    lock = open(os.path.join(ROOT, "tests", "browser", "package-lock.json"), "rb").read()
    cache = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "actorblog-tests",
                         "browser-" + hashlib.sha256(lock).hexdigest()[:12])
    if not os.path.exists(os.path.join(cache, ".installed")):
        os.makedirs(cache, exist_ok=True)
        for f in ("package.json", "package-lock.json"):
            shutil.copy(os.path.join(ROOT, "tests", "browser", f), cache)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=cache, check=True)
        open(os.path.join(cache, ".installed"), "w").write(time.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return os.path.join(cache, "node_modules")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(url, path, body):
    req = urllib.request.Request(url + path, json.dumps(body).encode(),
                                 {"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req, timeout=30))


def main():
    chromium = os.environ.get("CHROME_PATH") or shutil.which("chromium")
    if not chromium:
        sys.exit("chromium is not installed: apt-get install chromium, or set CHROME_PATH")
    modules = node_modules()
    subprocess.run(["dotnet", "build", os.path.join(ROOT, "src", "ActorBlog.Host"), "-c", "Release", "-o", HOST_DIR,
                    "-v", "quiet", "-nologo"], check=True)
    os.makedirs(OUT, exist_ok=True)
    data = tempfile.mkdtemp(prefix="actorblog-lighthouse-")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    conf = os.path.join(data, "bench.conf")
    open(conf, "w").write(f'actorblog.backup.enabled = off\nactorblog.blog {{ base-url = "{url}", '
                          'description = "A blog that keeps its words.", author = "Ada Writer" }\n')
    env = dict(os.environ, ACTORBLOG_AUTHOR_TOKEN=TOKEN)
    host = subprocess.Popen(["dotnet", os.path.join(HOST_DIR, "ActorBlog.Host.dll"), "serve", "--urls", url, "--config", conf],
                            cwd=data, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        slug = api(url, "/api/posts", {"title": "Replication, explained", "markdown": POST, "tags": ["backup"], "status": "published"})["slug"]
        for i in range(5):
            api(url, "/api/posts", {"title": f"Notes {i}", "markdown": f"Short note {i} about *marzipan*.", "tags": ["notes"], "status": "published"})
        scores = {}
        for name, path in (("home", "/"), ("post", f"/posts/{slug}")):
            report = os.path.join(OUT, f"{name}.json")
            profile = tempfile.mkdtemp(prefix="actorblog-lighthouse-profile-")
            subprocess.run(["node", os.path.join(modules, "lighthouse", "cli", "index.js"), url + path,
                            "--output=json", f"--output-path={report}", "--quiet",
                            f"--chrome-flags={FLAGS} --user-data-dir={profile}",
                            "--only-categories=" + ",".join(CATEGORIES)],
                           env=dict(os.environ, CHROME_PATH=chromium), check=True)
            shutil.rmtree(profile, ignore_errors=True)
            result = json.load(open(report))
            scores[name] = {c: round(result["categories"][c]["score"] * 100) for c in CATEGORIES}
            failed = [a for a in result["audits"].values() if a.get("score") is not None and a["score"] < 1
                      and a.get("scoreDisplayMode") in ("binary", "numeric")]
            scores[name + "-below-1"] = sorted(a["id"] for a in failed)
        lines = ["| page | Performance | Accessibility | Best Practices | SEO |", "| --- | --- | --- | --- | --- |"]
        for name in ("post", "home"):
            s = scores[name]
            lines.append(f"| {name} | {s['performance']} | {s['accessibility']} | {s['best-practices']} | {s['seo']} |")
        md = "\n".join(lines)
        open(os.path.join(OUT, "scores.md"), "w").write(md + "\n")
        print(md)
        for name in ("post", "home"):
            print(f"{name}: audits below 1: {', '.join(scores[name + '-below-1']) or 'none'}")
    finally:
        host.terminate()
        host.wait(30)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
