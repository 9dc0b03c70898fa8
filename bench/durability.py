#!/usr/bin/env python3
"""What SQLite's synchronous=FULL costs Kith's writes, against NORMAL.

In WAL mode NORMAL syncs the log only at checkpoints: a commit survives a
crash of the process, but a power cut (or a crash of the machine) can take
back the commits since the last checkpoint. FULL syncs the log before every
commit returns, so an acknowledged write survives a power cut too.

For each setting (`KITH_SQLITE_SYNCHRONOUS`), on a fresh SQLite file with a
small demo network, this times, on this machine's disk:

* a conversation logged through the API (`POST /api/v1/conversations`),
  one after the other over one connection, and the same from 4 clients at
  once (requests per second);
* CardDAV PUTs of new cards, one after the other (a phone's first upload);
* `kith import vcard` of 5,000 cards (one transaction) and `kith add`
  (a process start and one commit);

next to two baselines measured in the same run: a trivial route of the same
server (what a request costs without a write), and a one-row commit through
Python's sqlite3 module in WAL mode on the same filesystem with each
setting (what the disk's sync itself costs). Nothing here is asserted by a
test; the figures go into bench/RESULTS.md.

    python3 bench/durability.py [--writes 300] [--cards 300]
"""

import argparse
import base64
import http.client
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import web  # noqa: E402
import importlib  # noqa: E402

imports = importlib.import_module("import")  # bench/import.py

ROOT = web.ROOT
KITH = web.KITH
SETTINGS = ("normal", "full")


def raw_commit_ms(folder, synchronous, commits):
    """Median of a one-row INSERT committed on its own, WAL mode."""
    path = os.path.join(folder, f"raw-{synchronous}.db")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(f"PRAGMA synchronous={synchronous}")
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
    samples = []
    for i in range(commits):
        start = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO t (body) VALUES (?)", (f"row {i}",))
        db.execute("COMMIT")
        samples.append((time.perf_counter() - start) * 1000)
    db.close()
    return statistics.median(samples)


def timed_requests(host, port, requests):
    """Sends (method, path, body, headers) one after the other over one
    connection: the latencies in ms."""
    conn = http.client.HTTPConnection(host, port)
    samples = []
    for method, path, body, headers in requests:
        start = time.perf_counter()
        conn.request(method, path, body, headers)
        response = conn.getresponse()
        text = response.read()
        samples.append((time.perf_counter() - start) * 1000)
        if response.status >= 300:
            sys.exit(f"{method} {path}: {response.status} {text[:200]!r}")
    conn.close()
    return samples


def p95(samples):
    return sorted(samples)[int(len(samples) * 0.95) - 1]


