"""Messages of file-level findings: generic outcomes, type, size, naming, criteria, system."""

from __future__ import annotations

# code: (Bahasa Indonesia, English). Placeholders are filled from the finding's parameters.
FILES: dict[str, tuple[str, str]] = {
    # generic
    "ok": ("Pemeriksaan lulus.", "Check passed."),
    "not-applicable": (
        "Pemeriksaan tidak berlaku untuk berkas ini.",
        "This check does not apply to this file.",
    ),
    # file type
    "mime-allowed": (
        "Jenis berkas ({detected_name}) sesuai untuk {kind_name}.",
        "File type {detected} is accepted for {kind}.",
    ),
    "mime-not-allowed": (
        "Isi berkas terdeteksi sebagai {detected_name}, padahal untuk {kind_name} hanya diterima: "
        "{allowed_names}. "
        "Unggah ulang dalam format yang benar.",
        "The file's content is {detected}, but {kind} accepts only: {allowed}. "
        "Upload it again in the right format.",
    ),
    "extension-mismatch": (
        "Ekstensi nama berkas (.{extension}) tidak sesuai dengan isinya ({detected_name}). "
        "Jangan mengganti ekstensi berkas; simpan ulang dalam format yang benar.",
        "The file name's extension (.{extension}) does not match its content ({detected}). "
        "Do not rename the extension; save the file again in the right format.",
    ),
    "extension-not-allowed": (
        "Ekstensi .{extension} tidak diterima; yang diterima: {allowed}.",
        "Extension .{extension} is not accepted; accepted: {allowed}.",
    ),
    "kind-unknown": (
        "Jenis bukti untuk berkas ini tidak dapat ditentukan untuk kriteria {criterion}; "
        "jenis yang diminta: {expected_names}. Sebutkan jenis bukti (kolom 'kind') atau gunakan "
        "kode jenis pada nama berkas.",
        "The evidence kind of this file could not be determined for criterion {criterion}; "
        "expected kinds: {expected}. Name the kind (field 'kind') or use a kind code in the "
        "file name.",
    ),
    "kind-not-for-criterion": (
        "Jenis bukti {kind} tidak diminta untuk kriteria {criterion}; yang diminta: "
        "{expected_names}.",
        "Evidence kind {kind} is not asked for by criterion {criterion}; expected: {expected}.",
    ),
    # size
    "size-ok": (
        "Ukuran berkas {size_mb:g} MB sesuai.",
        "File size {size_mb:g} MB is within limits.",
    ),
    "size-empty": (
        "Berkas kosong (0 byte). Unggah ulang berkas yang benar.",
        "The file is empty (0 bytes). Upload the right file again.",
    ),
    "size-over-limit": (
        "Ukuran berkas {size_mb:g} MB melebihi batas {max_mb:g} MB. "
        "Perkecil berkas lalu unggah ulang.",
        "The file is {size_mb:g} MB, over the {max_mb:g} MB limit. "
        "Make it smaller and upload again.",
    ),
    "size-over-upstream": (
        "Ukuran berkas {size_mb:g} MB melebihi {warn_mb:g} MB; aplikasi pusat kemungkinan "
        "menolaknya. Sebaiknya dikompres.",
        "The file is {size_mb:g} MB, over {warn_mb:g} MB; the central application will likely "
        "refuse it. Consider compressing it.",
    ),
    # naming convention (DOMAIN.md §7)
    "name-ok": ("Nama berkas sesuai konvensi.", "The file name follows the convention."),
    "name-not-canonical": (
        "Nama berkas tidak mengikuti konvensi {pattern} ({problem}).",
        "The file name does not follow the convention {pattern} ({problem_en}).",
    ),
    "name-token-mismatch": (
        "Bagian '{token}' pada nama berkas bernilai '{found}', padahal unggahan ini untuk "
        "'{expected}'. Periksa apakah berkas salah tempat.",
        "The file name's '{token}' is '{found}', but this upload is for '{expected}'. "
        "Check whether the file is in the wrong place.",
    ),
    # the same file in another unit (rules/checks/reuse.py)
    "file-unique": (
        "Tidak ada unit lain di wilayah ini yang mengunggah berkas yang sama persis.",
        "No other unit of the region uploaded the very same file.",
    ),
    "file-from-other-unit": (
        "Berkas yang sama persis sudah diunggah oleh {other_unit} untuk {other_criterion} "
        "periode {other_period} pada {other_date}. Verifikator akan "
        "memeriksanya.",
        "The very same file was uploaded by {other_unit} for {other_criterion}, period "
        "{other_period}, on {other_date}. A verifier will look at it.",
    ),
    "file-shared-with-other-unit": (
        "Berkas yang sama persis juga diunggah oleh {other_unit} untuk {other_criterion} "
        "periode {other_period} pada {other_date}. Untuk berkas bersama "
        "seperti ini hal itu wajar; ini catatan bagi verifikator.",
        "The very same file was also uploaded by {other_unit} for {other_criterion}, period "
        "{other_period}, on {other_date}. For a shared file like this one that is expected; a note "
        "for the verifier.",
    ),
    "text-from-other-unit": (
        "Isi teks berkas ini sama dengan isi teks dokumen yang diunggah oleh {other_unit} untuk "
        "{other_criterion} periode {other_period} pada {other_date}, meskipun berkasnya tidak "
        "sama persis (misalnya disimpan atau dicetak ulang ke PDF). Verifikator akan "
        "memeriksanya.",
        "This file's text is the same as that of a document uploaded by {other_unit} for "
        "{other_criterion}, period {other_period}, on {other_date}, though the files are not "
        "identical (saved or printed to PDF again, for instance). A verifier will look at it.",
    ),
    "text-shared-with-other-unit": (
        "Isi teks berkas ini sama dengan isi teks dokumen yang juga diunggah oleh {other_unit} "
        "untuk {other_criterion} periode {other_period} pada {other_date}. Untuk berkas "
        "bersama seperti ini hal itu wajar; ini catatan bagi verifikator.",
        "This file's text is the same as that of a document also uploaded by {other_unit} for "
        "{other_criterion}, period {other_period}, on {other_date}. For a shared file like this "
        "one that is expected; a note for the verifier.",
    ),
    # system (never "failed": DESIGN.md)
    "object-missing": (
        "Berkas tidak ditemukan di penyimpanan; unggah ulang.",
        "The file is missing from storage ({detail}); upload it again.",
    ),
    "object-changed": (
        "Isi berkas di penyimpanan tidak sama dengan yang diterima (ukuran atau SHA-256 "
        "berbeda), sehingga tidak diperiksa. Unggah ulang berkas yang benar.",
        "The stored bytes differ from what was received (size or SHA-256), so the file was "
        "not checked. Upload the right file again.",
    ),
    "attempts-exhausted": (
        "Sistem tidak dapat memeriksa berkas setelah {attempts} percobaan. "
        "Berkas tersimpan dan akan diperiksa ulang.",
        "The system could not check the file after {attempts} attempts ({detail}). "
        "The file is stored and will be checked again.",
    ),
    # criteria (completeness reasons; "kind-unknown" above serves both)
    "unit-kind-not-applicable": (
        "Kriteria ini tidak berlaku untuk jenis unit ini.",
        "This criterion does not apply to this kind of unit.",
    ),
    "documents-need-review": (
        "Jumlah berkas cukup, tetapi sebagian masih perlu diperiksa petugas.",
        "Enough files were handed in, but some still need a person's check.",
    ),
}
