#!/usr/bin/env python3
"""Benchmark of the web app at the reference size.

Builds the release binary, generates the reference network with `kith demo`
into a fresh SQLite file, gives its user a password and an API token, starts
`kith serve` on a free loopback port, then

* times the dashboard, the contacts list and a contact page (median of the
  whole request over loopback, which is server time plus a few tens of
  microseconds), next to a trivial route of the same server;
* loads `GET /api/v1/due` and the trivial route with `wrk -c 64` and prints
  the throughput ratio.

Nothing here is asserted by a test; the figures go into bench/RESULTS.md.

    python3 bench/web.py [--contacts 10000] [--runs 31] [--seconds 10]
"""

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KITH = os.path.join(ROOT, "target", "release", "kith")
PASSWORD = "bench otter sings at dawn"
TRIVIAL = "/favicon.svg"


def run(argv, stdin=None, env=None):
    return subprocess.run(argv, check=True, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, env=env)


def median_ms(host, port, path, headers, runs):
    conn = http.client.HTTPConnection(host, port)
    samples = []
    for i in range(runs + 3):
        start = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - start) * 1000
        if response.status != 200:
            sys.exit(f"GET {path}: {response.status} {body[:200]!r}")
        if i >= 3:  # warm-up
            samples.append(elapsed)
    conn.close()
    return statistics.median(samples)


def median_after_write_ms(host, port, path, headers, write, runs):
    """The median of `path` right after a write that changes the data it is
    derived from, so that nothing derived can come from a cache."""
    conn = http.client.HTTPConnection(host, port)
    samples = []
    for i in range(runs):
        method, write_path, body, write_headers = write(i)
        conn.request(method, write_path, body, write_headers)
        response = conn.getresponse()
        response.read()
        if response.status >= 300:
            sys.exit(f"{method} {write_path}: {response.status}")
        start = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        samples.append((time.perf_counter() - start) * 1000)
        if response.status != 200:
            sys.exit(f"GET {path}: {response.status} {body[:200]!r}")
    conn.close()
    return statistics.median(samples)


def wrk(url, headers, seconds):
    argv = ["wrk", "-t", "2", "-c", "64", "-d", f"{seconds}s", "--latency"]
    for k, v in headers.items():
        argv += ["-H", f"{k}: {v}"]
    out = run(argv + [url]).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+\w+)", out).group(1)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        sys.exit(f"wrk {url}: {non2xx.group(1)} error responses")
    return rps, p50


def serve(kith, env):
    """Starts `kith serve` on a free loopback port: (process, url, host, port)."""
    server = subprocess.Popen(kith + ["serve", "--bind", "127.0.0.1:0"], env=env, stdout=subprocess.PIPE, text=True)
    url = server.stdout.readline().strip().removeprefix("Kith is listening on ")
    parsed = urllib.parse.urlparse(url)
    return server, url, parsed.hostname, parsed.port


def sign_in(host, port, user="bench", password=PASSWORD):
    """A session cookie for `user`."""
    conn = http.client.HTTPConnection(host, port)
    body = urllib.parse.urlencode({"username": user, "password": password, "next": "/"})
    conn.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.getheader("Set-Cookie").split(";")[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=31)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("bench/web.py needs wrk (apt-get install wrk)")

    print("building the release binary…", file=sys.stderr)
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "kith"], cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, HOME=tmp, USER="bench", TZ="UTC", KITH_LOG="error")
        db = os.path.join(tmp, "kith.db")
        kith = [KITH, "--db", db]
        print(f"generating {args.contacts} contacts…", file=sys.stderr)
        run(kith + ["demo", "--contacts", str(args.contacts)], env=env)
        run(kith + ["user", "passwd", "bench", "--password-stdin"], stdin=PASSWORD + "\n", env=env)
        token = run(kith + ["token", "create", "--name", "bench"], env=env).stdout.split()[0]
        contact = run(kith + ["due", "--json", "--limit", "1"], env=env).stdout
        contact_id = re.search(r'"id":\s*(\d+)', contact).group(1)

        server, url, host, port = serve(kith, env)
        try:
            cookie = sign_in(host, port)
            browser = {"Cookie": cookie}

            rows = []
            trivial = median_ms(host, port, TRIVIAL, {}, args.runs)
            for name, path in [("dashboard", "/"), ("contacts list", "/contacts"),
                               ("contact page", f"/contacts/{contact_id}"),
                               ("contacts search", "/contacts?q=product&partial=1"),
                               ("API due (50)", "/api/v1/due")]:
                ms = median_ms(host, port, path, browser, args.runs)
                rows.append((name, path, ms))
            bearer = {"Authorization": f"Bearer {token}"}

            def note_write(i):
                body = json.dumps({"notes": f"bench note {i}"})
                return ("PATCH", f"/api/v1/contacts/{contact_id}", body,
                        dict(bearer, **{"Content-Type": "application/json"}))

            cold = []
            for name, path in [("dashboard", "/"), ("API due (50)", "/api/v1/due")]:
                ms = median_after_write_ms(host, port, path, browser, note_write, args.runs)
                cold.append((name, path, ms))
            due_rps, due_p50 = wrk(f"{url}/api/v1/due", bearer, args.seconds)
            trivial_rps, trivial_p50 = wrk(f"{url}{TRIVIAL}", {}, args.seconds)
        finally:
            server.terminate()
            server.wait()

    print(f"\nWeb app at {args.contacts} contacts (SQLite), {os.cpu_count()} cores; "
          f"median of {args.runs} sequential requests over loopback:\n")
    print("| page | path | median ms | × trivial route |")
    print("|---|---|---:|---:|")
    print(f"| trivial route | {TRIVIAL} | {trivial:.2f} | 1.0 |")
    for name, path, ms in rows:
        print(f"| {name} | {path} | {ms:.2f} | {ms / trivial:.1f} |")
    print("\nRight after a write (a contact's notes changed through the API), when "
          "the per-user views are computed afresh:\n")
    print("| page | path | median ms |")
    print("|---|---|---:|")
    for name, path, ms in cold:
        print(f"| {name} | {path} | {ms:.2f} |")
    print(f"\n`wrk -t 2 -c 64 -d {args.seconds}s`:\n")
    print("| route | requests/s | p50 latency |")
    print("|---|---:|---:|")
    print(f"| GET /api/v1/due (bearer token) | {due_rps:.0f} | {due_p50} |")
    print(f"| GET {TRIVIAL} (trivial) | {trivial_rps:.0f} | {trivial_p50} |")
    print(f"\nDue endpoint / trivial route throughput: {due_rps / trivial_rps:.2f} (target ≥ 0.25)")


if __name__ == "__main__":
    main()
