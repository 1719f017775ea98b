""".env.example lists every setting, and what it sets loads."""

from __future__ import annotations

import re
from pathlib import Path

from infra.settings import Settings

EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


def test_every_setting_is_listed_in_the_env_example() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    listed = set(re.findall(r"^#? ?(ABSAH_[A-Z0-9_]+)=", text, flags=re.M))
    assert {f"ABSAH_{name.upper()}" for name in Settings.model_fields} == listed


def test_the_values_the_env_example_sets_load_as_settings() -> None:
    values = {}
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.startswith("ABSAH_"):
            key, _, value = line.partition("=")
            values[key.removeprefix("ABSAH_").lower()] = value.strip('"')
    settings = Settings.model_validate(values)
    assert settings.max_bundle_entries == 1000
    assert settings.webhook_allow_private is False
