"""`absah users`: create (password from stdin, or a random one printed once), list, disable,
enable, reset-password; refusals exit 2 with the reason."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session, sessionmaker

from absah.cli import main
from infra.accounts import Outcome, check_password
from infra.db import create_db_engine, create_session_factory, transaction
from infra.settings import Settings
from tests.support.stack import settings_env


@dataclass
class Cli:
    settings: Settings
    env: dict[str, str]

    def __call__(self, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
        result = CliRunner().invoke(main, list(args), input=stdin, env=self.env)
        return result.exit_code, result.stdout, result.stderr

    def outcome(self, username: str, password: str) -> Outcome:
        engine = create_db_engine(self.settings)
        with transaction(create_session_factory(engine)) as session:
            attempt = check_password(session, self.settings, username, password)
        engine.dispose()
        return attempt.outcome


@pytest.fixture
def cli(
    sqlite_settings: Settings, sessions_for: Callable[[Settings], sessionmaker[Session]]
) -> Cli:
    sessions_for(sqlite_settings)  # seeds the registry
    return Cli(sqlite_settings, settings_env(sqlite_settings))


def test_an_account_is_created_with_a_password_from_stdin_and_signs_in(cli: Cli) -> None:
    code, out, err = cli(
        "users", "create", "--username", "Budi", "--role", "verifier", "--region", "16",
        "--name", "Budi Santoso", "--password-stdin",
        stdin="teh manis hangat sekali\n",
    )  # fmt: skip
    assert code == 0, err
    assert "teh manis" not in out + err
    assert cli.outcome("budi", "teh manis hangat sekali") is Outcome.OK
    code, out, _ = cli("users", "list")
    assert "budi" in out
    assert "region 16" in out
    assert "Budi Santoso" in out


def test_without_stdin_a_random_password_is_printed_once(cli: Cli) -> None:
    code, out, err = cli(
        "users", "create", "--username", "op1671", "--role", "unit", "--unit", "1671",
        "--name", "Operator Palembang",
    )  # fmt: skip
    assert code == 0, err
    password = out.strip()
    assert cli.outcome("op1671", password) is Outcome.OK


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        pytest.param(["--role", "verifier"], "teh manis hangat sekali", "--region", id="no-region"),
        pytest.param(
            ["--role", "unit", "--unit", "9999"], "teh manis hangat sekali", "9999", id="no-unit"
        ),
        pytest.param(["--role", "admin", "--region", "16"], "teh manis x", "admin", id="scoped"),
        pytest.param(["--role", "admin"], "password123", "password_too_common", id="common"),
        pytest.param(["--role", "admin"], "pendek", "password_too_short", id="short"),
    ],
)
def test_a_refused_account_exits_2_with_the_reason(
    cli: Cli, args: list[str], stdin: str, message: str
) -> None:
    code, _, err = cli(
        "users", "create", "--username", "siapa", "--name", "Siapa", "--password-stdin", *args,
        stdin=stdin + "\n",
    )  # fmt: skip
    assert code == 2
    assert message in err
    assert "siapa" not in cli("users", "list")[1]


def test_disable_enable_and_reset_password(cli: Cli) -> None:
    cli(
        "users", "create", "--username", "sari", "--role", "admin", "--name", "Sari",
        "--password-stdin", stdin="nasi goreng kambing pedas\n",
    )  # fmt: skip
    code, out, _ = cli("users", "disable", "sari")
    assert code == 0
    assert "disabled" in out
    assert cli.outcome("sari", "nasi goreng kambing pedas") is Outcome.DISABLED
    assert cli("users", "enable", "sari")[0] == 0
    assert cli.outcome("sari", "nasi goreng kambing pedas") is Outcome.OK
    code, out, _ = cli("users", "reset-password", "sari")
    assert code == 0
    assert cli.outcome("sari", out.strip()) is Outcome.OK
    assert cli.outcome("sari", "nasi goreng kambing pedas") is Outcome.WRONG
    assert cli("users", "disable", "tidak-ada")[0] == 1
