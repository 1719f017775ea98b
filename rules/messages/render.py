"""Filling message templates: lists read as text, a missing value as "?"."""

from __future__ import annotations

import string
from typing import Any


class _Formatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, list | tuple | set | frozenset):
            value = ", ".join(str(v) for v in value)
        if format_spec and not isinstance(value, int | float):
            format_spec = ""  # a missing or textual value keeps its text
        return str(super().format_field(value, format_spec))

    def get_value(self, key: int | str, args: Any, kwargs: Any) -> Any:
        if isinstance(key, str) and key not in kwargs:
            return "?"
        return super().get_value(key, args, kwargs)


_FORMATTER = _Formatter()


def fill(template: str, **params: Any) -> str:
    """A template with its placeholders filled from `params`."""
    return _FORMATTER.format(template, **params)
