"""The second factor: TOTP (RFC 6238, 30-second steps, 6 digits) with a code usable once, a QR
code for the authenticator app, and one-time recovery codes (stored as SHA-256)."""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
from datetime import datetime

import pyotp
import qrcode
import qrcode.image.svg

ISSUER = "Absah"
RECOVERY_CODES = 10
STEP_SECONDS = 30
# A code of the step before or after is accepted too (phones' clocks drift).
DRIFT_STEPS = 1


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code as an inline SVG element (paths, no styles: the pages' CSP allows it)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode("utf-8")
    return svg[svg.index("<svg") :]


def matching_step(secret: str, code: str, last_step: int | None, now: datetime) -> int | None:
    """The time step a code belongs to (within the drift), if it is right and newer than the
    last step used: a code seen once (a shoulder-surfed or replayed one) never works again."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Codes to write down, each usable once instead of a TOTP code (80 bits each)."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return [
        "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))
        for _ in range(RECOVERY_CODES)
    ]


def recovery_hash(code: str) -> str:
    return hashlib.sha256("".join(code.lower().split()).encode()).hexdigest()


def looks_like_recovery_code(code: str) -> bool:
    return "-" in code and len("".join(code.split())) == 19
