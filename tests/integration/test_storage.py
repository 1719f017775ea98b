"""Both storage backends behave alike: put, head, download, stream, delete, missing, down."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from infra.names import document_key, safe_file_name
from infra.settings import Settings
from infra.storage import (
    LocalStore,
    ObjectMissing,
    ObjectStore,
    S3Store,
    StorageUnavailable,
    _place,
    create_store,
)


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ObjectStore]:
    if request.param == "local":
        yield LocalStore(tmp_path / "objects")
        return
    endpoint = request.getfixturevalue("s3_endpoint")
    settings = Settings(
        s3_endpoint_url=endpoint,
        s3_bucket=f"store-{secrets.token_hex(4)}",
        s3_access_key_id="testing",
        s3_secret_access_key=SecretStr("testing"),
        storage_prefix="tenant-a",
    )
    built = create_store(settings)
    assert isinstance(built, S3Store)
    yield built


def test_an_object_goes_in_and_comes_back_byte_for_byte(store: ObjectStore, tmp_path: Path) -> None:
    source = tmp_path / "in.bin"
    payload = secrets.token_bytes(3 * 1024 * 1024 + 17)
    source.write_bytes(payload)
    key = document_key("P2HAM", "2025", "1671", "P2H-00-SKTIM", "doc-1", "SK Tim (final).pdf")
    store.put_file(key, source, "application/pdf")

    info = store.head(key)
    assert info is not None
    assert info.size == len(payload)
    target = tmp_path / "out.bin"
    store.download(key, target)
    assert target.read_bytes() == payload
    assert b"".join(store.stream(key)) == payload

    store.delete(key)
    assert store.head(key) is None


def test_a_copy_is_its_own_object_that_later_writes_to_the_source_do_not_change(
    store: ObjectStore, tmp_path: Path
) -> None:
    first, second = tmp_path / "first.bin", tmp_path / "second.bin"
    first.write_bytes(b"checked bytes")
    second.write_bytes(b"other bytes, written after the check")
    store.put_file("uploads/u-1/a.pdf", first)
    store.copy("uploads/u-1/a.pdf", "P2HAM/2025/1671/X/doc-1/a.pdf")
    store.put_file("uploads/u-1/a.pdf", second)
    assert b"".join(store.stream("P2HAM/2025/1671/X/doc-1/a.pdf")) == b"checked bytes"
    with pytest.raises(ObjectMissing):
        store.copy("uploads/none/a.pdf", "P2HAM/2025/1671/X/doc-2/a.pdf")


def test_a_missing_object_is_reported_missing_not_unavailable(
    store: ObjectStore, tmp_path: Path
) -> None:
    with pytest.raises(ObjectMissing):
        store.download("P2HAM/2025/1671/X/none/file.pdf", tmp_path / "x")
    with pytest.raises(ObjectMissing):
        store.stream("P2HAM/2025/1671/X/none/file.pdf")
    assert store.head("P2HAM/2025/1671/X/none/file.pdf") is None
    store.check()


def test_an_unreachable_s3_server_is_reported_unavailable(tmp_path: Path) -> None:
    settings = Settings(
        s3_endpoint_url="http://127.0.0.1:9",  # discard port: nothing listens
        s3_bucket="absent",
        s3_access_key_id="x",
        s3_secret_access_key=SecretStr("y"),
    )
    store = create_store(settings)
    source = tmp_path / "f"
    source.write_bytes(b"x")
    with pytest.raises(StorageUnavailable):
        store.put_file("a/b", source)
    with pytest.raises(StorageUnavailable):
        store.check()
    with pytest.raises(StorageUnavailable):
        store.download("a/b", tmp_path / "g")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("SK Tim P2HAM.pdf", "SK_Tim_P2HAM.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\op\\foto ruang laktasi.JPG", "foto_ruang_laktasi.JPG"),
        ("Surat_pernyataan_é.pdf", "Surat_pernyataan_e.pdf"),
        ("....", "file"),
        ("a" * 300 + ".pdf", "a" * 116 + ".pdf"),
        ("تقرير.pdf", "file.pdf"),
        ("😀", "file"),
        ("..\\..\\evil.pdf", "evil.pdf"),
    ],
    ids=[
        "spaces",
        "traversal",
        "windows-path",
        "accents",
        "dots-only",
        "too-long",
        "arabic-keeps-extension",
        "emoji-only",
        "backslash-traversal",
    ],
)
def test_stored_names_are_safe(name: str, expected: str) -> None:
    assert safe_file_name(name) == expected


def test_a_local_key_cannot_escape_the_store(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="escapes"):
        LocalStore(tmp_path).head("../outside")


def test_the_local_store_links_instead_of_copying_and_a_new_version_leaves_a_reader_alone(
    tmp_path: Path,
) -> None:
    # one filesystem: the object is the handed-over file's inode, and the worker's download
    # is a link too (no bytes copied either way)
    local = LocalStore(tmp_path / "objects")
    source = tmp_path / "in.bin"
    source.write_bytes(b"first version")
    local.put_file("k/one.bin", source)
    stored = tmp_path / "objects" / "k" / "one.bin"
    assert stored.stat().st_ino == source.stat().st_ino
    source.unlink()  # the intake removes its spool: the object stays
    fetched = tmp_path / "fetched.bin"
    local.download("k/one.bin", fetched)
    assert fetched.stat().st_ino == stored.stat().st_ino
    # a new version under the key is a new file renamed over it: what a reader holds is kept
    newer = tmp_path / "newer.bin"
    newer.write_bytes(b"second version")
    local.put_file("k/one.bin", newer)
    assert fetched.read_bytes() == b"first version"
    assert stored.read_bytes() == b"second version"


def test_a_local_copy_between_keys_shares_no_bytes(tmp_path: Path) -> None:
    # an upload's staging object is copied at completion, never linked: nothing written under
    # the staging key afterwards can reach the document's object
    local = LocalStore(tmp_path / "objects")
    source = tmp_path / "in.bin"
    source.write_bytes(b"staged")
    local.put_file("_uploads/u1/f.bin", source)
    local.copy("_uploads/u1/f.bin", "docs/f.bin")
    staged = tmp_path / "objects" / "_uploads" / "u1" / "f.bin"
    final = tmp_path / "objects" / "docs" / "f.bin"
    assert staged.stat().st_ino != final.stat().st_ino
    with staged.open("r+b") as handle:
        handle.write(b"XX")
    assert final.read_bytes() == b"staged"


def test_the_local_store_copies_where_it_cannot_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import os

    def cross_device(_src: object, _dst: object) -> None:  # another filesystem
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", cross_device)
    local = LocalStore(tmp_path / "objects")
    source = tmp_path / "in.bin"
    source.write_bytes(b"bytes")
    local.put_file("k/a.bin", source)
    stored = tmp_path / "objects" / "k" / "a.bin"
    assert stored.read_bytes() == b"bytes"
    assert stored.stat().st_ino != source.stat().st_ino
    fetched = tmp_path / "fetched.bin"
    local.download("k/a.bin", fetched)
    assert fetched.read_bytes() == b"bytes"
    assert fetched.stat().st_ino != stored.stat().st_ino


def test_the_local_store_never_writes_into_a_file_that_exists(tmp_path: Path) -> None:
    # a path that exists may be a link to an object: neither a write nor a download may reach
    # through it (where a link was refused, a copy into it would have rewritten the object)
    local = LocalStore(tmp_path / "objects")
    source = tmp_path / "in.bin"
    source.write_bytes(b"the object")
    local.put_file("k/obj.bin", source)
    stored = tmp_path / "objects" / "k" / "obj.bin"
    holder = tmp_path / "held.bin"
    local.download("k/obj.bin", holder)  # a link to the object
    other = tmp_path / "other.bin"
    other.write_bytes(b"other bytes")
    with pytest.raises(FileExistsError):
        _place(other, holder, link=True)
    with pytest.raises(FileExistsError):
        _place(other, holder, link=False)
    with pytest.raises(StorageUnavailable):
        local.download("k/obj.bin", holder)
    assert stored.read_bytes() == b"the object"
    assert not list(stored.parent.glob("*.part"))  # each write's own temporary name, renamed


def test_a_missing_download_folder_is_no_missing_object(tmp_path: Path) -> None:
    # the worker's own side failed: a retry, never "object-missing" (which ends the check)
    local = LocalStore(tmp_path / "objects")
    source = tmp_path / "in.bin"
    source.write_bytes(b"bytes")
    local.put_file("k/a.bin", source)
    with pytest.raises(StorageUnavailable):
        local.download("k/a.bin", tmp_path / "no-such-folder" / "a.bin")
    with pytest.raises(ObjectMissing):
        local.download("k/none.bin", tmp_path / "b.bin")
