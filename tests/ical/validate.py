"""Checks .ics files with two strict iCalendar parsers from PyPI.

Usage: validate.py FILE...   (exit 0 when every file passes both, 1 otherwise)

- `icalendar`: Calendar.from_ical, then every component's `errors` must be empty.
- `ical` (allenporter): IcsCalendarStream.calendar_from_ics must accept it; it
  validates property types and the components' required properties.
"""

import sys

from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar


def check(path):
    with open(path, "rb") as f:
        raw = f.read()
    problems = []
    if b"\n" in raw.replace(b"\r\n", b""):
        problems.append("a line ends in a bare LF")
    for number, line in enumerate(raw.split(b"\r\n"), 1):
        if len(line) > 75:
            problems.append(f"line {number} is {len(line)} octets long")
    text = raw.decode("utf-8")

    try:
        cal = Calendar.from_ical(text)
        for component in cal.walk():
            for prop, error in component.errors:
                problems.append(f"icalendar: {component.name}.{prop}: {error}")
        if not cal.walk("VEVENT") and not cal.walk("VTODO"):
            problems.append("icalendar: no VEVENT or VTODO")
        problems.extend(required(cal))
    except Exception as e:  # noqa: BLE001 - any refusal is a failure
        problems.append(f"icalendar refused it: {e!r}")

    try:
        calendar = IcsCalendarStream.calendar_from_ics(text)
        if not calendar.events and not calendar.todos:
            problems.append("ical: no events or to-dos")
    except Exception as e:  # noqa: BLE001
        problems.append(f"ical refused it: {e!r}")
    return problems


# RFC 5545 section 3.6 and RFC 5546 section 3.2: what each object must carry.
ALWAYS = ("UID", "DTSTAMP")
ITIP = {
    "REQUEST": ("ORGANIZER", "ATTENDEE", "DTSTART", "SUMMARY", "SEQUENCE"),
    "CANCEL": ("ORGANIZER", "ATTENDEE", "SEQUENCE"),
}


def required(cal):
    """The properties RFC 5545 and RFC 5546 require that the parsers let pass."""
    problems = []
    for name in ("VERSION", "PRODID"):
        if name not in cal:
            problems.append(f"VCALENDAR lacks {name}")
    method = str(cal.get("METHOD", ""))
    for component in cal.walk():
        if component.name not in ("VEVENT", "VTODO"):
            continue
        needed = ALWAYS + (ITIP.get(method, ()) if component.name == "VEVENT" else ())
        for name in needed:
            if name not in component:
                problems.append(f"{component.name} lacks {name}")
        if method == "CANCEL" and str(component.get("STATUS", "")) != "CANCELLED":
            problems.append("a CANCEL's VEVENT must say STATUS:CANCELLED")
    if method and method not in ITIP:
        problems.append(f"unexpected METHOD {method}")
    return problems


def main(paths):
    if not paths:
        print("validate.py: no files given", file=sys.stderr)
        return 1
    failed = 0
    for path in paths:
        problems = check(path)
        if problems:
            failed += 1
            for p in problems:
                print(f"{path}: {p}")
        else:
            print(f"{path}: ok")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
