"""Object storage: one interface, two backends (S3 through boto3, and a local directory)."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError

from infra.settings import Settings

CHUNK = 1024 * 1024


class StorageUnavailable(Exception):
    """The store could not be reached or answered with a server error: try again later."""


class ObjectMissing(Exception):
    """No object under that key."""


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int


class ObjectStore(Protocol):
    def put_file(self, key: str, path: Path, content_type: str | None = None) -> None: ...
    def download(self, key: str, dest: Path) -> None: ...
    def stream(self, key: str) -> Iterator[bytes]: ...
    def head(self, key: str) -> ObjectInfo | None: ...
    def copy(self, source: str, dest: str) -> None: ...
    def delete(self, key: str) -> None: ...
    def check(self) -> None: ...


# C0 and C1 controls, and the bidirectional controls (marks, embeddings, overrides such as
# U+202E, isolates) and line/paragraph separators: "foto<U+202E>gpj.exe" reads "fotoexe.jpg"


# why a hard link may be refused where a copy still works: another filesystem, links not
# allowed (protected_hardlinks, a filesystem without them), too many links
_NO_LINK = {errno.EXDEV, errno.EPERM, errno.EACCES, errno.EMLINK, errno.EOPNOTSUPP}


def _place(source: Path, dest: Path, *, link: bool) -> None:
    """`dest`, a new file, holds the bytes of `source`: a hard link (no copy) when allowed and
    possible, else a copy. Never writes into a file that exists (it could be a link to an
    object): an existing `dest` raises FileExistsError."""
    if link:
        try:
            os.link(source, dest)
            return
        except OSError as exc:
            if exc.errno not in _NO_LINK:
                raise
    with source.open("rb") as src, dest.open("xb") as out:
        shutil.copyfileobj(src, out, CHUNK)


class LocalStore:
    """Objects as files under a root directory; writes are atomic (temp file + rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError(f"key escapes the store: {key!r}")
        return path

    def put_file(self, key: str, path: Path, content_type: str | None = None) -> None:
        """Store the file under `key`. The caller hands the file over: it is linked into the
        store when both are on one filesystem (no bytes copied) and must not be written
        again, only removed."""
        self._write(key, path, link=True)

    def _write(self, key: str, path: Path, *, link: bool) -> None:
        target = self._path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            # a name of this write's own: two writes to one key never share a temporary file
            tmp = target.with_name(f"{target.name}.{secrets.token_hex(8)}.part")
            _place(path, tmp, link=link)
            os.replace(tmp, target)
        except OSError as exc:
            raise StorageUnavailable(str(exc)) from exc

    def download(self, key: str, dest: Path) -> None:
        """The object at `dest`: a link to it on the same filesystem (objects are never written
        in place: a new version is a new file renamed over the key), else a copy."""
        source = self._path(key)
        if not source.is_file():
            raise ObjectMissing(key)
        try:
            _place(source, dest, link=True)
        except FileNotFoundError as exc:
            if not source.is_file():  # deleted between the test and the link
                raise ObjectMissing(key) from exc
            raise StorageUnavailable(str(exc)) from exc  # our side: no folder for `dest`
        except OSError as exc:
            raise StorageUnavailable(str(exc)) from exc

    def stream(self, key: str) -> Iterator[bytes]:
        source = self._path(key)
        if not source.is_file():
            raise ObjectMissing(key)

        def chunks() -> Iterator[bytes]:
            with source.open("rb") as handle:
                while block := handle.read(CHUNK):
                    yield block

        return chunks()

    def head(self, key: str) -> ObjectInfo | None:
        path = self._path(key)
        return ObjectInfo(key, path.stat().st_size) if path.is_file() else None

    def copy(self, source: str, dest: str) -> None:
        """The object under `source` copied to `dest` (atomically there, as every write)."""
        path = self._path(source)
        if not path.is_file():
            raise ObjectMissing(source)
        # a real copy: the source (an upload's staging object) must not share its bytes
        self._write(dest, path, link=False)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageUnavailable(str(exc)) from exc
        if not os.access(self.root, os.W_OK):
            raise StorageUnavailable(f"{self.root} is not writable")


def _is_missing(exc: ClientError) -> bool:
    code = str(exc.response.get("Error", {}).get("Code", ""))
    return code in {"404", "NoSuchKey", "NotFound"}


@contextlib.contextmanager
def _s3_errors(key: str | None = None) -> Iterator[None]:
    """S3's failures as the store's: with a `key`, a missing object is ObjectMissing(key);
    anything else (and, without one, everything) is StorageUnavailable."""
    try:
        yield
    except ClientError as exc:
        if key is not None and _is_missing(exc):
            raise ObjectMissing(key) from exc
        raise StorageUnavailable(str(exc)) from exc
    except BotoCoreError as exc:
        raise StorageUnavailable(str(exc)) from exc


class S3Store:
    """Objects in an S3-compatible bucket (MinIO, AWS, moto in tests)."""

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    def _key(self, key: str) -> str:
        return self.prefix + key

    def put_file(self, key: str, path: Path, content_type: str | None = None) -> None:
        extra = {"ContentType": content_type} if content_type else None
        with _s3_errors():
            self.client.upload_file(str(path), self.bucket, self._key(key), ExtraArgs=extra)

    def download(self, key: str, dest: Path) -> None:
        with _s3_errors(key):
            self.client.download_file(self.bucket, self._key(key), str(dest))

    def stream(self, key: str) -> Iterator[bytes]:
        with _s3_errors(key):
            body = self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]
        return iter(body.iter_chunks(CHUNK))

    def head(self, key: str) -> ObjectInfo | None:
        try:
            with _s3_errors(key):
                answer = self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ObjectMissing:
            return None
        return ObjectInfo(key, int(answer["ContentLength"]))

    def copy(self, source: str, dest: str) -> None:
        """A server-side copy: the bytes never pass through this process."""
        with _s3_errors(source):
            self.client.copy_object(
                Bucket=self.bucket,
                Key=self._key(dest),
                CopySource={"Bucket": self.bucket, "Key": self._key(source)},
            )

    def delete(self, key: str) -> None:
        with _s3_errors():
            self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def check(self) -> None:
        with _s3_errors():
            self.client.head_bucket(Bucket=self.bucket)

    def presign_put(self, key: str, content_type: str | None, expires: int) -> str:
        params = {"Bucket": self.bucket, "Key": self._key(key)}
        if content_type:
            params["ContentType"] = content_type
        url: str = self.client.generate_presigned_url(
            "put_object", Params=params, ExpiresIn=expires
        )
        return url

    def presign_post(self, key: str, max_size: int, expires: int) -> dict[str, Any]:
        answer: dict[str, Any] = self.client.generate_presigned_post(
            self.bucket,
            self._key(key),
            Conditions=[["content-length-range", 1, max_size]],
            ExpiresIn=expires,
        )
        return answer

    def ensure_bucket(self) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError:
            self.client.create_bucket(Bucket=self.bucket)
        except BotoCoreError as exc:
            raise StorageUnavailable(str(exc)) from exc


def create_s3_client(settings: Settings) -> Any:
    secret = settings.s3_secret_access_key
    return boto3.session.Session().client(
        "s3",
        endpoint_url=settings.s3_endpoint_url,
        region_name=settings.s3_region,
        aws_access_key_id=settings.s3_access_key_id,
        aws_secret_access_key=secret.get_secret_value() if secret else None,
        config=BotoConfig(
            signature_version="s3v4",
            s3={"addressing_style": "path"},
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=5,
            read_timeout=30,
        ),
    )


def create_store(settings: Settings) -> ObjectStore:
    if settings.uses_s3():
        assert settings.s3_bucket
        store = S3Store(create_s3_client(settings), settings.s3_bucket, settings.storage_prefix)
        if settings.s3_create_bucket:
            # readiness reports a missing store; intake answers 503 until it is back
            with contextlib.suppress(StorageUnavailable, ClientError):
                store.ensure_bucket()
        return store
    return LocalStore(settings.objects_dir())
