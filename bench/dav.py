#!/usr/bin/env python3
"""Benchmark of CardDAV, against Radicale on the same data.

Builds the release binary, seeds `kith demo --contacts 10000` into a fresh
SQLite file, gives its user a CardDAV app password, starts `kith serve`, and
times (median of --runs, whole request over loopback):

* a sync-collection REPORT with nothing changed since the last token;
* the initial sync-collection (every card's tag) and a full
  addressbook-multiget of every card's text;
* a single PUT of a new card.

Then, on a 5,000-contact book (`kith demo --contacts 5000`, exported as
vCard 3.0 and copied card by card into a Radicale collection), against Kith
and against Radicale (PyPI `radicale`, filesystem storage, no auth): the
listing and multiget a first sync asks for, and --sync-runs first
`vdirsyncer sync`s into an empty folder, with the CPU time the server
process spent during each (from /proc) and vdirsyncer's own; the ratios.

Needs vdirsyncer and radicale in a venv: `--venv target/bench-venv`
(created with pip if missing). Nothing here is asserted by a test.

    python3 bench/dav.py [--contacts 10000] [--sync-contacts 5000] [--runs 11]
"""

import argparse
import http.client
import json
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KITH = os.path.join(ROOT, "target", "release", "kith")


def run(argv, env=None, stdin=None):
    return subprocess.run(argv, check=True, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, env=env).stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port):
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"nothing listens on {port}")


class Dav:
    def __init__(self, host, port, user, password):
        self.conn = http.client.HTTPConnection(host, port)
        import base64
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        self.auth = {"Authorization": f"Basic {token}"}

    def request(self, method, path, body="", headers=None):
        h = dict(self.auth, **(headers or {}))
        start = time.perf_counter()
        self.conn.request(method, path, body.encode(), h)
        r = self.conn.getresponse()
        data = r.read().decode()
        ms = (time.perf_counter() - start) * 1000
        if r.status >= 400:
            sys.exit(f"{method} {path}: {r.status} {data[:300]}")
        return ms, data, r


def median(f, runs):
    return statistics.median(f() for _ in range(runs))


SYNC = """<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:"><d:sync-token>{}</d:sync-token>
<d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>"""


def bench_kith(args, tmp, env):
    db = os.path.join(tmp, "kith.db")
    kith = [KITH, "--db", db]
    print(f"generating {args.contacts} contacts…", file=sys.stderr)
    run(kith + ["demo", "--contacts", str(args.contacts)], env=env)
    password = json.loads(run(kith + ["token", "create", "--carddav", "--name", "bench", "--json"], env=env))["token"]
    port = free_port()
    server = subprocess.Popen(kith + ["serve", "--bind", f"127.0.0.1:{port}"], env=env, stdout=subprocess.DEVNULL)
    try:
        wait_for(port)
        dav = Dav("127.0.0.1", port, "bench", password)
        book = "/dav/addressbooks/bench/contacts/"
        initial, body, _ = dav.request("REPORT", book, SYNC.format(""))
        token = re.search(r"<d:sync-token>([^<]+)</d:sync-token>", body).group(1)
        cards = len(re.findall(r"<d:response>", body))
        no_change = median(lambda: dav.request("REPORT", book, SYNC.format(token))[0], args.runs)
        initial = median(lambda: dav.request("REPORT", book, SYNC.format(""))[0], 3)
        hrefs = re.findall(r"<d:href>([^<]+\.vcf)</d:href>", body)
        multiget_body = ('<c:addressbook-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav">'
                         "<d:prop><d:getetag/><c:address-data/></d:prop>"
                         + "".join(f"<d:href>{h}</d:href>" for h in hrefs) + "</c:addressbook-multiget>")
        multiget = median(lambda: dav.request("REPORT", book, multiget_body)[0], 3)

        def put():
            uid = str(uuid.uuid4())
            card = f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:Bench Person {uid[:8]}\r\nEMAIL:{uid[:8]}@bench.test\r\nEND:VCARD\r\n"
            return dav.request("PUT", f"{book}{uid}.vcf", card, {"If-None-Match": "*", "Content-Type": "text/vcard"})[0]

        single_put = median(put, args.runs)
        return cards, no_change, initial, multiget, single_put
    finally:
        server.terminate()
        server.wait()


LISTING = """<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/>
<d:getcontenttype/><d:resourcetype/></d:prop></d:propfind>"""


