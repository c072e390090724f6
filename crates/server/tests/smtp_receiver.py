"""A real SMTP receiver for the delivery tests (Debian python3-aiosmtpd).

Usage: smtp_receiver.py CERT KEY OUT_DIR USER PASSWORD
Listens on 127.0.0.1 (a free port), requires STARTTLS with CERT/KEY and AUTH with
USER/PASSWORD, stores each message as OUT_DIR/<n>.eml (with the envelope in
OUT_DIR/<n>.rcpt), prints "PORT <n>" when ready and stops when stdin closes.
"""
import socket
import ssl
import sys
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

cert, key, out_dir, user, password = sys.argv[1:6]
out = Path(out_dir)
context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)


class Store:
    count = 0

    async def handle_DATA(self, server, session, envelope):
        Store.count += 1
        (out / f"{Store.count}.eml").write_bytes(envelope.original_content or envelope.content)
        (out / f"{Store.count}.rcpt").write_text(
            f"{envelope.mail_from}\n" + "\n".join(envelope.rcpt_tos) + f"\ntls={session.ssl is not None}\n"
        )
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == user.encode()
        and auth_data.password == password.encode()
    )
    return AuthResult(success=ok)


# The controller checks readiness by connecting to its port: pick a free one first.
with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]

controller = Controller(
    Store(),
    hostname="127.0.0.1",
    port=port,
    server_hostname="localhost",
    tls_context=context,
    require_starttls=True,
    auth_required=True,
    authenticator=authenticator,
    ready_timeout=10,
)
controller.start()
print(f"PORT {port}", flush=True)
sys.stdin.read()
controller.stop()
