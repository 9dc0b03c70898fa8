#!/usr/bin/env python3
"""Kith's benchmarks in one table.

Builds the release binary, generates the reference network with `kith demo`
into a fresh SQLite file, and times each everyday operation next to a
baseline measured in the same run on the same data:

* `kith due`, `today`, `search`, `show` (process start included) against the
  equivalent query run by the `sqlite3` command-line tool (bench/cli.py);
* importing a LinkedIn Connections.csv against `sqlite3 .import` of the same
  file into a bare table, and a vCard file against calcard parsing it alone
  (bench/import.py);
* the main pages and `/api/v1/due` of `kith serve` against a trivial route of
  the same server, and `GET /api/v1/due` under `wrk -c 64` against the
  trivial route under the same load (bench/web.py);
* a CardDAV client's first sync (the listing, then every card in one
  multiget) against Radicale serving the same cards (bench/dav.py);

then prints one Markdown table (medians; the ratio is Kith's time over the
baseline's, so 2.0x means twice as long; for throughput it is the baseline's
requests per second over Kith's), the peak memory of `kith serve` (VmHWM from
/proc/PID/status) when idle and after the load, and the total time.

Needs sqlite3 and wrk (Debian packages), and Radicale in a venv: `--venv
target/bench-venv` (created with pip if missing). Nothing here is asserted
by a test; the figures go into bench/RESULTS.md.

    python3 bench/suite.py [--contacts 10000] [--runs 21] [--seconds 10]
"""

import argparse
import importlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli  # noqa: E402
import dav  # noqa: E402
import web  # noqa: E402

imports = importlib.import_module("import")  # bench/import.py ("import" is a keyword)

ROOT = cli.ROOT
KITH = cli.KITH


