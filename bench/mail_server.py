"""A real SMTP server in a process of its own, for benchmarks that wait for mail.

``python -m bench.mail_server PORT`` accepts every message and prints one JSON line per
message on stdout: its recipient, subject, the first personal link in its text and the
moment it arrived (``time.time()``). Out of the benchmark's process, the many client threads
there cannot slow the mail server down, as they could not slow a real one.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from email import message_from_bytes, policy

_LINK = re.compile(r"https?://\S+?(/anmeldung/[A-Za-z0-9_-]+)")


class _Printer:
    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        body = message.get_body(preferencelist=("plain",)).get_content()
        link = _LINK.search(body)
        line = {
            "to": str(message["To"]),
            "subject": str(message["Subject"]),
            "link": link.group(1) if link else "",
            "at": time.time(),
        }
        print(json.dumps(line), flush=True)
        return "250 OK"


class MailServer:
    """Starts the server process; ``on_mail(line)`` is called for every message."""

    def __init__(self, port: int, on_mail) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.mail_server", str(port)],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        ready = self.process.stdout.readline()
        if ready.strip() != "ready":
            raise RuntimeError(f"the mail server did not start: {ready!r}")
        self.reader = threading.Thread(target=self._read, args=(on_mail,), daemon=True)
        self.reader.start()

    def _read(self, on_mail) -> None:
        for line in self.process.stdout:
            on_mail(json.loads(line))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self.reader.join(timeout=10)


def main() -> None:
    from aiosmtpd.controller import Controller

    controller = Controller(_Printer(), hostname="127.0.0.1", port=int(sys.argv[1]))
    controller.start()
    print("ready", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    main()