def first_sync_requests(port, path, user, password, runs):
    """What a client's first sync asks of the server: the listing of every
    card's tag, then every card's text in one multiget; median seconds."""
    dav = Dav("127.0.0.1", port, user, password)

    def once():
        listed_ms, body, _ = dav.request("PROPFIND", path, LISTING, {"Depth": "1"})
        hrefs = [h for h in re.findall(r"<(?:\w+:)?href>([^<]+)</(?:\w+:)?href>", body) if h.endswith(".vcf")]
        multiget = ('<c:addressbook-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav">'
                    "<d:prop><d:getetag/><c:address-data/></d:prop>"
                    + "".join(f"<d:href>{h}</d:href>" for h in hrefs) + "</c:addressbook-multiget>")
        fetched_ms, body, _ = dav.request("REPORT", path, multiget, {"Depth": "1"})
        cards = body.count("BEGIN:VCARD")
        return (listed_ms + fetched_ms) / 1000, cards

    results = [once() for _ in range(runs)]
    return statistics.median(r[0] for r in results), results[0][1]


def cpu_seconds(pid):
    """User and system CPU time a process (all its threads) has used so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # After the command name: state is field 3, utime 14 and stime 15.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def vdirsyncer_syncs(vdirsyncer, tmp, name, url, user, password, server_pid, runs):
    """`runs` first syncs, each into a new empty folder: the medians of the
    whole run, of the CPU time the server process spent while it ran and of
    vdirsyncer's own CPU time; and the fewest cards a folder got."""
    results = []
    for i in range(runs):
        before = cpu_seconds(server_pid)
        seconds, client_cpu, count = vdirsyncer_sync(vdirsyncer, tmp, f"{name}-{i}", url, user, password)
        results.append((seconds, cpu_seconds(server_pid) - before, client_cpu, count))
    return (*(statistics.median(r[k] for r in results) for k in range(3)), min(r[3] for r in results))


def vdirsyncer_sync(vdirsyncer, tmp, name, url, user, password):
    base = os.path.join(tmp, f"vd-{name}")
    os.makedirs(base)
    config = os.path.join(base, "config")
    with open(config, "w") as f:
        f.write(f"""[general]
status_path = "{base}/status/"
[pair p]
a = "local"
b = "remote"
collections = null
[storage local]
type = "filesystem"
path = "{base}/cards/"
fileext = ".vcf"
[storage remote]
type = "carddav"
url = "{url}"
username = "{user}"
password = "{password}"
""")
    os.makedirs(f"{base}/cards")
    env = dict(os.environ, HOME=base)
    run([vdirsyncer, "-c", config, "discover", "p"], env=env, stdin="y\n")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run([vdirsyncer, "-c", config, "sync"], env=env)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    client_cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    count = len(os.listdir(f"{base}/cards"))
    return seconds, client_cpu, count


def fill_radicale(folder, cards):
    """Writes each card of a vCard file into a new Radicale collection
    `bench/contacts` under `folder` (filesystem storage); the card count."""
    collection = os.path.join(folder, "collection-root", "bench", "contacts")
    os.makedirs(collection)
    with open(os.path.join(collection, ".Radicale.props"), "w") as f:
        json.dump({"tag": "VADDRESSBOOK", "D:displayname": "contacts"}, f)
    count = 0
    for text in re.findall(r"BEGIN:VCARD.*?END:VCARD\r?\n", cards, re.S):
        count += 1
        with open(os.path.join(collection, f"card-{count}.vcf"), "w") as f:
            f.write(text)
    return count


