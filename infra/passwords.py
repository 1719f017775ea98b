"""Passwords of people's accounts: argon2id hashes (costs from the settings), and the policy a
new password must meet (a minimum length, none of the most common, not the username)."""

from __future__ import annotations

import secrets
import string
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from infra.settings import Settings

COMMON = Path(__file__).resolve().parent / "seed" / "common-passwords.txt"
TRAILING = string.digits + string.punctuation + " "


class PasswordRefused(ValueError):
    """A new password the policy refuses; the message (Indonesian) says why, `code` for logs."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@cache
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(
        time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID
    )


def hasher(settings: Settings) -> PasswordHasher:
    return _hasher(
        settings.password_time_cost, settings.password_memory_kib, settings.password_parallelism
    )


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def check_policy(settings: Settings, password: str, username: str = "") -> None:
    """Refuse a new password that is short, among the most common (also with digits or
    punctuation added at its end), or contains the username."""
    if len(password) < settings.password_min_length:
        raise PasswordRefused(
            "password_too_short",
            f"Kata sandi minimal {settings.password_min_length} karakter.",
        )
    lowered = password.lower()
    if lowered in common_passwords() or lowered.rstrip(TRAILING) in common_passwords():
        raise PasswordRefused(
            "password_too_common",
            "Kata sandi ini termasuk yang paling sering dipakai dan mudah ditebak. "
            "Pilih yang lain (misalnya beberapa kata acak).",
        )
    if len(set(lowered)) < 4:
        raise PasswordRefused(
            "password_too_common", "Kata sandi ini terlalu seragam; pilih yang lain."
        )
    if username and len(username) >= 3 and username.lower() in lowered:
        raise PasswordRefused(
            "password_has_username", "Kata sandi tidak boleh memuat nama pengguna."
        )


def hash_password(settings: Settings, password: str) -> str:
    return hasher(settings).hash(password)


def verify_password(settings: Settings, stored: str | None, password: str) -> bool:
    """Does the password match? With no stored hash (an SSO-only account, or an unknown
    username) a dummy hash is checked anyway, so the answer takes the same time."""
    ph = hasher(settings)
    try:
        return ph.verify(stored or _dummy(settings), password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(settings: Settings, stored: str) -> bool:
    return hasher(settings).check_needs_rehash(stored)


def _dummy(settings: Settings) -> str:
    return _dummy_for(
        settings.password_time_cost, settings.password_memory_kib, settings.password_parallelism
    )


@cache
def _dummy_for(time_cost: int, memory_kib: int, parallelism: int) -> str:
    return _hasher(time_cost, memory_kib, parallelism).hash(secrets.token_urlsafe(16))


def random_password() -> str:
    """A password for a reset or the first admin: 4 groups of 5 characters, ~100 bits."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))
