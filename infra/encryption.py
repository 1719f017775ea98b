"""Secrets kept at rest: a key from ABSAH_SECRET_KEY (or a random one kept in data_dir), and
AES-GCM sealing of what absah must read back (webhook signing secrets), bound to their row."""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import secrets
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from infra.settings import Settings

log = logging.getLogger(__name__)

SEALED_PREFIX = "enc1:"  # a version: a later scheme gets enc2
KEY_FILE = "secret-key"


class SecretUnreadable(ValueError):
    """A sealed value that this key cannot open (another ABSAH_SECRET_KEY sealed it)."""


def kept_secret(path: Path) -> str:
    """A random secret kept in `path` (created 0600 on first use; when two processes start at
    once, the first one's wins)."""
    if not path.parent.is_dir():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        draft = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48) + "\n")
        try:
            os.link(draft, path)  # atomic: the first process to link wins
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    secret = path.read_text(encoding="utf-8").strip()
    if len(secret) < 32:
        raise OSError(f"{path} holds fewer than 32 characters")
    return secret


def secret_key(settings: Settings) -> bytes:
    """The 256-bit key that seals secrets at rest: from ABSAH_SECRET_KEY, else from
    data_dir/secret-key (made on first use, 0600). Every process that reads the sealed values
    (API and workers) must see the same one: set ABSAH_SECRET_KEY when they run apart."""
    if settings.secret_key is not None and settings.secret_key.get_secret_value():
        return _derive(settings.secret_key.get_secret_value())
    return _derive(kept_secret(settings.data_dir.resolve() / KEY_FILE))


@cache
def _derive(material: str) -> bytes:
    # The material is a long random string (a setting or the kept file): one SHA-256 is a
    # sound way to make 32 key bytes of it; a slow KDF would only matter for a password.
    return hashlib.sha256(b"absah secret key v1\x00" + material.encode()).digest()


def seal(key: bytes, plaintext: str, bound_to: str) -> str:
    """`enc1:` + base64(nonce + AES-GCM ciphertext); `bound_to` (the row's id) is
    authenticated, so a sealed value copied onto another row does not open."""
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode(), bound_to.encode())
    return SEALED_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def is_sealed(stored: str) -> bool:
    return stored.startswith(SEALED_PREFIX)


def unseal(key: bytes, stored: str, bound_to: str) -> str:
    """The plaintext of a sealed value; a value stored before sealing existed is returned as
    it is (read both; `absah db upgrade` seals those)."""
    if not is_sealed(stored):
        return stored
    raw = base64.urlsafe_b64decode(stored.removeprefix(SEALED_PREFIX))
    try:
        return AESGCM(key).decrypt(raw[:12], raw[12:], bound_to.encode()).decode()
    except InvalidTag as exc:
        raise SecretUnreadable(
            "the stored secret was sealed with another key (ABSAH_SECRET_KEY or "
            "data_dir/secret-key differs between the processes)"
        ) from exc
