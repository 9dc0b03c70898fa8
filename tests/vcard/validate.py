"""Checks .vcf files Kith wrote with vobject (PyPI) and the rules it lets pass.

Usage: validate.py VERSION FILE...   (VERSION is 3.0 or 4.0; exit 0 when every
card of every file passes, 1 otherwise)

- vobject: readComponents(validate=True), then validate(raiseException=True)
  and serialize() of every card; as many cards read as BEGIN:VCARD lines.
- The text itself: CRLF line ends, lines of at most 75 octets, VERSION as
  asked, exactly one N and one FN (3.0; at least one FN in 4.0), and only
  the escapes both RFCs define (backslash before backslash, comma,
  semicolon or n): `\\r` is none, which is how Outlook's line breaks broke.
"""

import sys

import vobject


def escapes_ok(value):
    i = 0
    while i < len(value):
        if value[i] == "\\":
            if i + 1 >= len(value) or value[i + 1] not in "\\,;nN":
                return False
            i += 2
        else:
            i += 1
    return True


def unfolded(text):
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


def check_text(raw, version):
    problems = []
    if b"\n" in raw.replace(b"\r\n", b"") or b"\r" in raw.replace(b"\r\n", b""):
        problems.append("a line ends in a bare LF or CR")
    for number, line in enumerate(raw.split(b"\r\n"), 1):
        if len(line) > 75:
            problems.append(f"line {number} is {len(line)} octets long")
    text = raw.decode("utf-8")
    card = None
    for line in unfolded(text):
        if line == "BEGIN:VCARD":
            card = {"N": 0, "FN": 0, "VERSION": []}
            continue
        if line == "END:VCARD":
            problems.extend(counts(card, version))
            card = None
            continue
        if card is None or not line:
            continue
        head, _, value = line.partition(":")
        name = head.split(";")[0].split(".")[-1].upper()
        if name in ("N", "FN"):
            card[name] += 1
        if name == "VERSION":
            card["VERSION"].append(value)
        if not escapes_ok(value):
            problems.append(f"{name}: an escape that is none in {value!r}")
    return text, problems


def counts(card, version):
    problems = []
    if card["VERSION"] != [version]:
        problems.append(f"VERSION {card['VERSION']}, not {version}")
    if card["N"] != 1:
        problems.append(f"{card['N']} N (exactly one wanted)")
    if card["FN"] != 1 and not (version == "4.0" and card["FN"] > 1):
        problems.append(f"{card['FN']} FN")
    return problems


def check(path, version):
    with open(path, "rb") as f:
        raw = f.read()
    text, problems = check_text(raw, version)
    try:
        cards = list(vobject.readComponents(text, validate=True))
        for card in cards:
            card.validate(raiseException=True)
            card.serialize()
        begun = text.count("BEGIN:VCARD\r\n")
        if len(cards) != begun:
            problems.append(f"vobject read {len(cards)} cards of {begun}")
    except Exception as e:  # noqa: BLE001 - any refusal is a failure
        problems.append(f"vobject refused it: {e!r}")
    return problems


def main(args):
    if len(args) < 2 or args[0] not in ("3.0", "4.0"):
        print("usage: validate.py 3.0|4.0 FILE...", file=sys.stderr)
        return 1
    version, paths = args[0], args[1:]
    failed = 0
    for path in paths:
        problems = check(path, version)
        if problems:
            failed += 1
            for p in problems[:50]:
                print(f"{path}: {p}")
        else:
            print(f"{path}: ok")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
