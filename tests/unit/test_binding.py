"""Binding a file to a criterion and kind: form field, canonical name, folder, content type."""

from __future__ import annotations

import pytest

from rules.binding import Binding, BindingProblem, bind_file
from rules.catalog import Catalog
from rules.catalogs import CatalogSet

SK = "LPPPLG_P2HAM_2025_P2H-00-SKTIM_SK_01.pdf"
LAKTASI_PHOTO = "LPPPLG_P2HAM_2025_P2H-02-LAKTASI_FOTO_01.jpg"
MAKLUMAT = "P2H-02-MAKLUMAT"


BY_FOLDER = Binding(
    "P2H-02-LAKTASI", "folder", "facility_photo", "criterion", None
)  # the lactation room, bound by its folder


@pytest.mark.parametrize(
    ("criterion", "kind", "name", "folder", "mime", "expected"),
    [
        pytest.param(
            "P2H-02-LAKTASI",
            None,
            SK,
            None,
            None,
            Binding("P2H-02-LAKTASI", "form", None, None, "SK"),  # the worker flags SK
            id="form-criterion-beats-the-name",
        ),
        pytest.param(
            " p2h-02-laktasi ",
            None,
            "foto.jpg",
            None,
            None,
            Binding("P2H-02-LAKTASI", "form", "facility_photo", "criterion", None),
            id="form-criterion-trimmed-and-upper-cased",
        ),
        pytest.param(
            None,
            None,
            SK,
            None,
            None,
            Binding("P2H-00-SKTIM", "name", "sk_decree_pdf", "name", "SK"),
            id="canonical-name",
        ),
        pytest.param(
            None,
            None,
            SK,
            "P2H-02-LAKTASI",
            None,
            Binding("P2H-00-SKTIM", "name", "sk_decree_pdf", "name", "SK"),
            id="canonical-name-beats-the-folder",
        ),
        pytest.param(
            None,
            None,
            "foto 1.jpg",
            "bukti/P2H-02-LAKTASI",
            None,
            BY_FOLDER,
            id="folder",
        ),
        pytest.param(
            None,
            None,
            "foto.jpg",
            "P2H-00-SKTIM/P2H-02-LAKTASI",
            None,
            BY_FOLDER,
            id="nearest-folder",
        ),
        pytest.param(
            None,
            None,
            "foto.jpg",
            "P2H-02-LAKTASI/FOTO-LAMA",
            None,
            BY_FOLDER,
            id="known-folder-beats-a-nearer-id-like-one",
        ),
        pytest.param(
            None,
            None,
            "foto.jpg",
            "bukti/ p2h-02-laktasi ",
            None,
            BY_FOLDER,
            id="folder-in-lower-case",
        ),
        pytest.param(
            MAKLUMAT,
            "sop_or_standard_pdf",
            "maklumat.pdf",
            None,
            None,
            Binding(MAKLUMAT, "form", "sop_or_standard_pdf", "form", None),
            id="declared-kind",
        ),
        pytest.param(
            MAKLUMAT,
            None,
            "maklumat.pdf",
            None,
            None,
            Binding(MAKLUMAT, "form", None, None, None),
            id="two-kinds-left-to-the-content",
        ),
        pytest.param(
            MAKLUMAT,
            None,
            "maklumat.pdf",
            None,
            "application/pdf",
            Binding(MAKLUMAT, "form", "sop_or_standard_pdf", "content", None),
            id="two-kinds-told-apart-by-the-content",
        ),
        pytest.param(
            "P2H-03-PELATIHAN",
            None,
            "foto.jpg",
            None,
            "image/jpeg",
            Binding("P2H-03-PELATIHAN", "form", "activity_photo", "content", None),
            id="a-jpeg-is-mainly-a-photo",
        ),
        pytest.param(
            None,
            None,
            "LPPPLG_P2HAM_2025_P2H-02-MAKLUMAT_SOP_01.pdf",
            None,
            None,
            Binding(MAKLUMAT, "name", "sop_or_standard_pdf", "name", "SOP"),
            id="kind-code-of-the-name",
        ),
        pytest.param(
            None,
            None,
            "LPPPLG_P2HAM_2025_P2H-00-SKTIM_FOTO_01.jpg",
            None,
            None,
            Binding("P2H-00-SKTIM", "name", None, None, "FOTO"),
            id="kind-code-not-for-the-criterion-is-left-to-the-worker",
        ),
    ],
)
def test_a_file_binds_to_its_criterion_and_kind(
    p2ham: Catalog,
    catalogs: CatalogSet,
    criterion: str | None,
    kind: str | None,
    name: str,
    folder: str | None,
    mime: str | None,
    expected: Binding,
) -> None:
    bound = bind_file(
        p2ham, catalogs.naming, criterion=criterion, kind=kind, name=name, folder=folder, mime=mime
    )
    assert bound == expected