def vm_hwm_kib(pid):
    """The peak resident set size of a process so far, in KiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def median_s(f, runs):
    return statistics.median(f() for _ in range(runs))


def timed(argv, env=None):
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=21, help="runs per command-line and page timing")
    parser.add_argument("--import-runs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=30_000, help="rows of the LinkedIn file")
    parser.add_argument("--cards", type=int, default=10_000, help="cards of the vCard file")
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--venv", default=os.path.join(ROOT, "target", "bench-venv"))
    args = parser.parse_args()
    for tool in ["sqlite3", "wrk"]:
        if not shutil.which(tool):
            sys.exit(f"bench/suite.py needs {tool} (apt-get install {tool})")
    if not os.path.exists(os.path.join(args.venv, "bin", "radicale")):
        print("creating the venv with radicale…", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", args.venv], check=True)
        subprocess.run([os.path.join(args.venv, "bin", "pip"), "install", "--quiet", "radicale"], check=True)

    load_before = os.getloadavg()[0]
    began = time.perf_counter()
    print("building the release binary…", file=sys.stderr)
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "kith"], cwd=ROOT, check=True)
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "kith-interop", "--example", "calcard_parse"],
                   cwd=ROOT, check=True)
    build_s = time.perf_counter() - began
    measured = time.perf_counter()

    rows = []  # (operation, kith, baseline name, baseline, ratio)

    def fmt(value, unit):
        ms = value if unit == "ms" else value * 1000
        if ms >= 1000:
            return f"{ms / 1000:.2f} s"
        return f"{ms:.2f} ms" if ms < 10 else f"{ms:.1f} ms"

    def row(operation, ours, baseline_name, baseline, unit="ms"):
        fmt_ = lambda v: fmt(v, unit)  # noqa: E731
        rows.append((operation, fmt_(ours), baseline_name, fmt_(baseline), f"{ours / baseline:.2f}x"))
        print(f"  {operation}: {fmt_(ours)} vs {fmt_(baseline)}", file=sys.stderr)

    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, HOME=tmp, USER="bench", TZ="UTC", KITH_LOG="error", NO_COLOR="1")
        for var in ["KITH_DB", "KITH_DATABASE_URL", "KITH_USER"]:
            env.pop(var, None)
        db = os.path.join(tmp, "kith.db")
        kith = [KITH, "--db", db]
        print(f"generating {args.contacts} contacts…", file=sys.stderr)
        start = time.perf_counter()
        subprocess.run(kith + ["demo", "--contacts", str(args.contacts)], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        demo_s = time.perf_counter() - start

        # The command line against raw sqlite3 (bench/cli.py's cases).
        print("command line…", file=sys.stderr)
        cases, counts = cli.cases(db, args.contacts)
        wanted = {"due", "today", "search product"}
        for label, ours, baseline in cases:
            if label in wanted or label.startswith("show "):
                row(f"`kith {label}`", cli.median_ms(ours, args.runs), "`sqlite3`, the same query",
                    cli.median_ms(baseline, args.runs))

        # Imports (bench/import.py's files), each into fresh databases.
        print("imports…", file=sys.stderr)
        rng = random.Random(7)
        csv_path = os.path.join(tmp, "Connections.csv")
        vcf_path = os.path.join(tmp, "contacts.vcf")
        with open(csv_path, "w") as f:
            f.write(imports.linkedin(args.rows, rng))
        with open(vcf_path, "w") as f:
            f.write(imports.vcards(args.cards, rng))
        li_first, li_again, _ = imports.bench_import("linkedin", csv_path, args.import_runs, tmp)
        counter = iter(range(1_000_000))

        def sqlite_import():
            raw_db = os.path.join(tmp, f"raw-{next(counter)}.db")
            return timed(["sqlite3", raw_db, f".import --csv --skip 3 {csv_path} connections"])

        row(f"import LinkedIn CSV, {args.rows:,} rows", li_first, "`sqlite3 .import` of the file",
            median_s(sqlite_import, args.import_runs), unit="s")
        row("re-import of the same file (no change)", li_again, "`sqlite3 .import` of the file",
            median_s(sqlite_import, args.import_runs), unit="s")
        vc_first, vc_again, _ = imports.bench_import("vcard", vcf_path, args.import_runs, tmp)
        parses = [json.loads(subprocess.run([imports.CALCARD, vcf_path], check=True, stdout=subprocess.PIPE,
                                            text=True).stdout) for _ in range(args.import_runs)]
        calcard_s = statistics.median(p["calcard_ms"] for p in parses) / 1000
        row(f"import vCard file, {args.cards:,} cards", vc_first, "calcard parsing the file alone", calcard_s,
            unit="s")

        # The web app (bench/web.py), and its memory.
        print("web app…", file=sys.stderr)
        subprocess.run(kith + ["user", "passwd", "bench", "--password-stdin"], input=web.PASSWORD + "\n",
                       text=True, env=env, check=True, stdout=subprocess.DEVNULL)
        token = cli.run(kith + ["token", "create", "--name", "bench"], env=env).stdout.split()[0]
        carddav = json.loads(cli.run(kith + ["token", "create", "--carddav", "--name", "dav", "--json"],
                                     env=env).stdout)["token"]
        contact = cli.run(kith + ["due", "--json", "--limit", "1"], env=env).stdout
        contact_id = re.search(r'"id":\s*(\d+)', contact).group(1)
        server, url, host, port = web.serve(kith, env)
        try:
            browser = {"Cookie": web.sign_in(host, port)}
            time.sleep(1)
            idle_kib = vm_hwm_kib(server.pid)
            trivial = web.median_ms(host, port, web.TRIVIAL, {}, args.runs)
            for name, path in [("dashboard `/`", "/"), ("contacts list `/contacts`", "/contacts"),
                               ("contact page", f"/contacts/{contact_id}"),
                               ("search as you type", "/contacts?q=product&partial=1"),
                               ("`GET /api/v1/due`", "/api/v1/due")]:
                row(name, web.median_ms(host, port, path, browser, args.runs), f"trivial route `{web.TRIVIAL}`",
                    trivial)
            bearer = {"Authorization": f"Bearer {token}"}
            due_rps, _ = web.wrk(f"{url}/api/v1/due", bearer, args.seconds)
            trivial_rps, _ = web.wrk(f"{url}{web.TRIVIAL}", {}, args.seconds)
            rows.append(("`GET /api/v1/due` under `wrk -t 2 -c 64`", f"{due_rps:,.0f} req/s",
                         f"trivial route under the same load", f"{trivial_rps:,.0f} req/s",
                         f"{trivial_rps / due_rps:.2f}x"))

            # CardDAV: a client's first sync, against Radicale with the same cards.
            print("CardDAV…", file=sys.stderr)
            book = "/dav/addressbooks/bench/contacts/"
            kith_sync_s, kith_cards = dav.first_sync_requests(port, book, "bench", carddav, 3)
            loaded_kib = vm_hwm_kib(server.pid)
        finally:
            server.terminate()
            server.wait()
        cards = cli.run(kith + ["export", "vcard", "--version", "3"], env=env).stdout
        count = dav.fill_radicale(os.path.join(tmp, "radicale"), cards)
        radicale, radicale_port = dav.start_radicale(args.venv, os.path.join(tmp, "radicale"))
        try:
            radicale_s, radicale_cards = dav.first_sync_requests(radicale_port, "/bench/contacts/", "bench", "x", 3)
        finally:
            radicale.terminate()
            radicale.wait()
        if kith_cards != radicale_cards or kith_cards != count:
            sys.exit(f"CardDAV: Kith sent {kith_cards} cards, Radicale {radicale_cards}, of {count}")
        row(f"CardDAV first sync, {count:,} cards (listing + multiget)", kith_sync_s, "Radicale, the same cards",
            radicale_s, unit="s")

    total_s = time.perf_counter() - measured
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem_kib = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal:"))
    print(f"\nMachine: {os.cpu_count()} cores ({cpu}), {mem_kib / 1024 / 1024:.1f} GiB memory; "
          f"{cli.run(['rustc', '--version']).stdout.strip()}; "
          f"sqlite3 CLI {cli.run(['sqlite3', '--version']).stdout.split()[0]}")
    print(f"Data: `kith demo --contacts {args.contacts}` (contacts|conversations|follow-ups = {counts}), "
          f"made in {demo_s:.1f} s\n")
    print("| operation | Kith | baseline | baseline's | ratio |")
    print("|---|---:|---|---:|---:|")
    for operation, ours, name, theirs, ratio in rows:
        print(f"| {operation} | {ours} | {name} | {theirs} | {ratio} |")
    print(f"\nMedians: {args.runs} runs per command and page (process start included for the command line; "
          f"the whole request over loopback for pages), {args.import_runs} per import and CardDAV sync; "
          f"`wrk` {args.seconds} s per route.")
    print(f"\n`kith serve` peak memory (VmHWM): {idle_kib / 1024:.1f} MiB idle (started, one sign-in); "
          f"{loaded_kib / 1024:.1f} MiB after the page timings, two `wrk -c 64` runs and a CardDAV sync "
          f"of {count:,} cards.")
    print(f"\nTotal: {total_s:.0f} s measuring, plus {build_s:.0f} s for the release build. "
          f"Load average (1 min) {load_before:.2f} before, {os.getloadavg()[0]:.2f} after.")


if __name__ == "__main__":
    main()
