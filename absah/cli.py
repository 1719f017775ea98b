"""The `absah` command: one group, its commands by job in absah/processes.py, records.py,
offline.py and users.py."""

from __future__ import annotations

import click

from absah.offline import rules, verify
from absah.processes import api, beat, run, worker
from absah.records import db, keys, recheck, reverify, units
from absah.users import users


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Absah: penerimaan dan verifikasi data dukung HAM (intake and verification)."""


for command in (run, api, worker, beat, recheck, reverify, db, units, keys, verify, rules, users):
    main.add_command(command)

if __name__ == "__main__":
    main()
