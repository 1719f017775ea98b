"""A presigned upload's staged object: checked by absah, then copied to its document's key."""

from __future__ import annotations

import contextlib
import hashlib
import tempfile
from pathlib import Path

from infra.names import document_key
from infra.storage import ObjectMissing, StorageUnavailable
from infra.tables import Upload
from intake.errors import ApiError, storage_unavailable
from intake.runtime import ApiRuntime


def document_key_of(row: Upload) -> str:
    """The key of the upload's document, as intake plans it (the same inputs, the same key)."""
    return document_key(
        row.programme, row.period, row.unit_code, row.criterion_id, row.document_id, row.name
    )


def remove_objects(rt: ApiRuntime, *keys: str) -> None:
    for key in dict.fromkeys(keys):
        with contextlib.suppress(StorageUnavailable):
            rt.store.delete(key)


def missing() -> ApiError:
    return ApiError(
        409,
        "upload_missing",
        "Berkas belum diunggah ke URL yang diberikan.",
        "The file has not been uploaded to the given URL yet.",
    )


def size_mismatch(row: Upload, size: int) -> ApiError:
    return ApiError(
        422,
        "upload_size_mismatch",
        f"Ukuran berkas {size} byte tidak sama dengan yang dinyatakan ({row.size}); unggah ulang.",
        f"The file is {size} bytes, not the declared {row.size}; upload it again.",
        expected_size=row.size,
        expected_sha256=row.sha256,
    )


def hash_mismatch(row: Upload) -> ApiError:
    return ApiError(
        422,
        "upload_hash_mismatch",
        "SHA-256 berkas tidak sama dengan yang dinyatakan; unggah ulang.",
        "The file's SHA-256 differs from the declared one; upload it again.",
        expected_size=row.size,
        expected_sha256=row.sha256,
    )


def refuse(rt: ApiRuntime, row: Upload, error: ApiError) -> ApiError:
    remove_objects(rt, row.storage_key, document_key_of(row))  # wrong bytes must not linger
    return error


def take_object(rt: ApiRuntime, row: Upload) -> str:
    """Copy the staged object to the document's key, then check size and SHA-256 of that copy.

    The store accepted whatever came, and the client may still write to the staging key; the
    document's key is written by absah alone, so what is checked here is what the worker reads.
    Returns the document's key.
    """
    key = document_key_of(row)
    digest, size = hashlib.sha256(), 0
    try:
        info = rt.store.head(row.storage_key)
        if info is None:
            raise missing()
        if info.size != row.size:
            raise refuse(rt, row, size_mismatch(row, info.size))
        if key != row.storage_key:  # uploads made before staging keys used the document's key
            rt.store.copy(row.storage_key, key)
        with tempfile.TemporaryDirectory(prefix="absah-complete-") as tmp:
            path = Path(tmp) / "object"
            rt.store.download(key, path)
            with path.open("rb") as handle:
                while block := handle.read(1024 * 1024):
                    digest.update(block)
                    size += len(block)
    except ObjectMissing as exc:  # removed between the head and the copy
        raise missing() from exc
    except StorageUnavailable as exc:
        raise storage_unavailable() from exc
    if size != row.size:
        raise refuse(rt, row, size_mismatch(row, size))
    if digest.hexdigest() != row.sha256:
        raise refuse(rt, row, hash_mismatch(row))
    return key
