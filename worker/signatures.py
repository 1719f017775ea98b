"""Electronic signatures in a PDF (PAdES/CMS, e.g. a BSrE-certified TTE) read with pyHanko.

For each signature: who signed, when, whether the signed bytes still verify, whether the
signed byte range still reaches the end of the file (anything appended after signing is a
change a person must look at), and, when a trust store is configured, whether the signer's
certificate chains to one of its roots. No network: revocation is never fetched.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from rules.facts import SignatureFacts

_log = logging.getLogger(__name__)
MAX_SIGNATURES = 10  # a decree carries one or two; more is not worth the time


def has_signature_fields(reader: PdfReader) -> bool:
    """Cheap test on pypdf's structure: an AcroForm field of type /Sig with a value."""
    try:
        form = reader.root_object.get("/AcroForm")
        form = form.get_object() if form is not None else None
        if not form:
            return False
        for field in form.get("/Fields") or []:
            field = field.get_object()
            if field.get("/FT") == "/Sig" and field.get("/V") is not None:
                return True
            for kid in field.get("/Kids") or []:
                kid = kid.get_object()
                if kid.get("/FT") == "/Sig" and kid.get("/V") is not None:
                    return True
    except Exception:  # a malformed form is not a signature
        return False
    return False


def load_trust_roots(location: Path) -> list[Any]:
    """Certificates from a PEM/DER file, or from every such file in a folder."""
    from asn1crypto import pem, x509

    files = (
        sorted(p for p in location.iterdir() if p.is_file()) if location.is_dir() else [location]
    )
    roots = []
    for file in files:
        data = file.read_bytes()
        blobs = (
            [der for _, _, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
        )
        for der in blobs:
            try:
                roots.append(x509.Certificate.load(der))
            except Exception:
                _log.warning("not a certificate in %s; skipped", file)
    return roots


def read_signatures(path: Path, trust_roots: Path | None) -> list[SignatureFacts]:
    """Every embedded signature of the PDF at `path`; a signature pyHanko cannot read says so."""
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader
    except ImportError:  # pragma: no cover - pyhanko is a dependency
        return [SignatureFacts(error="pyhanko is not installed")]
    # pyHanko logs every failed path validation with a traceback; the facts say it once
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    context = _validation_context(trust_roots)
    found: list[SignatureFacts] = []
    try:
        with path.open("rb") as handle:
            reader = PdfFileReader(handle, strict=False)
            if reader.encrypted:
                reader.decrypt(b"")
            for embedded in reader.embedded_signatures[:MAX_SIGNATURES]:
                found.append(_one(embedded, context, trusted_known=trust_roots is not None))
    except MemoryError:
        raise
    except Exception as exc:
        _log.info("signatures unreadable: %s", str(exc)[:200])
        found.append(SignatureFacts(error=f"{type(exc).__name__}: {str(exc)[:150]}"))
    return found


def _validation_context(trust_roots: Path | None) -> Any:
    from pyhanko_certvalidator import ValidationContext

    roots = load_trust_roots(trust_roots) if trust_roots else []
    return ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")


def _one(embedded: Any, context: Any, *, trusted_known: bool) -> SignatureFacts:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    field = getattr(embedded, "field_name", None)
    try:
        status = validate_pdf_signature(embedded, context)
    except Exception as exc:
        return SignatureFacts(field=field, error=f"{type(exc).__name__}: {str(exc)[:150]}")
    cert = status.signing_cert
    signer = None
    if cert is not None:
        names = cert.subject.native
        signer = names.get("common_name") or cert.subject.human_friendly
    when = status.signer_reported_dt
    if status.timestamp_validity is not None:
        when = status.timestamp_validity.timestamp
    return SignatureFacts(
        field=field,
        signer=signer,
        signed_at=when.isoformat() if when else None,
        intact=bool(status.intact),
        valid=bool(status.valid),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        trusted=bool(status.trusted) if trusted_known else None,
    )
