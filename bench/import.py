#!/usr/bin/env python3
"""Benchmark of imports: a 30,000-row LinkedIn Connections.csv and a
10,000-card vCard file, each imported into a fresh SQLite database by the
release `kith` (process start included), then imported again (nothing to
change). Next to the vCard figure: the time calcard alone takes to parse the
same file, and calcard plus Kith's mapping (`examples/calcard_parse.rs`).
No timing here is asserted by a test; the figures go into bench/RESULTS.md.

    python3 bench/import.py [--rows 30000] [--cards 10000] [--runs 3]
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KITH = os.path.join(ROOT, "target", "release", "kith")
CALCARD = os.path.join(ROOT, "target", "release", "examples", "calcard_parse")

FIRST = ["Jane", "Bob", "Maria", "Wei", "Aisha", "Lars", "Zoë", "Émile", "Priya", "Tom", "Olga", "Kenji"]
LAST = ["Doe", "Roe", "García", "Chen", "Okafor", "Nielsen", "Ünal", "Dubois", "Patel", "Smith", "Ivanova", "Sato"]
COMPANIES = ["Acme", "Globex, Inc.", "Initech", "Umbrella", "Hooli", "Stark Industries", "Wayne Enterprises"]
TITLES = ["VP Product", "Engineer, Platform", "Recruiter", "CFO", "Data Scientist", "Designer"]
# Surname endings, so that every card names a different person (name plus
# organisation is a duplicate match, and a real address book is mostly
# different people).
ENDINGS = ["", "son", "sen", "ez", "ini", "ova", "berg", "ström", "ley", "ton", "er", "ić", "escu", "ides",
           "oglu", "awa", "ama", "ski", "wicz", "man", "stein", "ford", "wood", "ridge", "more", "dale", "well",
           "field", "by", "thorpe", "ham", "worth", "croft", "ington", "ello", "etti", "ardo", "ino", "ani", "opoulos",
           "enko", "uk", "ov", "in", "es", "is", "as", "os", "us", "ek", "ak", "ik", "on", "an", "ou", "eau", "et",
           "ot", "ard", "aud", "ier", "ière", "ès", "ão", "inho", "eira", "ada", "ado", "aga", "ola", "ula"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def linkedin(rows, rng):
    lines = [
        "Notes:",
        '"When exporting your connection data, you may notice that some of the email addresses are missing."',
        "",
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
    ]
    for i in range(rows):
        if i % 500 == 499:  # a deactivated profile
            lines.append(f",,,,,,{rng.randint(1, 28):02d} Jan 2019")
            continue
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = f"{first.lower()}.{i}@example.com" if i % 10 == 0 else ""
        company = rng.choice(COMPANIES)
        company = f'"{company}"' if "," in company else company
        title = rng.choice(TITLES)
        title = f'"{title}"' if "," in title else title
        date = f"{rng.randint(1, 28):02d} {rng.choice(MONTHS)} {rng.randint(2008, 2026)}"
        lines.append(f"{first},{last},https://www.linkedin.com/in/{first.lower()}-{last.lower()}-{i},{email},{company},{title},{date}")
    return "\n".join(lines) + "\n"


def vcards(cards, rng):
    out = []
    for i in range(cards):
        first = FIRST[i % len(FIRST)]
        last = LAST[(i // len(FIRST)) % len(LAST)] + ENDINGS[i // (len(FIRST) * len(LAST)) % len(ENDINGS)]
        version = ["3.0", "4.0"][i % 2]
        out.append(
            "BEGIN:VCARD\r\n"
            f"VERSION:{version}\r\n"
            f"UID:bench-{i}\r\n"
            f"N:{last};{first};;;\r\n"
            f"FN:{first} {last}\r\n"
            f"ORG:{rng.choice(COMPANIES).replace(',', '')};Engineering\r\n"
            f"TITLE:{rng.choice(TITLES).replace(',', ' ')}\r\n"
            f"item1.EMAIL;TYPE=INTERNET:{first.lower()}.{i}@example.com\r\n"
            "item1.X-ABLabel:_$!<Other>!$_\r\n"
            f"TEL;TYPE=CELL:+1 555 {i:07d}\r\n"
            f"ADR;TYPE=HOME:;;{i} Main St;Springfield;;12345;USA\r\n"
            f"NOTE:Card number {i}\\, generated\r\n"
            "CATEGORIES:bench,imported\r\n"
            "END:VCARD\r\n"
        )
    return "".join(out)


def timed(argv, env):
    start = time.perf_counter()
    out = subprocess.run(argv, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    return time.perf_counter() - start, json.loads(out.stdout)


def bench_import(kind, path, runs, tmp):
    first, again = [], []
    report = None
    for r in range(runs):
        db = os.path.join(tmp, f"{kind}-{r}.db")
        env = dict(os.environ, KITH_DB=db, USER="bench", TZ="UTC")
        secs, report = timed([KITH, "import", kind, path, "--json"], env)
        first.append(secs)
        secs, again_report = timed([KITH, "import", kind, path, "--json"], env)
        assert again_report["created"] == 0 and again_report["updated"] == 0, again_report
        again.append(secs)
    return statistics.median(first), statistics.median(again), report


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "kith"], cwd=ROOT, check=True)
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "kith-interop", "--example", "calcard_parse"], cwd=ROOT, check=True)
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = os.path.join(tmp, "Connections.csv")
        vcf_path = os.path.join(tmp, "contacts.vcf")
        with open(csv_path, "w") as f:
            f.write(linkedin(args.rows, rng))
        with open(vcf_path, "w") as f:
            f.write(vcards(args.cards, rng))
        li_first, li_again, li = bench_import("linkedin", csv_path, args.runs, tmp)
        vc_first, vc_again, vc = bench_import("vcard", vcf_path, args.runs, tmp)
        parse = [json.loads(subprocess.run([CALCARD, vcf_path], check=True, stdout=subprocess.PIPE, text=True).stdout) for _ in range(args.runs)]
        calcard_ms = statistics.median(p["calcard_ms"] for p in parse)
        mapped_ms = statistics.median(p["kith_interop_read_ms"] for p in parse)
    print(f"| file | records | first import | re-import (no change) | created / merged / rejected |")
    print(f"| --- | ---: | ---: | ---: | --- |")
    print(f"| LinkedIn Connections.csv | {args.rows:,} | {li_first:.2f} s | {li_again:.2f} s | {li['created']} / {li['merged']} / {li['rejected']} |")
    print(f"| vCard 3.0/4.0 | {args.cards:,} | {vc_first:.2f} s | {vc_again:.2f} s | {vc['created']} / {vc['merged']} / {vc['rejected']} |")
    print()
    print(f"calcard alone parses the {args.cards:,}-card file in {calcard_ms:.0f} ms; "
          f"calcard plus Kith's mapping to contact drafts (cutting, parsing, validating, fingerprinting) takes {mapped_ms:.0f} ms.")


if __name__ == "__main__":
    main()
