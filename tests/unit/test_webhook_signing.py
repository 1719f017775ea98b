"""Webhook signatures (a known answer, the receiver's check), the target policy and the
connection to the checked address, offline (a fake resolver and a mock transport)."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from infra.settings import Settings
from infra.webhook_targets import TargetRefused, check_target, resolve_target
from infra.webhooks import signature, signed_headers, verify_signature
from intake.webhooks import WebhookIn
from worker.runtime import WorkerRuntime
from worker.webhooks import Send, post

SECRET = "whsec_known-answer"
DELIVERY = "3f1c2a9e-0000-4000-8000-000000000001"
BODY = b'{"type":"document.checked"}'
# printf '%s' '1700000000.<DELIVERY>.<BODY>' | openssl dgst -sha256 -hmac whsec_known-answer
KNOWN = "e7046be64aa8cc76d73da7abbb00aeaf3b8f1b2be4a3a77a280fe19ea73f5585"


def test_the_signature_is_hmac_sha256_over_timestamp_delivery_and_body() -> None:
    assert signature(SECRET, 1700000000, DELIVERY, BODY) == KNOWN
    assert signature(SECRET, "1700000000", DELIVERY, BODY) == KNOWN


def test_signed_headers_carry_event_delivery_timestamp_and_signature() -> None:
    headers = signed_headers(SECRET, "document.checked", DELIVERY, BODY, 1700000000)
    assert headers["X-Absah-Signature"] == f"sha256={KNOWN}"
    assert headers["X-Absah-Timestamp"] == "1700000000"
    assert headers["X-Absah-Delivery"] == DELIVERY
    assert headers["X-Absah-Event"] == "document.checked"
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"] == "absah-webhooks/1"


@pytest.mark.parametrize(
    ("secret", "timestamp", "delivery", "body", "header", "now", "valid"),
    [
        (SECRET, "1700000000", DELIVERY, BODY, f"sha256={KNOWN}", 1700000000, True),
        (SECRET, "1700000000", DELIVERY, BODY, f"sha256={KNOWN}", 1700000299, True),
        (SECRET, "1700000000", DELIVERY, BODY, f"sha256={KNOWN}", 1700000301, False),  # stale
        (SECRET, "1700000000", DELIVERY, BODY, f"sha256={KNOWN}", 1699999600, False),  # future
        (SECRET, "1700000000", DELIVERY, BODY + b" ", f"sha256={KNOWN}", 1700000000, False),
        (SECRET, "1700000001", DELIVERY, BODY, f"sha256={KNOWN}", 1700000000, False),
        (SECRET, "1700000000", DELIVERY[:-1] + "2", BODY, f"sha256={KNOWN}", 1700000000, False),
        ("whsec_other", "1700000000", DELIVERY, BODY, f"sha256={KNOWN}", 1700000000, False),
        (SECRET, "1700000000", DELIVERY, BODY, KNOWN, 1700000000, False),  # no sha256= prefix
        (SECRET, "17e8", DELIVERY, BODY, f"sha256={KNOWN}", 1700000000, False),
    ],
)
def test_a_receiver_accepts_only_a_fresh_matching_signature(
    secret: str, timestamp: str, delivery: str, body: bytes, header: str, now: int, valid: bool
) -> None:
    assert verify_signature(secret, timestamp, delivery, body, header, now=now) is valid


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/hook", "private-address"),
        ("http://127.1:8080/hook", "private-address"),
        ("http://10.0.0.5/hook", "private-address"),
        ("http://192.168.1.10/hook", "private-address"),
        ("http://172.16.0.1/hook", "private-address"),
        ("http://100.64.0.1/hook", "private-address"),
        ("http://[::1]/hook", "private-address"),
        ("http://[::ffff:127.0.0.1]/hook", "private-address"),
        ("http://[fe80::1]/hook", "private-address"),
        ("http://[fc00::1]/hook", "private-address"),
        ("http://169.254.169.254/latest/meta-data", "private-address"),
        ("http://0.0.0.0/hook", "private-address"),
        ("http://224.0.0.1/hook", "private-address"),
        ("http://240.0.0.1/hook", "private-address"),
        ("ftp://93.184.216.34/hook", "scheme-not-allowed"),
        ("file:///etc/passwd", "scheme-not-allowed"),
        ("93.184.216.34/hook", "scheme-not-allowed"),
        ("http:///hook", "invalid-url"),
        ("http://93.184.216.34:99999/hook", "invalid-url"),
    ],
)
def test_targets_off_the_public_internet_are_refused(url: str, reason: str) -> None:
    with pytest.raises(TargetRefused) as refused:
        check_target(url, allow_private=False)
    assert refused.value.reason == reason
    assert refused.value.message_en
    assert refused.value.message_id


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://10.0.0.5/hook",
        "http://[::1]/hook",
        "http://169.254.169.254/hook",
    ],
)
def test_private_targets_are_accepted_when_the_settings_allow_them(url: str) -> None:
    check_target(url, allow_private=True)


@pytest.mark.parametrize(
    "url",
    [
        "http://93.184.216.34/hook",
        "https://93.184.216.34:8443/absah?x=1",
        "https://[2606:4700::1111]/hook",
    ],
)
def test_public_addresses_are_accepted(url: str) -> None:
    check_target(url, allow_private=False)


@pytest.mark.parametrize("url", ["ftp://10.0.0.5/hook", "gopher://127.0.0.1/"])
def test_allowing_private_targets_still_requires_http(url: str) -> None:
    with pytest.raises(TargetRefused, match="http"):
        check_target(url, allow_private=True)


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("http://[2002:7f00:1::]/hook", id="6to4-of-loopback"),
        pytest.param("http://[2002:a00:1::]/hook", id="6to4-of-10.0.0.1"),
        pytest.param("http://[2002:a9fe:a9fe::]/hook", id="6to4-of-metadata"),
        pytest.param("http://[64:ff9b::a9fe:a9fe]/hook", id="nat64-of-metadata"),
        pytest.param("http://[64:ff9b::7f00:1]/hook", id="nat64-of-loopback"),
        pytest.param("http://[::ffff:127.0.0.1]/hook", id="ipv4-mapped-loopback"),
        pytest.param("http://[::ffff:a00:1]/hook", id="ipv4-mapped-private"),
        pytest.param("http://[::7f00:1]/hook", id="ipv4-compatible-loopback"),
        pytest.param("http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook", id="teredo-doc-client"),
        pytest.param("http://[2001:0:a00:1:8000:63bf:a2d7:b6cb]/hook", id="teredo-private-server"),
    ],
)
def test_ipv6_addresses_that_embed_a_non_public_ipv4_address_are_refused(url: str) -> None:
    with pytest.raises(TargetRefused) as refused:
        check_target(url, allow_private=False)
    assert refused.value.reason == "private-address"


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("http://[2002:5db8:d822::1]/hook", id="6to4-of-a-public-address"),
        pytest.param("http://[64:ff9b::5db8:d822]/hook", id="nat64-of-a-public-address"),
    ],
)
def test_ipv6_addresses_that_embed_a_public_ipv4_address_are_judged_by_it(url: str) -> None:
    check_target(url, allow_private=False)


class RebindingDns:
    """A name server that answers a public address once, then the metadata service."""

    def __init__(self) -> None:
        self.asked = 0

    def __call__(self, host: str, port: int, **_: Any) -> list[tuple[Any, ...]]:
        self.asked += 1
        address = "93.184.216.34" if self.asked == 1 else "169.254.169.254"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]


def _send(url: str) -> Send:
    return Send("d-1", "document.checked", url, SECRET, {"type": "document.checked"}, 1)


@pytest.mark.parametrize(
    ("url", "sent_to", "host", "sni"),
    [
        pytest.param(
            "https://hooks.portal.example/absah?x=1",
            "https://93.184.216.34/absah?x=1",
            "hooks.portal.example",
            "hooks.portal.example",
            id="https",
        ),
        pytest.param(
            "http://hooks.portal.example:8080/absah",
            "http://93.184.216.34:8080/absah",
            "hooks.portal.example:8080",
            None,
            id="http-with-port",
        ),
        pytest.param(
            "https://bücher.example/h",
            "https://93.184.216.34/h",
            "xn--bcher-kva.example",
            "xn--bcher-kva.example",
            id="international-name",
        ),
    ],
)
def test_a_delivery_connects_to_the_address_that_was_checked_not_to_a_new_lookup(
    tmp_path: Path, url: str, sent_to: str, host: str, sni: str | None
) -> None:
    dns = RebindingDns()
    checked = resolve_target(url, allow_private=False, resolve=dns)
    seen: list[httpx.Request] = []

    def receiver(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    rt = WorkerRuntime(Settings(data_dir=tmp_path, webhook_allow_private=False))
    code, error = post(rt, _send(url), checked, transport=httpx.MockTransport(receiver))
    assert (code, error) == (204, None)
    assert dns.asked == 1  # the second answer (the metadata service) is never asked for
    (request,) = seen
    assert str(request.url) == sent_to
    assert request.headers["Host"] == host
    assert request.extensions.get("sni_hostname") == sni
    assert request.headers["X-Absah-Signature"].startswith("sha256=")


def test_the_next_checked_address_is_tried_only_when_a_connection_cannot_be_made(
    tmp_path: Path,
) -> None:
    def two(host: str, port: int, **_: Any) -> list[tuple[Any, ...]]:
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("2606:4700::1111", port, 0, 0)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
        ]

    tried: list[str] = []

    def receiver(request: httpx.Request) -> httpx.Response:
        tried.append(request.url.host)
        if request.url.host == "2606:4700::1111":
            raise httpx.ConnectError("unreachable", request=request)
        return httpx.Response(200)

    checked = resolve_target("https://hooks.portal.example/h", allow_private=False, resolve=two)
    rt = WorkerRuntime(Settings(data_dir=tmp_path))
    code, error = post(rt, _send(checked.url), checked, transport=httpx.MockTransport(receiver))
    assert (code, error, tried) == (200, None, ["2606:4700::1111", "93.184.216.34"])


def test_a_name_that_answers_one_private_address_among_public_ones_is_refused() -> None:
    def mixed(host: str, port: int, **_: Any) -> list[tuple[Any, ...]]:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("2002:7f00:1::", port, 0, 0)),
        ]

    with pytest.raises(TargetRefused) as refused:
        resolve_target("https://hooks.portal.example/h", allow_private=False, resolve=mixed)
    assert refused.value.reason == "private-address"


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("https://hooks.portal.example/\x0bh", id="vertical-tab"),
        pytest.param("https://hooks.portal.example/h\n", id="newline"),
        pytest.param("https://hooks.portal\t.example/h", id="tab"),
    ],
)
def test_a_webhook_url_with_a_control_character_is_refused_at_input(url: str) -> None:
    with pytest.raises(ValidationError) as refused:
        WebhookIn.model_validate({"url": url})
    assert [(e["type"], e["loc"]) for e in refused.value.errors()] == [
        ("control_character", ("url",))
    ]
