"""Webhook signatures (a known answer, the receiver's check) and the target policy, offline."""

from __future__ import annotations

import pytest

from infra.webhooks import (
    TargetRefused,
    check_target,
    signature,
    signed_headers,
    verify_signature,
)

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
