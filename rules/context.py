"""What a check may know besides the file: the submission, the criterion and the period."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from rules.naming import NamingConvention
from rules.similar import FileMatch, PhotoMatch


class CheckContext(BaseModel):
    """The situation a document is checked in. Built by the pipeline, read by checks."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    programme: str
    period: str
    unit_code: str
    unit_kind: str | None = None
    criterion_id: str
    kind: str | None = None  # the resolved evidence kind, None when it could not be resolved
    kind_name: str | None = None  # its name in Bahasa Indonesia, for messages people read
    allowed_mime: tuple[str, ...] = ()
    allowed_extensions: tuple[str, ...] = ()
    window_start: date
    window_end: date
    naming: NamingConvention  # of the catalog set in force: which programmes and periods exist
    # sha256 -> criteria of the submission's other live documents with those bytes
    sibling_hashes: dict[str, list[str]] = Field(default_factory=dict)
    # the unit registry's issuers: unit code -> how that unit names itself on a decree
    # ("WALI KOTA PALEMBANG", aliases); and unit code -> its name, for messages
    issuers: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    unit_names: dict[str, str] = Field(default_factory=dict)
    # other live documents of the region whose photo looks like this one (worker: infra/photos.py)
    photo_matches: tuple[PhotoMatch, ...] = ()
    # other units' live documents of the region with this file's very bytes (worker/job.py);
    # None when nobody looked (`absah verify` checks one unit's folder, knowing no other unit)
    file_matches: tuple[FileMatch, ...] | None = None
