"""Electronically signed PDFs for tests: a self-signed certificate and pyHanko, like a TTE."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import cache

from asn1crypto import keys, x509
from cryptography import x509 as cx509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

SIGNER_NAME = "Dra. SRI ASTUTI, M.Si."


@dataclass(frozen=True)
class Identity:
    root_pem: bytes  # the root to put in a trust store
    signer: signers.SimpleSigner


def _name(common_name: str) -> cx509.Name:
    return cx509.Name(
        [
            cx509.NameAttribute(NameOID.COMMON_NAME, common_name),
            cx509.NameAttribute(NameOID.ORGANIZATION_NAME, "Uji Absah"),
            cx509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        ]
    )


def _certificate(
    subject: str, key: rsa.RSAPrivateKey, issuer: str, issuer_key: rsa.RSAPrivateKey, *, ca: bool
) -> cx509.Certificate:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return (
        cx509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(cx509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(cx509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            cx509.KeyUsage(not ca, not ca, False, False, False, ca, ca, False, False),
            critical=True,
        )
        .sign(issuer_key, hashes.SHA256())
    )


def identity(common_name: str = SIGNER_NAME) -> Identity:
    """A signing certificate under a root of its own (stand-ins for a BSrE root and a TTE)."""
    return _identity(common_name)  # positional: one cache entry per name, however called


@cache
def _identity(common_name: str) -> Identity:
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = _certificate("Akar Uji Absah", root_key, "Akar Uji Absah", root_key, ca=True)
    leaf = _certificate(common_name, key, "Akar Uji Absah", root_key, ca=False)
    key_der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    certs = [
        x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in (leaf, root)
    ]
    signer = signers.SimpleSigner(
        signing_cert=certs[0],
        signing_key=keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs(certs),
    )
    return Identity(root.public_bytes(serialization.Encoding.PEM), signer)


def signed_pdf(source: bytes, common_name: str = SIGNER_NAME) -> bytes:
    """`source` signed (PAdES-style CMS) by a self-signed certificate named `common_name`."""
    writer = IncrementalPdfFileWriter(io.BytesIO(source), strict=False)
    out = io.BytesIO()
    signers.sign_pdf(
        writer,
        signers.PdfSignatureMetadata(field_name="TTE", reason="Keputusan", location="Palembang"),
        signer=identity(common_name).signer,
        output=out,
    )
    return out.getvalue()


def modified_after_signing(signed: bytes) -> bytes:
    """A signed file with an incremental update appended: the signature no longer covers it."""
    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    writer.root[generic.NameObject("/AbsahChanged")] = generic.BooleanObject(True)
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
