#!/usr/bin/env python3
"""An example receiver for the server's delivery webhook (standard library only).

It checks the signature and the timestamp, then hands the message to a provider — here it
only prints what it would send. Run it, then start the server with
  --delivery-webhook-url http://127.0.0.1:8099/hook --delivery-webhook-secret "$SECRET"

  SECRET=... python3 webhook_receiver.py 8099

Replace `deliver` with a call to your SMS/voice/email provider's API. Answer 2xx only
once the provider accepted the message: anything else makes the server try again (at most
three tries within ten seconds) and then tell the person the code could not be sent.
"""
import hashlib
import hmac
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

SECRET = os.environ["SECRET"].encode()
MAX_AGE = 300  # seconds: refuse replays of old requests


def deliver(payload):
    # payload: kind (text|call|email), to (E.164 or address), locale (en|nl), subject,
    # message (plain text with the code), html (emails only), expiresAt (Unix seconds)
    print(f"{payload['kind']} to {payload['to']} ({payload['locale']}): {payload['message']}", flush=True)


class Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        timestamp = self.headers.get("x-signature-timestamp", "")
        expected = "sha256=" + hmac.new(SECRET, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) <= MAX_AGE
        if not fresh or not hmac.compare_digest(expected, self.headers.get("x-signature", "")):
            self.send_response(401)
            self.end_headers()
            return
        deliver(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass  # the messages hold codes: keep them out of access logs


HTTPServer(("127.0.0.1", int(sys.argv[1] if len(sys.argv) > 1 else 8099)), Hook).serve_forever()
