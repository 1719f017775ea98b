"""The embedded defaults' data folder: owner-only folder and files, and the first admin key and
account written to their files but never to the terminal or the log."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from absah.run import prepare_database
from infra.accounts import Outcome, check_password
from infra.db import create_db_engine, create_session_factory, transaction
from infra.encryption import secret_key
from infra.settings import Settings


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """Files as a default shell would create them (0644, folders 0755) unless absah says so."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def prepared(tmp_path: Path, usual_umask: None, capfd: pytest.CaptureFixture[str]) -> Settings:
    settings = Settings(data_dir=tmp_path / "nested" / "absah-data")
    prepare_database(settings, first_admin_key=True)
    secret_key(settings)  # makes data_dir/secret-key
    return settings


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param(".", 0o700, id="the-folder"),
        pytest.param("absah.sqlite3", 0o600, id="the-sqlite-database"),
        pytest.param("admin-key.txt", 0o600, id="the-first-admin-key"),
        pytest.param("admin-account.txt", 0o600, id="the-first-admin-account"),
        pytest.param("secret-key", 0o600, id="the-key-that-seals-secrets"),
    ],
)
def test_the_data_folder_and_what_absah_keeps_in_it_are_owner_only(
    prepared: Settings, name: str, expected: int
) -> None:
    assert oct(mode(prepared.data_dir / name)) == oct(expected)


def test_the_first_admin_key_goes_to_its_file_and_never_to_the_output(
    tmp_path: Path, usual_umask: None, capfd: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(data_dir=tmp_path / "absah-data")
    prepare_database(settings, first_admin_key=True)
    said = capfd.readouterr()
    key_file = (settings.data_dir / "admin-key.txt").resolve()
    key = key_file.read_text(encoding="utf-8").strip()
    assert key.startswith("absah_")
    assert key not in said.out + said.err
    assert str(key_file) in said.err
    assert key.split("_")[1] in said.err  # the prefix names it (keys list, keys revoke)


def test_the_first_admin_accounts_password_goes_to_its_file_and_never_to_the_output(
    tmp_path: Path, usual_umask: None, capfd: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(data_dir=tmp_path / "absah-data")
    prepare_database(settings, first_admin_key=True)
    said = capfd.readouterr()
    account_file = (settings.data_dir / "admin-account.txt").resolve()
    lines = dict(
        line.split(": ", 1) for line in account_file.read_text(encoding="utf-8").splitlines()
    )
    assert lines["username"] == "admin"
    assert lines["password"] not in said.out + said.err
    assert str(account_file) in said.err
    engine = create_db_engine(settings)
    with transaction(create_session_factory(engine)) as session:
        attempt = check_password(session, settings, "admin", lines["password"])
    engine.dispose()
    assert attempt.outcome is Outcome.OK
    assert attempt.account is not None
    assert attempt.account.role == "admin"
    prepare_database(settings, first_admin_key=True)  # a restart makes no second account
    assert "first admin account" not in capfd.readouterr().err


def test_an_existing_sqlite_file_readable_by_others_is_made_owner_only(
    tmp_path: Path, usual_umask: None
) -> None:
    settings = Settings(data_dir=tmp_path / "absah-data")
    settings.data_dir.mkdir()
    database = settings.data_dir / "absah.sqlite3"
    database.touch(mode=0o644)
    create_db_engine(settings).dispose()
    assert oct(mode(database)) == oct(0o600)
