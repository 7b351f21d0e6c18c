#!/usr/bin/python3
"""Dev mail catcher: a catch-all SMTP server (Debian's python3-aiosmtpd) that
stores every message it accepts as one .eml file in a directory.

    mailcatcher.py --listen 127.0.0.1:2525 --dir var/mail [--auth-file FILE]

`./dev up` runs it (supervised) and points [mail] smtp_url at it, so the mails
the demo produces can be read in var/mail/.  A file is written under a
temporary name, flushed to disk and renamed before the server answers 250,
so a reader never sees half a message and an accepted message is on disk.
The envelope is recorded in X-Envelope-From / X-Envelope-To headers put in
front of the message as received.  With --auth-file (one line "user:password")
it demands SMTP AUTH (without TLS: loopback tests of the mailer's login only).
Nothing here is for production.
"""
import argparse
import asyncio
import itertools
import os
import signal
import sys
import time

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Store:
    def __init__(self, directory):
        self.dir = directory
        self.seq = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        name = "%d-%d-%06d.eml" % (time.time_ns(), os.getpid(), next(self.seq))
        tmp = os.path.join(self.dir, "." + name + ".tmp")
        head = "X-Envelope-From: <%s>\r\nX-Envelope-To: %s\r\n" % (
            envelope.mail_from, ", ".join("<%s>" % r for r in envelope.rcpt_tos))
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        with open(tmp, "wb") as f:
            f.write(head.encode("ascii", "replace") + data)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, os.path.join(self.dir, name))
        print("%s stored %s (%d bytes) for %s" % (time.strftime("%FT%TZ", time.gmtime()), name,
              len(data), ", ".join(envelope.rcpt_tos)), flush=True)
        return "250 Message accepted for delivery"


def authenticator(user, password):
    def check(server, session, envelope, mechanism, data):
        ok = (isinstance(data, LoginPassword) and data.login == user.encode()
              and data.password == password.encode())
        return AuthResult(success=ok, handled=False)   # handled=False: answer 535 on failure
    return check


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--listen", default="127.0.0.1:2525")
    ap.add_argument("--dir", required=True)
    ap.add_argument("--auth-file", help='a file with one line "user:password": AUTH required')
    a = ap.parse_args()
    auth = {}
    if a.auth_file:
        with open(a.auth_file) as f:
            user, _, password = f.read().strip().partition(":")
        auth = dict(authenticator=authenticator(user, password), auth_required=True,
                    auth_require_tls=False)
    host, _, port = a.listen.rpartition(":")
    os.makedirs(a.dir, exist_ok=True)
    store = Store(a.dir)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(
        lambda: SMTP(store, hostname="mailcatcher.invalid", enable_SMTPUTF8=True,
                     data_size_limit=64 << 20, **auth),
        host=host or "127.0.0.1", port=int(port)))
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, loop.stop)
    print("mailcatcher listening on %s, storing in %s" % (a.listen, a.dir), flush=True)
    try:
        loop.run_forever()
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