@pytest.mark.parametrize(
    ("criterion", "kind", "name", "folder", "expected"),
    [
        pytest.param(
            None,
            None,
            "foto.jpg",
            None,
            BindingProblem(
                "criterion_missing",
                "Kriteria untuk berkas 'foto.jpg' tidak diketahui: isi kolom 'criterion' atau "
                "gunakan nama berkas sesuai konvensi.",
                "The criterion of 'foto.jpg' is unknown: send the field 'criterion' or name the "
                "file by the convention.",
                {"file": "foto.jpg"},
            ),
            id="form-upload-without-criterion",
        ),
        pytest.param(
            None,
            None,
            "foto.jpg",
            "bukti/lain",
            BindingProblem(
                "criterion_missing",
                "Kriteria berkas 'bukti/lain/foto.jpg' tidak diketahui: beri nama sesuai "
                "konvensi atau letakkan di folder bernama kode kriteria.",
                "The criterion of 'bukti/lain/foto.jpg' is unknown: use the naming convention "
                "or a folder named after the criterion id.",
                {"file": "bukti/lain/foto.jpg"},
            ),
            id="bundle-entry-without-criterion",
        ),
        pytest.param(
            None,
            None,
            "catatan.txt",
            "",
            BindingProblem(
                "criterion_missing",
                "Kriteria berkas 'catatan.txt' tidak diketahui: beri nama sesuai konvensi atau "
                "letakkan di folder bernama kode kriteria.",
                "The criterion of 'catatan.txt' is unknown: use the naming convention or a "
                "folder named after the criterion id.",
                {"file": "catatan.txt"},
            ),
            id="bundle-entry-at-the-top",
        ),
        pytest.param(
            "P2H-99-NOPE",
            None,
            "foto.jpg",
            None,
            BindingProblem(
                "unknown_criterion",
                "Kriteria 'P2H-99-NOPE' tidak ada dalam katalog P2HAM.",
                "Criterion 'P2H-99-NOPE' is not in the P2HAM catalog.",
                {"criterion": "P2H-99-NOPE", "file": "foto.jpg"},
            ),
            id="form-criterion-unknown",
        ),
        pytest.param(
            None,
            None,
            "foto.jpg",
            "bukti/P2H-99-NOPE",
            BindingProblem(
                "unknown_criterion",
                "Kriteria 'P2H-99-NOPE' tidak ada dalam katalog.",
                "Criterion 'P2H-99-NOPE' is not in the catalog.",
                {"criterion": "P2H-99-NOPE", "file": "foto.jpg"},
            ),
            id="folder-written-like-an-unknown-id",
        ),
        pytest.param(
            None,
            None,
            "1671_KKPHAM_2025_KKP-05-S01_PERDA_01.pdf",
            None,
            BindingProblem(
                "unknown_criterion",
                "Kriteria 'KKP-05-S01' tidak ada dalam katalog P2HAM.",
                "Criterion 'KKP-05-S01' is not in the P2HAM catalog.",
                {"criterion": "KKP-05-S01", "file": "1671_KKPHAM_2025_KKP-05-S01_PERDA_01.pdf"},
            ),
            id="name-of-another-programme",
        ),
        pytest.param(
            None,
            "prayer_photo",
            "foto.jpg",
            None,
            BindingProblem(
                "unknown_kind",
                "Jenis bukti 'prayer_photo' tidak dikenal.",
                "Unknown evidence kind 'prayer_photo'.",
                {"known": None},  # filled below: every kind of the catalog
            ),
            id="unknown-kind-before-anything-else",
        ),
        pytest.param(
            "P2H-02-LAKTASI",
            "sk_decree_pdf",
            LAKTASI_PHOTO,
            None,
            BindingProblem(
                "kind_not_for_criterion",
                "Jenis bukti 'sk_decree_pdf' tidak diminta oleh kriteria P2H-02-LAKTASI.",
                "Evidence kind 'sk_decree_pdf' is not asked for by criterion P2H-02-LAKTASI.",
                {"criterion": "P2H-02-LAKTASI", "kind": "sk_decree_pdf"},
            ),
            id="declared-kind-not-for-the-criterion",
        ),
    ],
)
def test_a_file_that_cannot_be_bound_says_why_in_both_languages(
    p2ham: Catalog,
    catalogs: CatalogSet,
    criterion: str | None,
    kind: str | None,
    name: str,
    folder: str | None,
    expected: BindingProblem,
) -> None:
    if expected.details == {"known": None}:
        expected.details["known"] = sorted(p2ham.evidence_kinds)
    bound = bind_file(
        p2ham, catalogs.naming, criterion=criterion, kind=kind, name=name, folder=folder
    )
    assert bound == expected
