"""Messages of the content checks on PDFs: pages, text, decrees, legal products, letters."""

from __future__ import annotations

# code: (Bahasa Indonesia, English). Placeholders are filled from the finding's parameters.
DOCUMENTS: dict[str, tuple[str, str]] = {
    # PDF
    "pdf-ok": ("PDF dapat dibuka ({pages} halaman).", "The PDF opens ({pages} pages)."),
    "pdf-broken": (
        "PDF rusak dan tidak dapat dibuka. Simpan ulang atau pindai ulang dokumen.",
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
}
