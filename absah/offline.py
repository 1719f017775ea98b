"""The commands that work without servers: verify a folder or ZIP, lint the rule catalogs."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from absah.shell import fail, load_settings


@click.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--programme", "-p", required=True, help="KKPHAM, P2HAM or AKSIHAM.")
@click.option("--period", required=True, help="2025, or 2025-B08 for AKSIHAM.")
@click.option("--unit", "-u", required=True, help="Unit code, e.g. 1671 or LPPPLG.")
@click.option("--unit-kind", default=None, help="lapas, rutan, kota… (known units: automatic).")
@click.option("--criterion", default=None, help="Bind every file to this criterion.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def verify(
    path: Path,
    programme: str,
    period: str,
    unit: str,
    unit_kind: str | None,
    criterion: str | None,
    fmt: str,
) -> None:
    """Check a folder or ZIP offline, with the worker's checks; exit 0 only if all is good."""
    from absah.report import render
    from infra.archives import ArchiveError
    from rules.catalogs import NoCatalogForYear, UnknownProgramme, load_catalogs
    from rules.periods import PeriodError
    from worker.limits import ExtractLimits
    from worker.offline import verify_offline
    from worker.scans import ocr_options

    settings = load_settings()
    try:
        report = verify_offline(
            load_catalogs(site=load_settings().catalog_dir),
            path,
            programme=programme,
            period=period,
            unit=unit,
            unit_kind=unit_kind,
            criterion=criterion,
            limits=ExtractLimits(signature_trust_roots=settings.signature_trust_roots),
            ocr=ocr_options(settings),  # OCR in this process, as the OCR worker would
        )
    except (UnknownProgramme, PeriodError, NoCatalogForYear) as exc:
        fail(str(exc), code=2)
    except ArchiveError as exc:
        fail(f"{path}: {exc.message} ({exc.code})", code=2)
    click.echo(render(report, fmt))
    sys.exit(0 if report.all_good else 1)


@click.group()
def rules() -> None:
    """Rule catalogs."""


@rules.command("lint")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Catalog folder (default: the shipped catalogs).",
)
@click.option(
    "--site",
    type=click.Path(path_type=Path),
    default=None,
    help="Site catalog folder replacing shipped catalogs (default: ABSAH_CATALOG_DIR).",
)
def rules_lint(directory: Path | None, site: Path | None) -> None:
    """Validate every catalog: schema, check ids, parameters, duplicate ids, coverage; with a
    site folder (ABSAH_CATALOG_DIR), its files and the set they make with the shipped ones."""
    from rules.catalog import CATALOG_DIR
    from rules.catalogs import lint_catalogs

    problems = lint_catalogs(directory or CATALOG_DIR, site or load_settings().catalog_dir)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        sys.exit(1)
    click.echo("catalogs ok")
