"""Passwords: argon2id hashes, the policy for new ones, a TOTP code that works once."""

from __future__ import annotations

from datetime import UTC, datetime

import pyotp
import pytest

from infra.passwords import (
    PasswordRefused,
    check_policy,
    hash_password,
    needs_rehash,
    random_password,
    verify_password,
)
from infra.settings import Settings
from infra.totp import matching_step

CHEAP = Settings(password_time_cost=1, password_memory_kib=1024)


@pytest.mark.parametrize(
    ("password", "code"),
    [
        pytest.param("pendek9", "password_too_short", id="shorter-than-the-minimum"),
        pytest.param("qwertyuiop", "password_too_common", id="a-common-one"),
        pytest.param("Password123", "password_too_common", id="common-in-capitals"),
        pytest.param("indonesia2025!", "password_too_common", id="common-with-digits-added"),
        pytest.param("aaaaaaaaaaaa", "password_too_common", id="one-character-repeated"),
        pytest.param("budi-santoso-ku", "password_has_username", id="holds-the-username"),
    ],
)
def test_a_weak_new_password_is_refused(password: str, code: str) -> None:
    with pytest.raises(PasswordRefused) as refused:
        check_policy(CHEAP, password, "budi-santoso")
    assert refused.value.code == code


@pytest.mark.parametrize(
    "password",
    [
        pytest.param("kopi tubruk di pagi hari", id="a-few-words"),
        pytest.param("Xk9#mQ2!vL", id="ten-random-characters"),
        pytest.param(random_password(), id="a-generated-one"),
    ],
)
def test_a_good_password_passes_and_verifies_against_its_argon2id_hash(password: str) -> None:
    check_policy(CHEAP, password, "budi")
    stored = hash_password(CHEAP, password)
    assert stored.startswith("$argon2id$")
    assert verify_password(CHEAP, stored, password)
    assert not verify_password(CHEAP, stored, password + "x")
    assert not verify_password(CHEAP, None, password)  # no hash: never a match


def test_a_hash_made_with_lower_costs_is_marked_for_rehashing() -> None:
    stored = hash_password(CHEAP, "kopi tubruk di pagi hari")
    assert needs_rehash(Settings(password_time_cost=2, password_memory_kib=1024), stored)
    assert not needs_rehash(CHEAP, stored)


def test_a_totp_code_matches_its_step_once_and_within_one_step_of_drift() -> None:
    secret = pyotp.random_base32()
    now = datetime(2026, 12, 1, 12, 0, 10, tzinfo=UTC)
    step = int(now.timestamp()) // 30
    code = pyotp.TOTP(secret).at(now)
    assert matching_step(secret, code, None, now) == step
    assert matching_step(secret, code, step, now) is None  # used already
    assert matching_step(secret, pyotp.TOTP(secret).at(step * 30 - 30), None, now) == step - 1
    assert matching_step(secret, pyotp.TOTP(secret).at(step * 30 - 60), None, now) is None
    assert matching_step(secret, "12 34 5x", None, now) is None
