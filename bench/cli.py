#!/usr/bin/env python3
"""Benchmark of Kith's everyday commands at the reference size.

Builds the release binary, generates the reference network with `kith demo`
into a fresh SQLite file, then times each command end to end (process start
included) next to the equivalent raw query run by the `sqlite3` command-line
tool on the same file, and prints the medians and their ratio as a Markdown
table. No timing here is asserted by a test; the figures go into
bench/RESULTS.md.

    python3 bench/cli.py [--contacts 10000] [--runs 21]
"""

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KITH = os.path.join(ROOT, "target", "release", "kith")


def run(argv, **kw):
    return subprocess.run(argv, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def median_ms(argv, runs):
    for _ in range(2):  # warm the page cache
        run(argv)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        run(argv)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    rustc = run(["rustc", "--version"]).stdout.strip()
    sqlite = run(["sqlite3", "--version"]).stdout.split()[0]
    return f"{os.cpu_count()} cores, {cpu}; {platform.system()} {platform.release()}; {rustc}; sqlite3 CLI {sqlite}"


def cases(db, contacts):
    """The commands to time on a seeded database, each with its raw sqlite3
    equivalent: (label, kith argv, sqlite3 argv); also the row counts."""
    def sql(query):
        return run(["sqlite3", db, query]).stdout.strip()

    counts = sql("SELECT (SELECT count(*) FROM contacts), (SELECT count(*) FROM conversations), (SELECT count(*) FROM follow_ups)")
    middle = sql(f"SELECT id FROM contacts ORDER BY id LIMIT 1 OFFSET {contacts // 2}")
    name = sql(f"SELECT full_name FROM contacts WHERE id = {middle}")

    kith = lambda *a: [KITH, "--db", db, *a]
    raw = lambda q: ["sqlite3", db, q]
    due_sql = (
        "WITH tc AS (SELECT ct.contact_id, min(t.cadence_days) AS days FROM contact_tags ct "
        "JOIN tags t ON t.id = ct.tag_id WHERE t.user_id = 1 AND t.cadence_days IS NOT NULL GROUP BY ct.contact_id), "
        "loops AS (SELECT contact_id, count(*) AS open FROM follow_ups WHERE user_id = 1 AND status = 'open' GROUP BY contact_id), "
        "d AS (SELECT c.id, c.full_name, COALESCE(c.cadence_days, tc.days, u.default_cadence_days) AS cadence, "
        "COALESCE(a.last_meaningful_at, c.created_at) AS anchor, COALESCE(loops.open, 0) AS open "
        "FROM contacts c JOIN users u ON u.id = c.user_id LEFT JOIN contact_activity a ON a.contact_id = c.id "
        "LEFT JOIN tc ON tc.contact_id = c.id LEFT JOIN loops ON loops.contact_id = c.id "
        "WHERE c.user_id = 1 AND NOT c.archived AND (c.snoozed_until IS NULL OR c.snoozed_until < unixepoch())) "
        "SELECT id, full_name, (unixepoch() - anchor) / 86400 - cadence AS overdue, open FROM d "
        "WHERE overdue >= 0 ORDER BY (overdue + 1) * 1.0 / cadence + 0.1 * open DESC LIMIT {limit};"
    )
    # What goal suggestions and coverage read: everyone with their activity, and the ties.
    network_sql = (
        "SELECT c.id, c.full_name, o.name, c.title, c.function, c.industry, c.notes, a.meaningful, "
        "a.last_meaningful_at FROM contacts c LEFT JOIN organisations o ON o.id = c.organisation_id "
        "LEFT JOIN contact_activity a ON a.contact_id = c.id WHERE c.user_id = 1; "
        "SELECT ct.contact_id, t.name FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id WHERE t.user_id = 1; "
        "SELECT contact_a, contact_b FROM contact_ties WHERE user_id = 1;"
    )
    cases = [
        (
            "due",
            kith("due"),
            raw(due_sql.format(limit=20)),
        ),
        (
            "today",
            kith("today"),
            raw(
                due_sql.format(limit=5)
                + " SELECT f.id, c.full_name, f.title, f.due_on FROM follow_ups f JOIN contacts c ON c.id = f.contact_id "
                "WHERE f.user_id = 1 AND f.status = 'open' ORDER BY f.due_on;"
            ),
        ),
        (
            "goal show 2",
            kith("goal", "show", "2"),
            raw(network_sql),
        ),
        (
            "org coverage",
            kith("org", "coverage"),
            raw(network_sql),
        ),
        (
            "search product",
            kith("search", "product"),
            raw(
                "SELECT c.id, c.full_name FROM contact_search s CROSS JOIN contacts c ON c.id = s.rowid "
                "WHERE contact_search MATCH '\"product\"*' AND c.user_id = 1 ORDER BY s.rank LIMIT 20; "
                "SELECT cv.id, cv.summary FROM conversation_search s CROSS JOIN conversations cv ON cv.id = s.rowid "
                "WHERE conversation_search MATCH '\"product\"*' AND cv.user_id = 1 ORDER BY cv.occurred_at DESC LIMIT 20;"
            ),
        ),
        (
            f"show \"{name}\"",
            kith("show", name),
            raw(
                f"SELECT * FROM contacts WHERE user_id = 1 AND full_name = '{name}'; "
                f"SELECT cv.* FROM conversation_participants p JOIN conversations cv ON cv.id = p.conversation_id "
                f"WHERE p.user_id = 1 AND p.contact_id = {middle} ORDER BY p.occurred_at DESC LIMIT 5; "
                f"SELECT * FROM follow_ups WHERE contact_id = {middle} AND status = 'open';"
            ),
        ),
        (
            "list --tag mentor",
            kith("list", "--tag", "mentor"),
            raw(
                "SELECT c.id, c.full_name FROM contacts c JOIN contact_tags ct ON ct.contact_id = c.id "
                "JOIN tags t ON t.id = ct.tag_id WHERE c.user_id = 1 AND t.name = 'mentor' ORDER BY c.sort_key;"
            ),
        ),
    ]

    return cases, counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    if not shutil.which("sqlite3"):
        sys.exit("bench/cli.py needs the sqlite3 command-line tool (apt-get install sqlite3)")

    print("building the release binary…", file=sys.stderr)
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "kith"], cwd=ROOT, check=True)

    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "bench.db")
        env = dict(os.environ, HOME=tmp, TZ="UTC", NO_COLOR="1")
        env.pop("KITH_DB", None)
        env.pop("KITH_DATABASE_URL", None)
        print(f"seeding {args.contacts} contacts…", file=sys.stderr)
        start = time.perf_counter()
        run([KITH, "--db", db, "demo", "--contacts", str(args.contacts)], env=env)
        demo_s = time.perf_counter() - start

        cases_, counts = cases(db, args.contacts)

        print(f"Machine: {machine()}")
        print(f"Data: {args.contacts} contacts; rows: contacts|conversations|follow-ups = {counts}")
        print(f"`kith demo --contacts {args.contacts}`: {demo_s:.1f} s (one run)\n")
        print(f"| command | kith median (ms) | raw sqlite3 median (ms) | ratio |")
        print(f"|---|---:|---:|---:|")
        for label, ours, baseline in cases_:
            a = median_ms(ours, args.runs)
            b = median_ms(baseline, args.runs)
            print(f"| `kith {label}` | {a:.1f} | {b:.1f} | {a / b:.2f}x |")
        print(f"\nMedians of {args.runs} runs each, process start included, warm cache.")


if __name__ == "__main__":
    main()
