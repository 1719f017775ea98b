"""`absah users`: people's accounts from the command line (create, list, disable, enable,
reset-password); passwords come from stdin or are generated and printed once."""

from __future__ import annotations

import sys

import click

from absah.shell import fail, load_settings


@click.group()
def users() -> None:
    """People's accounts (verifiers, unit operators, admins) for the pages."""


def _read_password(from_stdin: bool) -> str | None:
    """The password from the first line of stdin (never an argument: argv is visible to
    every user of the machine); None → one is generated and printed once."""
    if not from_stdin:
        return None
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        fail("no password on stdin", 2)
    return line


@users.command("create")
@click.option("--username", required=True)
@click.option("--role", type=click.Choice(["verifier", "unit", "admin"]), required=True)
@click.option("--region", default=None, help="Province code (verifiers), e.g. 16.")
@click.option("--unit", "unit_", default=None, help="Unit code (unit operators), e.g. 1671.")
@click.option("--name", required=True, help="The person's name as the pages show it.")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
def users_create(
    username: str,
    role: str,
    region: str | None,
    unit_: str | None,
    name: str,
    password_stdin: bool,
) -> None:
    """Create an account; without --password-stdin a random password is printed once."""
    from infra.accounts import AccountRefused, create_account
    from infra.db import create_db_engine, create_session_factory, transaction
    from infra.keys import Role
    from infra.passwords import PasswordRefused, random_password

    settings = load_settings()
    given = _read_password(password_stdin)
    password = given or random_password()
    engine = create_db_engine(settings)
    try:
        with transaction(create_session_factory(engine)) as session:
            row = create_account(
                session,
                settings,
                username=username,
                name=name,
                role=Role(role),
                region=region,
                unit=unit_,
                password=password,
            )
    except AccountRefused as exc:
        fail(str(exc), 2)
    except PasswordRefused as exc:
        fail(f"password refused ({exc.code}): {exc.message}", 2)
    finally:
        engine.dispose()
    if given is None:
        click.echo(password)
        click.echo("a random password was generated; give it to the person now", err=True)
    click.echo(f"account {row.username} ({role}) created", err=True)


@users.command("list")
def users_list() -> None:
    """Accounts with role, scope, second factor and state (never a password)."""
    from infra.accounts import list_accounts
    from infra.db import create_db_engine, create_session_factory

    engine = create_db_engine(load_settings())
    with create_session_factory(engine)() as session:
        for row in list_accounts(session):
            scope = row.unit_code or (f"region {row.region_code}" if row.region_code else "all")
            factor = "totp" if row.totp_enabled_at else ("sso" if row.oidc_subject else "-")
            state = "active" if row.active else "disabled"
            click.echo(
                f"{row.username:<24} {row.role:<9} {scope:<12} {factor:<5} {state:<8} "
                f"{row.display_name}"
            )
    engine.dispose()


def _change_account(username: str, change: str, password: str | None = None) -> None:
    from infra.accounts import disable_account, enable_account, find_account, set_password
    from infra.db import create_db_engine, create_session_factory, transaction
    from infra.passwords import PasswordRefused

    settings = load_settings()
    engine = create_db_engine(settings)
    try:
        with transaction(create_session_factory(engine)) as session:
            row = find_account(session, username)
            if row is None:
                fail(f"no account {username}")
            if change == "disable":
                done = disable_account(session, row)
                click.echo(
                    f"account {row.username} disabled; {done.sessions_ended} page session(s) "
                    f"ended, {done.claims_released} review claim(s) released"
                )
            elif change == "enable":
                enable_account(session, row)
                click.echo(f"account {row.username} enabled")
            else:
                assert password is not None
                done = set_password(session, settings, row, password)
                click.echo(
                    f"password of {row.username} set; {done.sessions_ended} page session(s) ended",
                    err=True,
                )
    except PasswordRefused as exc:
        fail(f"password refused ({exc.code}): {exc.message}", 2)
    finally:
        engine.dispose()


@users.command("disable")
@click.argument("username")
def users_disable(username: str) -> None:
    """The account signs in no more; its sessions end and its review claims are released."""
    _change_account(username, "disable")


@users.command("enable")
@click.argument("username")
def users_enable(username: str) -> None:
    """Let a disabled account sign in again."""
    _change_account(username, "enable")


@users.command("reset-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the new password from stdin.")
def users_reset_password(username: str, password_stdin: bool) -> None:
    """A new password (random and printed once, or from stdin); the sessions end."""
    from infra.passwords import random_password

    given = _read_password(password_stdin)
    password = given or random_password()
    _change_account(username, "password", password)
    if given is None:
        click.echo(password)
