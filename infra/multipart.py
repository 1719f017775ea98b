"""Multipart uploads to the store: S3's own (create, presign parts, list, complete, abort) and
the same five steps on the local folder, so a big file goes up in parts and a dropped part is
sent again alone."""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from botocore.exceptions import BotoCoreError, ClientError

from infra.storage import LocalStore, ObjectStore, S3Store, StorageUnavailable

PART_BYTES = 5 * 1024 * 1024  # S3's smallest part (all but the last); files above it use parts
_COPY = 1024 * 1024


class UnknownMultipart(Exception):
    """No such multipart upload for that key (never made, aborted, or already completed)."""


@dataclass(frozen=True)
class Part:
    number: int
    size: int
    etag: str


def part_count(size: int) -> int:
    return max(1, -(-size // PART_BYTES))


def part_size(size: int, number: int) -> int:
    """The size part `number` (from 1) of a `size`-byte file must have."""
    return min(PART_BYTES, size - (number - 1) * PART_BYTES)


class Multipart(Protocol):
    def create(self, key: str, content_type: str | None) -> str: ...
    def presign(self, key: str, multipart_id: str, number: int, expires: int) -> str | None: ...
    def put_part(self, key: str, multipart_id: str, number: int, path: Path) -> None: ...
    def parts(self, key: str, multipart_id: str) -> list[Part]: ...
    def complete(self, key: str, multipart_id: str, parts: list[Part]) -> None: ...
    def abort(self, key: str, multipart_id: str) -> None: ...


def _no_upload(exc: ClientError) -> bool:
    return str(exc.response.get("Error", {}).get("Code", "")) in {"NoSuchUpload", "404"}


class S3Multipart:
    """S3's multipart upload; the browser PUTs each part to a presigned URL."""

    def __init__(self, store: S3Store) -> None:
        self.store = store

    def _call(self, operation: str, **params: object) -> dict[str, object]:
        try:
            answer: dict[str, object] = getattr(self.store.client, operation)(
                Bucket=self.store.bucket, **params
            )
            return answer
        except ClientError as exc:
            if _no_upload(exc):
                raise UnknownMultipart(str(params.get("UploadId"))) from exc
            raise StorageUnavailable(str(exc)) from exc
        except BotoCoreError as exc:
            raise StorageUnavailable(str(exc)) from exc

    def create(self, key: str, content_type: str | None) -> str:
        extra = {"ContentType": content_type} if content_type else {}
        answer = self._call("create_multipart_upload", Key=self.store._key(key), **extra)
        return str(answer["UploadId"])

    def presign(self, key: str, multipart_id: str, number: int, expires: int) -> str | None:
        url: str = self.store.client.generate_presigned_url(
            "upload_part",
            Params={
                "Bucket": self.store.bucket,
                "Key": self.store._key(key),
                "UploadId": multipart_id,
                "PartNumber": number,
            },
            ExpiresIn=expires,
        )
        return url

    def put_part(self, key: str, multipart_id: str, number: int, path: Path) -> None:
        with path.open("rb") as body:
            self._call(
                "upload_part",
                Key=self.store._key(key),
                UploadId=multipart_id,
                PartNumber=number,
                Body=body,
            )

    def parts(self, key: str, multipart_id: str) -> list[Part]:
        found: list[Part] = []
        marker = 0
        while True:
            answer = self._call(
                "list_parts",
                Key=self.store._key(key),
                UploadId=multipart_id,
                PartNumberMarker=marker,
            )
            for p in answer.get("Parts", []) or []:  # type: ignore[attr-defined]
                found.append(Part(int(p["PartNumber"]), int(p["Size"]), str(p["ETag"])))
            if not answer.get("IsTruncated"):
                return found
            marker = int(answer["NextPartNumberMarker"])  # type: ignore[call-overload]

    def complete(self, key: str, multipart_id: str, parts: list[Part]) -> None:
        self._call(
            "complete_multipart_upload",
            Key=self.store._key(key),
            UploadId=multipart_id,
            MultipartUpload={"Parts": [{"PartNumber": p.number, "ETag": p.etag} for p in parts]},
        )

    def abort(self, key: str, multipart_id: str) -> None:
        self._call("abort_multipart_upload", Key=self.store._key(key), UploadId=multipart_id)


class LocalMultipart:
    """The same steps on the local folder: parts are files beside the object-to-be, sent to
    absah's own part PUT (there is nothing to presign), joined at `complete`."""

    def __init__(self, store: LocalStore) -> None:
        self.store = store

    def _dir(self, key: str, multipart_id: str) -> Path:
        if not multipart_id.isalnum():
            raise UnknownMultipart(multipart_id)
        return self.store._path(f"{key}.parts/{multipart_id}")

    def create(self, key: str, content_type: str | None) -> str:
        multipart_id = secrets.token_hex(16)
        try:
            self._dir(key, multipart_id).mkdir(parents=True)
        except OSError as exc:
            raise StorageUnavailable(str(exc)) from exc
        return multipart_id

    def presign(self, key: str, multipart_id: str, number: int, expires: int) -> str | None:
        return None  # the caller points the browser at absah's own part PUT

    def put_part(self, key: str, multipart_id: str, number: int, path: Path) -> None:
        folder = self._dir(key, multipart_id)
        if not folder.is_dir():
            raise UnknownMultipart(multipart_id)
        target = folder / f"{number:05d}"
        try:
            shutil.copyfile(path, target.with_suffix(".part"))
            os.replace(target.with_suffix(".part"), target)
        except OSError as exc:
            raise StorageUnavailable(str(exc)) from exc

    def parts(self, key: str, multipart_id: str) -> list[Part]:
        folder = self._dir(key, multipart_id)
        if not folder.is_dir():
            raise UnknownMultipart(multipart_id)
        return [
            Part(int(p.name), p.stat().st_size, p.name)
            for p in sorted(folder.iterdir())
            if p.name.isdigit()
        ]

    def complete(self, key: str, multipart_id: str, parts: list[Part]) -> None:
        folder = self._dir(key, multipart_id)
        if not folder.is_dir():
            raise UnknownMultipart(multipart_id)
        target = self.store._path(key)
        tmp = target.with_name(target.name + ".joining")
        try:
            with tmp.open("wb") as out:
                for part in parts:
                    with (folder / f"{part.number:05d}").open("rb") as handle:
                        shutil.copyfileobj(handle, out, _COPY)
            os.replace(tmp, target)
            shutil.rmtree(folder.parent, ignore_errors=True)
        except OSError as exc:
            raise StorageUnavailable(str(exc)) from exc

    def abort(self, key: str, multipart_id: str) -> None:
        shutil.rmtree(self._dir(key, multipart_id), ignore_errors=True)


def multipart_of(store: ObjectStore) -> Multipart:
    if isinstance(store, S3Store):
        return S3Multipart(store)
    if isinstance(store, LocalStore):
        return LocalMultipart(store)
    raise TypeError(f"no multipart uploads for {type(store).__name__}")
