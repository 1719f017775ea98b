"""Example portal client: upload a folder as one ZIP bundle, hear the webhooks, print results.

Standalone on purpose (only httpx and the standard library): this is what an upload portal's
developers would write. Run against the README's service:

    ABSAH_WEBHOOK_ALLOW_PRIVATE=true scripts/run          # so a loopback receiver is allowed
    .venv/bin/python examples/portal_client.py FOLDER --key absah_… \\
        --programme P2HAM --period 2025 --unit 1671 --listen 8765

Files are bound to criteria by their canonical names or by folders named after criterion ids
(`bukti/P2H-02-LAKTASI/foto1.jpg`). The exit status is 0 when every file passed.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import io
import json
import sys
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx


def zip_folder(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def signature_ok(secret: str, headers: Any, body: bytes, tolerance: float = 300) -> bool:
    """HMAC-SHA256 over "{timestamp}.{delivery_id}." + body, with a fresh timestamp."""
    timestamp = headers.get("X-Absah-Timestamp", "")
    delivery = headers.get("X-Absah-Delivery", "")
    given = headers.get("X-Absah-Signature", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > tolerance:
        return False
    signed = f"{timestamp}.{delivery}.".encode() + body
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, given)


class Receiver:
    """A tiny webhook endpoint: records verified events, refuses badly signed ones."""

    def __init__(self, port: int) -> None:
        self.secret = ""
        self.events: list[dict[str, Any]] = []
        self.refused = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if signature_ok(receiver.secret, self.headers, body):
                    receiver.events.append(json.loads(body))
                    self.send_response(204)
                else:
                    receiver.refused += 1
                    self.send_response(401)
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/absah-hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()


def run(args: argparse.Namespace) -> int:
    client = httpx.Client(
        base_url=args.url, timeout=120, headers={"Authorization": f"Bearer {args.key}"}
    )
    receiver = None
    if args.listen is not None:
        receiver = Receiver(args.listen)
        hook = client.post(
            "/v1/webhooks", json={"url": receiver.url, "events": ["batch.completed"]}
        )
        if hook.status_code != 201:
            print(f"webhook not registered: {hook.text}", file=sys.stderr)
            return 2
        receiver.secret = hook.json()["secret"]
        hook_id = hook.json()["id"]
    body = zip_folder(args.folder)
    answer = client.post(
        f"/v1/submissions/{args.programme}/{args.period}/{args.unit}/bundles",
        content=body,
        headers={
            "Content-Type": "application/zip",
            # the same folder sent twice gives the first answer back, not a second batch
            "Idempotency-Key": hashlib.sha256(body).hexdigest(),
        },
    )
    if answer.status_code != 202:
        print(f"upload refused ({answer.status_code}): {answer.text}", file=sys.stderr)
        return 2
    batch = answer.json()
    print(
        f"batch {batch['id']}: {batch['total']} file(s) queued, "
        f"{len(batch['rejected'])} refused at intake"
    )
    deadline = time.monotonic() + args.timeout
    while not batch["complete"] and time.monotonic() < deadline:
        time.sleep(1)
        batch = client.get(batch["status_url"]).json()
    if receiver is not None:
        while time.monotonic() < deadline and not any(
            e["data"].get("batch_id") == batch["id"] for e in receiver.events
        ):
            time.sleep(0.5)
        heard = [e for e in receiver.events if e["type"] == "batch.completed"]
        print(
            f"webhook: {len(heard)} verified batch.completed event(s), "
            f"{receiver.refused} refused for a bad signature"
        )
        client.delete(f"/v1/webhooks/{hook_id}")
        receiver.stop()
    for doc in batch["documents"]:
        print(
            f"  {doc['status']:<16} {doc['criterion']:<20} {doc['name']}"
            + (f"  ({doc['status_reason']})" if doc["status_reason"] else "")
        )
    for entry in batch["rejected"]:
        print(
            f"  {'refused':<16} {entry.get('criterion') or '-':<20} {entry['name']}"
            f"  ({entry['code']}: {entry['message']})"
        )
    print(f"counts: {json.dumps(batch['counts'])}")
    if not batch["complete"]:
        print("timed out before every file was checked", file=sys.stderr)
        return 1
    return 0 if batch["counts"]["passed"] == batch["total"] and not batch["rejected"] else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--key", required=True, help="an API key (portal, unit or admin)")
    parser.add_argument("--programme", required=True)
    parser.add_argument("--period", required=True)
    parser.add_argument("--unit", required=True)
    parser.add_argument(
        "--listen",
        type=int,
        default=None,
        help="receive webhooks on this local port (0: any free port)",
    )
    parser.add_argument("--timeout", type=float, default=300)
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