def start_radicale(venv, folder):
    """Radicale from `venv` serving `folder` without auth: (process, port)."""
    port = free_port()
    process = subprocess.Popen([os.path.join(venv, "bin", "python"), "-m", "radicale",
                                "--server-hosts", f"127.0.0.1:{port}",
                                "--storage-filesystem-folder", folder,
                                "--auth-type", "none", "--logging-level", "error"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(port)
    return process, port


def bench_vs_radicale(args, tmp, env, venv):
    db = os.path.join(tmp, "sync.db")
    kith = [KITH, "--db", db]
    print(f"generating {args.sync_contacts} contacts for the sync…", file=sys.stderr)
    run(kith + ["demo", "--contacts", str(args.sync_contacts)], env=env)
    password = json.loads(run(kith + ["token", "create", "--carddav", "--name", "bench", "--json"], env=env))["token"]
    cards = run(kith + ["export", "vcard", "--version", "3"], env=env)
    count = fill_radicale(os.path.join(tmp, "radicale"), cards)
    vdirsyncer = os.path.join(venv, "bin", "vdirsyncer")

    kith_port = free_port()
    server = subprocess.Popen(kith + ["serve", "--bind", f"127.0.0.1:{kith_port}"], env=env, stdout=subprocess.DEVNULL)
    try:
        wait_for(kith_port)
        kith_path = "/dav/addressbooks/bench/contacts/"
        kith_server_s, kith_cards = first_sync_requests(kith_port, kith_path, "bench", password, 3)
        kith_s, kith_cpu, kith_client, kith_n = vdirsyncer_syncs(
            vdirsyncer, tmp, "kith", f"http://127.0.0.1:{kith_port}/dav/addressbooks/bench/contacts/",
            "bench", password, server.pid, args.sync_runs)
    finally:
        server.terminate()
        server.wait()

    radicale, radicale_port = start_radicale(venv, os.path.join(tmp, "radicale"))
    try:
        rad_server_s, rad_cards = first_sync_requests(radicale_port, "/bench/contacts/", "bench", "x", 3)
        rad_s, rad_cpu, rad_client, rad_n = vdirsyncer_syncs(
            vdirsyncer, tmp, "radicale", f"http://127.0.0.1:{radicale_port}/bench/contacts/",
            "bench", "x", radicale.pid, args.sync_runs)
    finally:
        radicale.terminate()
        radicale.wait()
    return count, (kith_server_s, kith_cards, kith_s, kith_cpu, kith_client, kith_n), \
        (rad_server_s, rad_cards, rad_s, rad_cpu, rad_client, rad_n)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--sync-contacts", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--sync-runs", type=int, default=3, help="first vdirsyncer syncs per server")
    parser.add_argument("--venv", default=os.path.join(ROOT, "target", "bench-venv"))
    args = parser.parse_args()
    if not os.path.exists(os.path.join(args.venv, "bin", "vdirsyncer")) or \
            not os.path.exists(os.path.join(args.venv, "bin", "radicale")):
        print("creating the venv with vdirsyncer and radicale…", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", args.venv], check=True)
        subprocess.run([os.path.join(args.venv, "bin", "pip"), "install", "--quiet", "vdirsyncer", "radicale"], check=True)
    print("building the release binary…", file=sys.stderr)
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "kith"], cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, HOME=tmp, USER="bench", TZ="UTC", KITH_LOG="error")
        cards, no_change, initial, multiget, single_put = bench_kith(args, tmp, env)
        count, kith, radicale = bench_vs_radicale(args, tmp, env, args.venv)

    print(f"\nCardDAV at {cards} cards (SQLite), {os.cpu_count()} cores; whole request over loopback:\n")
    print("| request | median ms |")
    print("|---|---:|")
    print(f"| sync-collection, nothing changed (target < 50 ms) | {no_change:.1f} |")
    print(f"| sync-collection, initial (every card's tag) | {initial:.1f} |")
    print(f"| addressbook-multiget of all {cards} cards | {multiget:.1f} |")
    print(f"| PUT of one new card | {single_put:.1f} |")
    print(f"\nA first sync of {count} cards (vCard 3.0, the same cards in both servers):\n")
    print("| server | listing + multiget of every card, median s | cards "
          "| `vdirsyncer sync` into an empty folder, median s | server CPU during that sync, s "
          "| vdirsyncer's own CPU, s | cards |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, (server_s, cards, sync_s, cpu_s, client_s, synced) in [("Kith", kith), ("Radicale", radicale)]:
        print(f"| {name} | {server_s:.3f} | {cards} | {sync_s:.2f} | {cpu_s:.2f} | {client_s:.2f} | {synced} |")
    print(f"\n({args.sync_runs} vdirsyncer syncs per server, each into a new empty folder.)")
    print(f"Radicale / Kith, server CPU during the vdirsyncer sync: {radicale[3] / max(kith[3], 0.01):.1f}x (target ≥ 5x)")
    print(f"Radicale / Kith, the server's part (listing + multiget, wall): {radicale[0] / kith[0]:.1f}x")
    print(f"Radicale / Kith, the whole vdirsyncer run (client time included): {radicale[2] / kith[2]:.1f}x")
    print(f"  (no server makes the whole run shorter than vdirsyncer's own CPU time: at most "
          f"{radicale[2] / kith[4]:.1f}x here)")


if __name__ == "__main__":
    main()
