"""Local stand-ins on 127.0.0.1 for an SMTP server, a chat incoming webhook and the Zendesk tickets API.

Each stops by itself at the end of its `with` block (and daemon threads never outlive pytest).
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
import urllib.parse
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """aiosmtpd handler: keeps every accepted message; ``fail_next`` answers 451 that many times."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.fail_next = 0

    async def handle_DATA(self, server, session, envelope):
        if self.fail_next:
            self.fail_next -= 1
            return "451 4.3.0 mailbox busy, try later"
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


@contextmanager
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


class FakeZendesk:
    """Tickets by id; external_id lookups; a chat webhook path; every request body recorded."""

    def __init__(self):
        self.tickets: dict[int, dict] = {}
        self.chat: list[dict] = []
        self.chat_fail_next = 0
        self.auth: list[str] = []
        self.lock = threading.Lock()

    def handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _send(self, code: int, body: dict):
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                query = urllib.parse.parse_qs(url.query)
                fake.auth.append(self.headers.get("Authorization", ""))
                with fake.lock:
                    if url.path == "/api/v2/tickets.json":
                        wanted = query.get("external_id", [""])[0]
                        found = [t for t in fake.tickets.values() if t.get("external_id") == wanted]
                        return self._send(200, {"tickets": found})
                    if url.path == "/api/v2/tickets/show_many.json":
                        ids = [int(i) for i in query.get("ids", [""])[0].split(",") if i]
                        return self._send(
                            200, {"tickets": [fake.tickets[i] for i in ids if i in fake.tickets]}
                        )
                return self._send(404, {"error": "not found"})

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                with fake.lock:
                    if self.path.startswith("/chat/"):
                        if fake.chat_fail_next:
                            fake.chat_fail_next -= 1
                            return self._send(503, {"error": "busy"})
                        fake.chat.append(body)
                        return self._send(200, {"ok": True})
                    if self.path == "/api/v2/tickets.json":
                        fake.auth.append(self.headers.get("Authorization", ""))
                        ticket = dict(body["ticket"])
                        ticket.update(
                            id=1000 + len(fake.tickets),
                            status="open",
                            updated_at="2026-05-04T09:00:00Z",
                            custom_fields=[],
                        )
                        fake.tickets[ticket["id"]] = ticket
                        return self._send(201, {"ticket": ticket})
                return self._send(404, {"error": "not found"})

        return Handler


@contextmanager
def http_server(fake: FakeZendesk):
    server = ThreadingHTTPServer(("127.0.0.1", 0), fake.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
