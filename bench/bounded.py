#!/usr/bin/env python3
"""Benchmark of bounded work (#24): the import page and `kith duplicates`
over 1,000 and 5,000 cards all named alike, and a contact page (with the
dashboard and the calendar) of a contact with the most tags allowed.

Each figure is the median of `--runs` requests (or commands, process start
included) with its peak memory: the server's high-water mark (VmHWM of a
server started afresh for each size) and the command's maximum resident
size. Baselines measured in the same run: a trivial route of the same
server, and `sqlite3` reading the same contacts' ids and names from the
same file. Nothing here is asserted by a test; the figures go into
bench/RESULTS.md.

    python3 bench/bounded.py [--sizes 1000,5000] [--runs 11] [--debug] [--no-build] [--binary PATH]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from web import PASSWORD, TRIVIAL, median_ms, run, serve, sign_in  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def look_alikes(n):
    return "".join(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:same-{i}\r\nFN:Same Name\r\nEND:VCARD\r\n" for i in range(n)
    )


def timed_command(argv, env, runs):
    """Median wall time in ms and the largest maximum resident size in MiB
    of `argv` run `runs` times. The size comes from GNU time (a child forked
    from this script would count the script's own pages)."""
    samples, peak = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(["/usr/bin/time", "-f", "%M", *argv], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
        samples.append((time.perf_counter() - start) * 1000)
        if done.returncode != 0:
            sys.exit(f"{argv}: {done.stderr[:300]!r}")
        peak = max(peak, int(done.stderr.split()[-1]) / 1024)
    return statistics.median(samples), peak


def high_water_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def page_bytes(host, port, path, headers):
    import http.client

    conn = http.client.HTTPConnection(host, port)
    conn.request("GET", path, headers=headers)
    body = conn.getresponse().read()
    conn.close()
    return len(body)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--debug", action="store_true", help="time target/debug/kith (say so with the figures)")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--binary", help="time this kith instead (e.g. an older build, for a before figure)")
    args = parser.parse_args()
    if not shutil.which("sqlite3") or not os.path.exists("/usr/bin/time"):
        sys.exit("bench/bounded.py needs the sqlite3 command-line tool and GNU time (Debian: sqlite3, time)")
    profile = "debug" if args.debug else "release"
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    binary = args.binary or os.path.join(target, profile, "kith")
    if not (args.no_build or args.binary):
        print(f"building the {profile} binary…", file=sys.stderr)
        flags = [] if args.debug else ["--release"]
        subprocess.run(["cargo", "build", *flags, "--quiet", "--bin", "kith"], cwd=ROOT, check=True)

    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, HOME=tmp, USER="bench", TZ="UTC", KITH_LOG="error")
            db = os.path.join(tmp, "kith.db")
            kith = [binary, "--db", db]
            vcf = os.path.join(tmp, "same.vcf")
            with open(vcf, "w") as f:
                f.write(look_alikes(size))
            run(kith + ["import", "vcard", vcf], env=env)
            run(kith + ["user", "passwd", "bench", "--password-stdin"], stdin=PASSWORD + "\n", env=env)
            sql = ["sqlite3", db, "SELECT id, full_name FROM contacts ORDER BY id"]
            base_ms, base_mib = timed_command(sql, env, args.runs)
            dup_ms, dup_mib = timed_command(kith + ["duplicates"], env, args.runs)
            lines = len(run(kith + ["duplicates"], env=env).stdout.splitlines())
            rows.append((f"`kith duplicates`, {size:,} look-alikes ({lines} lines)", dup_ms, dup_mib,
                         f"sqlite3 reading the {size:,} names", base_ms, base_mib))

            server, _, host, port = serve(kith, env)
            try:
                browser = {"Cookie": sign_in(host, port)}
                trivial = median_ms(host, port, TRIVIAL, {}, args.runs)
                idle = high_water_mib(server.pid)
                print(f"GET /import with {size} look-alikes…", file=sys.stderr)
                ms = median_ms(host, port, "/import", browser, args.runs)
                size_kb = page_bytes(host, port, "/import", browser) / 1024
                rows.append((f"`GET /import`, {size:,} look-alikes ({size_kb:.0f} KiB)", ms,
                             high_water_mib(server.pid), "trivial route (server idle)", trivial, idle))
            finally:
                server.terminate()
                server.wait()

    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, HOME=tmp, USER="bench", TZ="UTC", KITH_LOG="error")
        db = os.path.join(tmp, "kith.db")
        kith = [binary, "--db", db]
        run(kith + ["add", "No Tags"], env=env)  # creates the file: not timed
        tags = [a for i in range(100) for a in ("--tag", f"tag-{i}")]
        add_ms, add_mib = timed_command(kith + ["add", "Tag Heavy", *tags], env, args.runs)
        plain_ms, plain_mib = timed_command(kith + ["add", "Plain"], env, args.runs)
        rows.append(("`kith add` with 100 tags", add_ms, add_mib,
                     "`kith add` without tags", plain_ms, plain_mib))
        run(kith + ["user", "passwd", "bench", "--password-stdin"], stdin=PASSWORD + "\n", env=env)
        server, _, host, port = serve(kith, env)
        try:
            browser = {"Cookie": sign_in(host, port)}
            trivial = median_ms(host, port, TRIVIAL, {}, args.runs)
            idle = high_water_mib(server.pid)
            plain = median_ms(host, port, "/contacts/1", browser, args.runs)
            rows.append(("contact page, 100 tags", median_ms(host, port, "/contacts/2", browser, args.runs),
                         None, "contact page, no tags", plain, None))
            for name, path in [("dashboard", "/"), ("calendar", "/calendar")]:
                rows.append((f"{name}, a contact with 100 tags", median_ms(host, port, path, browser, args.runs),
                             None, "trivial route", trivial, None))
            rows.append(("server peak after the pages above", None, high_water_mib(server.pid),
                         "server idle", None, idle))
        finally:
            server.terminate()
            server.wait()

    def ms(v):
        return "" if v is None else (f"{v / 1000:.2f} s" if v >= 1000 else f"{v:.2f} ms")

    def mib(v):
        return "" if v is None else f"{v:.1f} MiB"

    what = args.binary or f"{profile} build"
    print(f"\n{what}, {os.cpu_count()} cores, median of {args.runs}:\n")
    print("| operation | time | peak memory | baseline | its time | its memory | time ratio |")
    print("|---|---:|---:|---|---:|---:|---:|")
    for name, t, m, base, bt, bm in rows:
        ratio = f"{t / bt:.1f}x" if t and bt else ""
        print(f"| {name} | {ms(t)} | {mib(m)} | {base} | {ms(bt)} | {mib(bm)} | {ratio} |")


if __name__ == "__main__":
    main()
