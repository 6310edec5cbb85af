#!/usr/bin/python3
"""An SMTP server for tests, on 127.0.0.1 and an ephemeral port.

Prints the port as its first line on standard output, then serves until killed. Every
message accepted is written as one JSON line to --out (flushed at once), as Python's
email package reads it, so that tests check the message with a parser that is not ours:

  {"mail_from": "...", "rcpt_tos": [...], "auth": {"mechanism": ..., "login": ...} | null,
   "tls": true|false,
   "headers": [[name, decoded value], ...],       in order, RFC 2047 decoded
   "header": {name: decoded value},               the first of each name
   "from": [{"display_name": ..., "addr_spec": ...}], "to": [...],
   "is_multipart": bool, "content_type": "multipart/alternative",
   "parts": [{"content_type", "charset", "transfer_encoding", "content"}],
   "defects": ["...", ...],                       anything the parser found wrong
   "raw_base64": "..."}                           the bytes after DATA, dot-unstuffed

Options:
  --starttls CERT KEY  offer STARTTLS and require it before MAIL
  --tls CERT KEY       implicit TLS: TLS from the first byte (smtps)
  --auth USER:PASS     require AUTH with these credentials (PLAIN and LOGIN offered; over
                       plain text only when neither TLS option is given)
  --reject-rcpt CODE   answer every RCPT with CODE (450, 550, ...)

Runs with Debian's /usr/bin/python3 and python3-aiosmtpd.
"""

import argparse
import asyncio
import base64
import email
import email.policy
import json
import logging
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

REJECT_TEXT = {
    4: "4.2.1 Mailbox temporarily unavailable, try again later",
    5: "5.1.1 No such user here",
}


def parse_arguments():
    parser = argparse.ArgumentParser(description="An SMTP server for tests.")
    parser.add_argument("--out", required=True, help="file to append one JSON line per message")
    parser.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--auth", metavar="USER:PASS")
    parser.add_argument("--reject-rcpt", type=int, metavar="CODE")
    arguments = parser.parse_args()
    if arguments.starttls and arguments.tls:
        parser.error("--starttls and --tls exclude each other")
    if arguments.auth is not None and ":" not in arguments.auth:
        parser.error("--auth takes USER:PASS")
    return arguments


def tls_context(cert, key):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def defects_of(item):
    return [f"{type(defect).__name__}: {defect}" for defect in getattr(item, "defects", ())]


def addresses_of(value):
    if value is None or not hasattr(value, "addresses"):
        return []
    return [{"display_name": a.display_name, "addr_spec": a.addr_spec} for a in value.addresses]


def describe_message(raw):
    message = email.message_from_bytes(raw, policy=email.policy.default)
    headers = [[name, str(value)] for name, value in message.items()]
    first = {}
    for name, value in headers:
        first.setdefault(name, value)
    defects = defects_of(message)
    for _, value in message.items():
        defects += defects_of(value)
    parts = []
    for part in message.walk():
        defects += defects_of(part) if part is not message else []
        if part.is_multipart():
            continue
        content = part.get_content()
        parts.append({
            "content_type": part.get_content_type(),
            "charset": part.get_content_charset(),
            "transfer_encoding": part.get("Content-Transfer-Encoding"),
            "content": content if isinstance(content, str) else base64.b64encode(content).decode(),
        })
    return {
        "headers": headers,
        "header": first,
        "from": addresses_of(message["From"]),
        "to": addresses_of(message["To"]),
        "is_multipart": message.is_multipart(),
        "content_type": message.get_content_type(),
        "parts": parts,
        "defects": defects,
    }


class Handler:
    def __init__(self, out, reject_rcpt):
        self.out = out
        self.reject_rcpt = reject_rcpt

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject_rcpt:
            text = REJECT_TEXT.get(self.reject_rcpt // 100, "refused")
            return f"{self.reject_rcpt} {text}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "auth": getattr(session, "test_auth", None),
            "tls": server.transport.get_extra_info("ssl_object") is not None,
        }
        try:
            record.update(describe_message(raw))
        except Exception as error:  # a message the parser cannot read is a finding too
            record["defects"] = [f"unparsable: {error!r}"]
        record["raw_base64"] = base64.b64encode(raw).decode()
        self.out.write(json.dumps(record) + "\n")
        self.out.flush()
        return "250 2.0.0 Message accepted for delivery"


def make_authenticator(credentials):
    user, password = credentials.split(":", 1)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        if ok:
            session.test_auth = {"mechanism": mechanism, "login": user}
        # handled=False: aiosmtpd then answers 535 itself.
        return AuthResult(success=ok, handled=False)

    return authenticator


async def serve(arguments):
    loop = asyncio.get_running_loop()
    out = open(arguments.out, "a", encoding="utf-8")
    handler = Handler(out, arguments.reject_rcpt)
    starttls = tls_context(*arguments.starttls) if arguments.starttls else None
    implicit = tls_context(*arguments.tls) if arguments.tls else None
    authenticator = make_authenticator(arguments.auth) if arguments.auth else None

    def factory():
        return SMTP(
            handler,
            hostname="localhost",  # the default looks up the FQDN: slow, and not loopback
            tls_context=starttls,
            require_starttls=starttls is not None,
            authenticator=authenticator,
            auth_required=authenticator is not None,
            # AUTH waits for STARTTLS when there is one; under implicit TLS aiosmtpd cannot
            # tell the connection is encrypted, and plain text is the test's own choice.
            # Without --auth, AUTH is never offered: aiosmtpd offers it only with TLS.
            auth_require_tls=starttls is not None or authenticator is None,
            loop=loop,
        )

    server = await loop.create_server(factory, "127.0.0.1", 0, ssl=implicit)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


def main():
    arguments = parse_arguments()
    # aiosmtpd logs every connection and warns about AUTH over plain text: test noise.
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    try:
        asyncio.run(serve(arguments))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