def bench_setting(setting, args, tmp):
    env = dict(os.environ, HOME=tmp, USER="bench", TZ="UTC", KITH_LOG="error",
               KITH_SQLITE_SYNCHRONOUS=setting)
    db = os.path.join(tmp, f"kith-{setting}.db")
    kith = [KITH, "--db", db]
    web.run(kith + ["demo", "--contacts", "1000"], env=env)
    web.run(kith + ["user", "passwd", "bench", "--password-stdin"], stdin=web.PASSWORD + "\n", env=env)
    token = web.run(kith + ["token", "create", "--name", "bench"], env=env).stdout.split()[0]
    dav_password = web.run(kith + ["token", "create", "--name", "phone", "--carddav"], env=env).stdout.split()[0]
    ids = [c["id"] for c in json.loads(web.run(kith + ["list", "--json", "--limit", "50"], env=env).stdout)]
    result = {}
    server, url, host, port = web.serve(kith, env)
    try:
        trivial = timed_requests(host, port, [("GET", web.TRIVIAL, None, {})] * args.writes)
        result["trivial"] = statistics.median(trivial)
        bearer = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

        def log(i):
            body = json.dumps({"with": [ids[i % len(ids)]], "via": "phone", "summary": f"bench call {i}"})
            return ("POST", "/api/v1/conversations", body, bearer)

        samples = timed_requests(host, port, [log(i) for i in range(args.writes)])
        result["log"] = (statistics.median(samples), p95(samples))

        # Four clients at once: writes per second.
        per_client = args.writes // 4
        threads = [threading.Thread(target=timed_requests,
                                    args=(host, port, [log(c * per_client + i) for i in range(per_client)]))
                   for c in range(4)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        result["log4"] = 4 * per_client / (time.perf_counter() - start)

        auth = "Basic " + base64.b64encode(f"bench:{dav_password}".encode()).decode()
        cards = imports.vcards(args.cards, random.Random(7)).split("END:VCARD\r\n")[:-1]

        def put(i):
            card = cards[i] + "END:VCARD\r\n"
            return ("PUT", f"/dav/addressbooks/bench/contacts/bench-{setting}-{i}.vcf", card.encode(),
                    {"Authorization": auth, "Content-Type": "text/vcard", "If-None-Match": "*"})

        samples = timed_requests(host, port, [put(i) for i in range(args.cards)])
        result["put"] = (statistics.median(samples), sum(samples) / 1000)
    finally:
        server.terminate()
        server.wait()

    vcf = os.path.join(tmp, "cards.vcf")
    if not os.path.exists(vcf):
        with open(vcf, "w") as f:
            f.write(imports.vcards(5000, random.Random(11)))
    fresh = dict(env, KITH_DB=os.path.join(tmp, f"import-{setting}.db"))
    start = time.perf_counter()
    web.run([KITH, "import", "vcard", vcf, "--json"], env=fresh)
    result["import"] = time.perf_counter() - start
    adds = []
    for i in range(21):
        start = time.perf_counter()
        web.run([KITH, "add", f"Added Person {i}"], env=fresh)
        adds.append((time.perf_counter() - start) * 1000)
    result["add"] = statistics.median(adds)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=300)
    parser.add_argument("--cards", type=int, default=300)
    parser.add_argument("--no-build", action="store_true", help="use target/release/kith as it is")
    args = parser.parse_args()
    if not args.no_build:
        print("building the release binary…", file=sys.stderr)
        subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "kith"], cwd=ROOT, check=True)
    results, raw = {}, {}
    with tempfile.TemporaryDirectory(dir=os.path.join(ROOT, "target")) as tmp:
        for setting in SETTINGS:
            raw[setting] = raw_commit_ms(tmp, setting, args.writes)
            home = os.path.join(tmp, setting)
            os.mkdir(home)
            print(f"synchronous={setting}…", file=sys.stderr)
            results[setting] = bench_setting(setting, args, home)

    n, f = results["normal"], results["full"]
    print(f"\nSQLite synchronous=NORMAL against FULL, {os.cpu_count()} cores, "
          f"the disk under {ROOT}/target; medians:\n")
    print("| operation | NORMAL | FULL | FULL / NORMAL |")
    print("|---|---:|---:|---:|")
    print(f"| baseline: one-row commit, Python sqlite3, WAL | {raw['normal']:.3f} ms | {raw['full']:.3f} ms | {raw['full'] / raw['normal']:.1f}x |")
    print(f"| baseline: trivial route of the server | {n['trivial']:.3f} ms | {f['trivial']:.3f} ms | {f['trivial'] / n['trivial']:.1f}x |")
    print(f"| log a conversation (API), one client | {n['log'][0]:.2f} ms | {f['log'][0]:.2f} ms | {f['log'][0] / n['log'][0]:.2f}x |")
    print(f"| the same, 95th percentile | {n['log'][1]:.2f} ms | {f['log'][1]:.2f} ms | {f['log'][1] / n['log'][1]:.2f}x |")
    print(f"| log a conversation, 4 clients (writes/s) | {n['log4']:.0f} | {f['log4']:.0f} | {n['log4'] / f['log4']:.2f}x |")
    print(f"| CardDAV PUT of a new card | {n['put'][0]:.2f} ms | {f['put'][0]:.2f} ms | {f['put'][0] / n['put'][0]:.2f}x |")
    print(f"| {args.cards} PUTs one after another | {n['put'][1]:.2f} s | {f['put'][1]:.2f} s | {f['put'][1] / n['put'][1]:.2f}x |")
    print(f"| `kith import vcard`, 5,000 cards | {n['import']:.2f} s | {f['import']:.2f} s | {f['import'] / n['import']:.2f}x |")
    print(f"| `kith add` (process start included) | {n['add']:.1f} ms | {f['add']:.1f} ms | {f['add'] / n['add']:.2f}x |")


if __name__ == "__main__":
    main()
