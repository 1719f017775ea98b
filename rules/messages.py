"""Every reason code with what it tells the uploader, in Bahasa Indonesia and English."""

from __future__ import annotations

import string
from typing import Any

# code: (Bahasa Indonesia, English). Placeholders are filled from the finding's parameters.
MESSAGES: dict[str, tuple[str, str]] = {
    # generic
    "ok": ("Pemeriksaan lulus.", "Check passed."),
    "not-applicable": (
        "Pemeriksaan tidak berlaku untuk berkas ini.",
        "This check does not apply to this file.",
    ),
    # file type
    "mime-allowed": (
        "Jenis berkas {detected} sesuai untuk {kind}.",
        "File type {detected} is accepted for {kind}.",
    ),
    "mime-not-allowed": (
        "Isi berkas terdeteksi sebagai {detected}, padahal untuk {kind} hanya diterima: {allowed}. "
        "Unggah ulang dalam format yang benar.",
        "The file's content is {detected}, but {kind} accepts only: {allowed}. "
        "Upload it again in the right format.",
    ),
    "extension-mismatch": (
        "Ekstensi nama berkas (.{extension}) tidak sesuai dengan isinya ({detected}). "
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
        "jenis yang diminta: {expected}. Sebutkan jenis bukti (kolom 'kind') atau gunakan "
        "kode jenis pada nama berkas.",
        "The evidence kind of this file could not be determined for criterion {criterion}; "
        "expected kinds: {expected}. Name the kind (field 'kind') or use a kind code in the "
        "file name.",
    ),
    "kind-not-for-criterion": (
        "Jenis bukti {kind} tidak diminta untuk kriteria {criterion}; yang diminta: {expected}.",
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
    # PDF
    "pdf-ok": ("PDF dapat dibuka ({pages} halaman).", "The PDF opens ({pages} pages)."),
    "pdf-broken": (
        "PDF rusak dan tidak dapat dibuka ({detail}). Simpan ulang atau pindai ulang dokumen.",
        "The PDF is damaged and cannot be opened ({detail}). Save or scan it again.",
    ),
    "pdf-encrypted": (
        "PDF dilindungi kata sandi/terenkripsi. Unggah versi tanpa kata sandi.",
        "The PDF is password-protected/encrypted. Upload a version without a password.",
    ),
    "pdf-no-pages": ("PDF tidak memiliki halaman.", "The PDF has no pages."),
    "pdf-too-many-pages": (
        "PDF memiliki {pages} halaman, melebihi batas {max_pages}.",
        "The PDF has {pages} pages, over the limit of {max_pages}.",
    ),
    "pdf-too-few-pages": (
        "PDF hanya memiliki {pages} halaman; minimal {min_pages}.",
        "The PDF has only {pages} pages; at least {min_pages} expected.",
    ),
    "pdf-text-ok": (
        "PDF memiliki lapisan teks ({chars} karakter).",
        "The PDF has a text layer ({chars} characters).",
    ),
    "pdf-no-text": (
        "PDF tidak memiliki lapisan teks (hasil pindai); isi harus diperiksa petugas.",
        "The PDF has no text layer (a scan); a person must check its content.",
    ),
    "pdf-risky-content": (
        "PDF berisi {features}; berkas seperti ini perlu diperiksa petugas.",
        "The PDF contains {features}; such a file needs a person's check.",
    ),
    "not-a-pdf": ("Berkas bukan PDF.", "The file is not a PDF."),
    # decree (DOMAIN.md §5)
    "decree-ok": (
        "Struktur SK lengkap (skor tambahan {soft_score}/{soft_total}).",
        "The decree structure is complete (extra score {soft_score}/{soft_total}).",
    ),
    "decree-soft-markers-few": (
        "Struktur SK lengkap, tetapi hanya {soft_score} dari {soft_total} ciri pendukung "
        "ditemukan (minimal {min_soft}); petugas perlu memeriksa keaslian SK.",
        "The decree structure is complete, but only {soft_score} of {soft_total} supporting "
        "features were found (at least {min_soft}); a person must check the decree.",
    ),
    "decree-markers-missing": (
        "Struktur SK tidak lengkap: tidak ditemukan {missing}. Pastikan berkas adalah SK yang "
        "lengkap (KEPUTUSAN, NOMOR, TENTANG, Menimbang, Mengingat, MEMUTUSKAN, Menetapkan, "
        "diktum KESATU, Ditetapkan di, pada tanggal).",
        "The decree structure is incomplete: {missing} not found. Make sure the file is the "
        "full decree (KEPUTUSAN, NOMOR, TENTANG, Menimbang, Mengingat, MEMUTUSKAN, Menetapkan, "
        "KESATU, Ditetapkan di, pada tanggal).",
    ),
    "decree-no-text": (
        "Struktur SK tidak dapat diperiksa karena PDF tidak memiliki teks.",
        "The decree structure cannot be checked because the PDF has no text.",
    ),
    "decree-date-ok": (
        "Tanggal penetapan {date} berada dalam periode.",
        "The decree date {date} is inside the period.",
    ),
    "decree-date-missing": (
        "Tanggal penetapan ('pada tanggal …') tidak ditemukan atau tidak terbaca.",
        "The decree date ('pada tanggal …') was not found or could not be read.",
    ),
    "decree-date-outside-period": (
        "Tanggal penetapan {date} di luar rentang periode ({window_start} s.d. {window_end}); "
        "petugas perlu memeriksa apakah SK masih berlaku.",
        "The decree date {date} is outside the period window ({window_start} to {window_end}); "
        "a person must check that the decree still applies.",
    ),
    # regional legal products (Perda, Perbup/Perwali, Keputusan Bupati/Wali Kota)
    "regulation-ok": (
        "Struktur produk hukum daerah lengkap ({title}).",
        "The regional legal product's structure is complete ({title}).",
    ),
    "regulation-markers-missing": (
        "Struktur produk hukum daerah tidak lengkap: tidak ditemukan {missing}. Unggah naskah "
        "lengkap Perda/Perbup/Perwali/Keputusan (judul, NOMOR, TENTANG, batang tubuh BAB/Pasal "
        "atau diktum KESATU), bukan kutipan atau dokumen lain yang hanya menyebutnya.",
        "The regional legal product's structure is incomplete: {missing} not found. Upload the "
        "full text of the Perda/Perbup/Perwali/Keputusan (title, NOMOR, TENTANG, body with "
        "BAB/Pasal or diktum KESATU), not an excerpt or another document that only cites it.",
    ),
    "regulation-title-not-at-start": (
        "Judul {title} tidak ditemukan di awal dokumen (dalam {within} karakter pertama); "
        "dokumen mungkin hanya mengutip produk hukum tersebut. Petugas akan memeriksa; "
        "sebaiknya unggah naskah produk hukumnya sendiri.",
        "The title {title} is not at the start of the document (within the first {within} "
        "characters); the document may only cite that legal product. A person will check; "
        "better upload the legal product's own text.",
    ),
    "regulation-no-text": (
        "Struktur produk hukum daerah tidak dapat diperiksa karena PDF tidak memiliki teks.",
        "The legal product's structure cannot be checked because the PDF has no text.",
    ),
    # letters (surat dinas)
    "letter-ok": (
        "Susunan surat dinas lengkap (Nomor, Sifat, Lampiran, Hal, Yth.).",
        "The official letter's layout is complete (Nomor, Sifat, Lampiran, Hal, Yth.).",
    ),
    "letter-parts-missing": (
        "Surat tidak memuat bagian surat dinas: {missing}. Unggah surat resmi yang lengkap "
        "(bernomor dan ditujukan kepada 'Yth. …'), bukan konsep atau lampirannya saja.",
        "The letter lacks parts of an official letter: {missing}. Upload the complete official "
        "letter (numbered and addressed 'Yth. …'), not a draft or only its attachment.",
    ),
    "letter-parts-unusual": (
        "Surat tidak memuat {missing}; petugas akan memeriksa apakah bentuk surat ini dapat "
        "diterima.",
        "The letter does not show {missing}; a person will check whether this form of letter "
        "is acceptable.",
    ),
    "letter-no-text": (
        "Susunan surat tidak dapat diperiksa karena PDF tidak memiliki teks.",
        "The letter's layout cannot be checked because the PDF has no text.",
    ),
    # signature block
    "signature-found": (
        "Tanda pengesahan ditemukan ({found}).",
        "Signs of signing were found ({found}).",
    ),
    "signature-not-found": (
        "Tidak ditemukan NIP penanda tangan, keterangan tanda tangan elektronik, atau 'ttd'/cap "
        "di akhir teks yang terbaca ({pages_read} dari {pages} halaman). Pastikan dokumen "
        "sudah ditandatangani dan dicap pejabat yang berwenang.",
        "No signer's NIP, electronic-signature note, or 'ttd'/seal was found at the end of the "
        "text read ({pages_read} of {pages} pages). Make sure the document is signed and "
        "stamped by the competent official.",
    ),
    "signature-no-text": (
        "Tanda tangan tidak dapat diperiksa karena PDF tidak memiliki teks.",
        "The signature cannot be checked because the PDF has no text.",
    ),
    # keywords
    "keywords-ok": ("Kata kunci yang diminta ditemukan.", "The required keywords were found."),
    "keywords-missing": (
        "Isi dokumen tidak memuat kata kunci yang diminta: {missing}. Pastikan dokumen sesuai "
        "kriteria {criterion}.",
        "The document does not contain the required keywords: {missing}. Make sure it matches "
        "criterion {criterion}.",
    ),
    "keywords-no-text": (
        "Kata kunci tidak dapat diperiksa karena dokumen tidak memiliki teks.",
        "Keywords cannot be checked because the document has no text.",
    ),
    # images
    "image-ok": (
        "Foto dapat dibuka ({width}×{height} piksel).",
        "The photo opens ({width}×{height} px).",
    ),
    "image-broken": (
        "Foto rusak atau bukan gambar yang dapat dibuka ({detail}).",
        "The photo is damaged or not a readable image ({detail}).",
    ),
    "image-appended-file": (
        "Setelah akhir foto JPEG ini terdapat berkas lain ({appended}); berkas seperti ini "
        "dapat dibuka sebagai dua hal berbeda, sehingga perlu diperiksa petugas.",
        "Another file ({appended}) follows the end of this JPEG photo; such a file opens as "
        "two different things, so a person must look at it.",
    ),
    "image-too-many-pixels": (
        "Gambar terlalu besar ({detail}); kecilkan resolusinya.",
        "The image is too large ({detail}); reduce its resolution.",
    ),
    "not-an-image": ("Berkas bukan gambar.", "The file is not an image."),
    "image-resolution-ok": (
        "Resolusi foto cukup (sisi terpendek {short_side} px).",
        "The photo's resolution is sufficient (shorter side {short_side} px).",
    ),
    "image-resolution-low": (
        "Resolusi foto rendah (sisi terpendek {short_side} px, disarankan ≥ {warn_below} px).",
        "The photo's resolution is low (shorter side {short_side} px, {warn_below} px advised).",
    ),
    "image-resolution-too-low": (
        "Resolusi foto terlalu rendah (sisi terpendek {short_side} px, minimal {min_side} px). "
        "Unggah foto asli dari kamera.",
        "The photo's resolution is too low (shorter side {short_side} px, at least {min_side} "
        "px). Upload the original photo from the camera.",
    ),
    "exif-date-ok": (
        "Tanggal pengambilan foto {date} berada dalam periode.",
        "The photo was taken on {date}, inside the period.",
    ),
    "exif-date-missing": (
        "Foto tidak memuat tanggal pengambilan (EXIF); tanggal tidak dapat dicocokkan.",
        "The photo carries no capture date (EXIF); its date cannot be matched.",
    ),
    "exif-date-outside-period": (
        "Foto diambil pada {date}, di luar periode ({window_start} s.d. {window_end}).",
        "The photo was taken on {date}, outside the period ({window_start} to {window_end}).",
    ),
    "duplicate-none": ("Tidak ada berkas kembar.", "No duplicate file."),
    "duplicate-in-submission": (
        "Berkas yang sama persis sudah diunggah untuk {other_criteria} pada pengajuan ini.",
        "The exact same file was already uploaded for {other_criteria} in this submission.",
    ),
    # system (never "failed": DESIGN.md)
    "object-missing": (
        "Berkas tidak ditemukan di penyimpanan ({detail}); unggah ulang.",
        "The file is missing from storage ({detail}); upload it again.",
    ),
    "object-changed": (
        "Isi berkas di penyimpanan tidak sama dengan yang diterima (ukuran atau SHA-256 "
        "berbeda), sehingga tidak diperiksa. Unggah ulang berkas yang benar.",
        "The stored bytes differ from what was received (size or SHA-256), so the file was "
        "not checked. Upload the right file again.",
    ),
    "attempts-exhausted": (
        "Sistem tidak dapat memeriksa berkas setelah {attempts} percobaan ({detail}). "
        "Berkas tersimpan dan akan diperiksa ulang.",
        "The system could not check the file after {attempts} attempts ({detail}). "
        "The file is stored and will be checked again.",
    ),
}


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


def render(code: str, **params: Any) -> tuple[str, str]:
    """The (Bahasa Indonesia, English) message of a reason code, filled with its parameters."""
    try:
        template_id, template_en = MESSAGES[code]
    except KeyError as exc:
        raise KeyError(f"reason code {code!r} has no message") from exc
    return _FORMATTER.format(template_id, **params), _FORMATTER.format(template_en, **params)
