"""The verifier's day in the pages, in-process: the queue per submission, a submission page that
tells the truth and points at what needs attention, bulk acceptance after a confirmation, an
admin's "Ganti berkas", the matrix's grey "Belum mengunggah" and the Kemajuan counts."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from infra.keys import Role
from tests.support.accounts import csrf_of
from tests.support.factories import photo_jpeg
from tests.support.pages import fresh_client, sign_in
from tests.support.workspace import Workspace

LAKTASI, TOILET, PARKIR = "P2H-02-LAKTASI", "P2H-02-TOILET", "P2H-01-PARKIR"
# The verifier's day, not signing in, is what this file is about: its verifier and admin sign in
# with keys (ABSAH_UI_KEY_SIGNIN on); people's sign-in is tests/integration/test_accounts_pages.py.
pytestmark = pytest.mark.parametrize(
    "ws_overrides", [pytest.param({"ui_key_signin": True}, id="key-signin-on")]
)


def signed_in(ws: Workspace, role: Role = Role.VERIFIER) -> tuple[TestClient, str]:
    client = fresh_client(ws)
    headers = ws.verifier if role is Role.VERIFIER else ws.admin
    return client, sign_in(client, headers)


def page_of(ws: Workspace, unit: str) -> str:
    return f"/ui/pengajuan/P2HAM/2025/{unit}"


@pytest.fixture
def unit(ws: Workspace) -> str:
    unit = ws.unit(name="Kota Uji Gamma")
    ws.upload(unit, LAKTASI, ["passed", "passed"])
    ws.upload(unit, PARKIR, ["passed", "passed", "failed"])  # LENGKAP, with a refused file
    named = ws.upload(unit, TOILET, ["passed", "passed"])
    for doc in named:
        ws.add_finding(doc, "warn", "name-not-canonical", "Nama berkas tidak mengikuti pola baku.")
    return unit


def test_the_queue_page_has_one_row_per_submission_and_links_to_what_needs_attention(
    ws: Workspace, unit: str
) -> None:
    client, _ = signed_in(ws)
    html = client.get("/ui/antrean", params={"q": "gamma"}).text
    rows = re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", html, re.S)
    assert len(rows) == 1
    assert f'href="{page_of(ws, unit)}#k-{PARKIR}"' in rows[0]
    assert "1 berkas ditolak sistem" in rows[0]
    assert "0 dari" in rows[0]
    assert "diputuskan" in rows[0]
    assert "Tidak ada pengajuan" in client.get("/ui/antrean", params={"q": "zzzz"}).text


def test_the_submission_page_tells_the_truth_and_points_at_what_needs_attention(
    ws: Workspace, unit: str
) -> None:
    client, _ = signed_in(ws)
    html = client.get(page_of(ws, unit)).text
    summary = html[html.index('id="ringkasan"') : html.index('<section class="criterion')]
    parkir_row = next(r for r in summary.split("<tr>") if f"#k-{PARKIR}" in r)
    assert "LENGKAP" in parkir_row
    assert "1 ditolak" in parkir_row
    assert f'href="#k-{PARKIR}">Mulai dari {PARKIR}' in html
    # the file-name warning is said once for the submission, not on each card
    assert html.count("Nama berkas tidak mengikuti pola baku.") == 0
    assert "2 berkas tidak memakai nama baku" in html


def test_a_superseded_file_is_folded_away_with_its_history(ws: Workspace, unit: str) -> None:
    old = ws.upload(unit, TOILET, ["failed"])[0]
    ws.set_status([old], "superseded", unit)
    client, _ = signed_in(ws)
    html = client.get(page_of(ws, unit)).text
    toilet = html[html.index(f'id="k-{TOILET}"') :]
    toilet = toilet[: toilet.index("</section>")]
    assert "1 berkas lama (digantikan)" in toilet
    live, history = toilet.split('<details class="history">')
    assert "Digantikan" in history  # the old file, its status and findings, folded away
    assert "Digantikan" not in live


def test_bulk_acceptance_is_confirmed_then_recorded_one_decision_each(
    ws: Workspace, unit: str
) -> None:
    client, _ = signed_in(ws)
    html = client.get(page_of(ws, unit)).text
    assert "Tinjau dan terima sekaligus" in html
    confirm = client.get(page_of(ws, unit) + "/terima-lengkap")
    assert confirm.status_code == 200
    listed = re.findall(r'name="kriteria" value="([^"]+)"', confirm.text)
    assert {LAKTASI, TOILET} <= set(listed)
    assert PARKIR not in listed
    done = client.post(
        page_of(ws, unit) + "/terima-lengkap",
        data={"csrf": csrf_of(confirm.text), "kriteria": listed},
    )
    assert f"{len(listed)} kriteria diterima (Memenuhi)" in done.text
    decisions = ws.client.get(ws.path(unit, "/decisions"), headers=ws.verifier).json()
    assert sorted(d["criterion"] for d in decisions) == sorted(listed)


def test_an_admin_replaces_a_file_from_the_page_and_a_verifier_may_not(
    ws: Workspace, unit: str
) -> None:
    refused = ws.upload(unit, LAKTASI, ["failed"])[0]
    verifier, _ = signed_in(ws)
    assert "Ganti berkas" not in verifier.get(page_of(ws, unit)).text
    admin, token = signed_in(ws, Role.ADMIN)
    html = admin.get(page_of(ws, unit)).text
    assert f'action="{page_of(ws, unit)}/ganti/{refused}"' in html
    done = admin.post(
        f"{page_of(ws, unit)}/ganti/{refused}",
        data={"csrf": token},
        files={"file": ("ganti.jpg", photo_jpeg(seed=9), "image/jpeg")},
    )
    assert "Berkas diganti dengan ganti.jpg" in done.text
    doc = ws.client.get(f"/v1/documents/{refused}", headers=ws.admin).json()
    assert doc["status"] == "superseded"
    forbidden = verifier.post(
        f"{page_of(ws, unit)}/ganti/{doc['superseded_by']}",
        files={"file": ("x.jpg", photo_jpeg(seed=10), "image/jpeg")},
    )
    assert forbidden.status_code == 403


def test_the_matrix_greys_units_that_have_not_uploaded_and_names_its_criteria(
    ws: Workspace, unit: str
) -> None:
    ws.unit(name="Kota Uji Sunyi")
    client, _ = signed_in(ws)
    html = client.get("/ui/matriks", params={"programme": "P2HAM", "period": "2025"}).text
    quiet = html[html.index("Kota Uji Sunyi") :]
    quiet = quiet[: quiet.index("</tr>")]
    assert 'class="cell s-none"' in quiet
    assert "BELUM LENGKAP" not in quiet
    assert "Ruang laktasi/menyusui" in html[html.index('<table class="matrix">') :]


def test_the_progress_page_gives_the_counts_the_kanwil_reports_upward(
    ws: Workspace, unit: str
) -> None:
    ws.unit(name="Kota Uji Sunyi")
    ws.unit(kind="kabupaten", name="Kabupaten Uji Sepi")
    ws.unit(kind="lapas", name="Lapas Uji")
    client, _ = signed_in(ws)
    html = client.get("/ui/kemajuan", params={"programme": "P2HAM", "period": "2025"}).text
    lines = [
        " ".join(re.sub(r"<[^>]+>", " ", li).split())
        for li in re.findall(r'<li class="report-line">(.*?)</li>', html)
    ]
    assert "1 dari 3 kab/kota sudah mengunggah" in lines
    assert "0 dari 1 UPT sudah mengunggah" in lines
    assert "0 dari 3 kab/kota Siap diunggah" in lines
    chart = html.split("<svg", 1)[1].split("</svg>")[0]
    assert "http" not in chart  # drawn by the server: nothing loaded from outside absah


def test_the_printed_report_names_the_verifier_and_the_deciders(ws: Workspace, unit: str) -> None:
    assert ws.decide(unit, LAKTASI, decision="accepted").status_code == 201
    client, _ = signed_in(ws)
    report = client.get(page_of(ws, unit) + "/laporan").text
    assert '<p class="verifier">(Verifikator Satu)' in report
    assert "Keputusan dibuat oleh: Verifikator Satu." in report


def test_another_region_finds_neither_the_confirmation_nor_the_dashboard_rows(
    ws: Workspace, unit: str
) -> None:
    other, _ = ws.elsewhere()
    client = fresh_client(ws)
    token = sign_in(client, other)
    assert client.get(page_of(ws, unit) + "/terima-lengkap").status_code == 404
    refused = client.post(
        page_of(ws, unit) + "/terima-lengkap", data={"csrf": token, "kriteria": [LAKTASI]}
    )
    assert refused.status_code == 404
    html = client.get("/ui/kemajuan", params={"programme": "P2HAM", "period": "2025"}).text
    assert unit not in html
    assert "Kota Uji Gamma" not in html
    answer = ws.client.get(ws.path(unit, "/decisions"), headers=ws.verifier).json()
    assert answer == []
