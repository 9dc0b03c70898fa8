"""A real SMTP server on loopback for Kith's tests, built on aiosmtpd.

    python smtp_sink.py DIR [--fail-first N] [--hold] [--delay SECONDS]

Listens on 127.0.0.1 on a free port and prints the port as its first line.
Every message it accepts is written to DIR/NNNN.eml (whole, then renamed),
with the envelope's recipients in an X-Sink-Rcpt header line on top.

--fail-first N  answers 451 (try again later) to the first N messages.
--hold          after writing a message, waits until DIR/release exists
                before answering: the test kills the sender meanwhile, which
                is a crash between sending and marking as sent.
--delay S       waits S seconds before answering each message: a slow
                server, so that two senders are busy at the same time.
"""

import argparse
import asyncio
import os
import sys

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, folder, fail_first, hold, delay):
        self.folder = folder
        self.fail_left = fail_first
        self.hold = hold
        self.delay = delay
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        if self.fail_left > 0:
            self.fail_left -= 1
            return "451 4.3.0 Try again later (the test's sink)"
        self.count += 1
        name = os.path.join(self.folder, f"{self.count:04}.eml")
        with open(name + ".tmp", "wb") as f:
            f.write(b"X-Sink-Rcpt: " + ", ".join(envelope.rcpt_tos).encode() + b"\r\n")
            f.write(envelope.original_content)
        os.rename(name + ".tmp", name)
        if self.hold:
            release = os.path.join(self.folder, "release")
            while not os.path.exists(release):
                await asyncio.sleep(0.05)
        if self.delay > 0:
            await asyncio.sleep(self.delay)
        return "250 2.0.0 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--hold", action="store_true")
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    sink = Sink(args.folder, args.fail_first, args.hold, args.delay)
    asyncio.run(serve(sink))


async def serve(sink):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(sink), "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    # Until the test closes our standard input (or kills us).
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


if __name__ == "__main__":
    main()
