"""Messages of scans (OCR), electronic signatures, the issuing unit and restricted PDFs."""

from __future__ import annotations

# code: (Bahasa Indonesia, English). Users read the Indonesian one: plain words, no jargon.
SCANS: dict[str, tuple[str, str]] = {
    # OCR of scanned pages
    "pdf-text-ocr": (
        "Dokumen hasil pindai: tulisan halaman {pages} dibaca mesin (OCR), tingkat keyakinan "
        "rata-rata {confidence}%. Pemeriksaan berikut memakai tulisan hasil baca itu.",
        "A scanned document: the text of page(s) {pages} was read by OCR, mean word "
        "confidence {confidence}%. The checks below use that text.",
    ),
    "pdf-ocr-low-confidence": (
        "Dokumen hasil pindai: tulisan halaman {pages} dibaca mesin (OCR), tetapi tingkat "
        "keyakinannya rendah ({confidence}%, di bawah {min_confidence}%). Petugas akan "
        "memeriksa; pindaian yang lebih jelas mempercepat pemeriksaan.",
        "A scanned document: page(s) {pages} were read by OCR with low confidence "
        "({confidence}%, below {min_confidence}%). A person will check; a clearer scan helps.",
    ),
    "pdf-ocr-unreadable": (
        "Dokumen hasil pindai tidak terbaca OCR ({why}); petugas akan memeriksa isinya. "
        "Pindaian yang lebih jelas (tegak, tidak buram, minimal 200 dpi) dapat dibaca mesin.",
        "The scanned document could not be read by OCR ({why}); a person will check its "
        "content. A clearer scan (upright, sharp, at least 200 dpi) can be read by machine.",
    ),
    "pdf-ocr-unavailable": (
        "Dokumen hasil pindai, tetapi OCR tidak tersedia di server ini; petugas akan "
        "memeriksa isinya.",
        "A scanned document, but OCR is not available on this server; a person will check "
        "its content.",
    ),
    # restricted PDF (owner password only)
    "pdf-restricted": (
        "PDF dikunci dengan pembatasan (misalnya tidak boleh dicetak atau disalin). Isinya "
        "tetap terbaca dan diperiksa, tetapi petugas akan meninjaunya; sebaiknya unggah versi "
        "tanpa pembatasan.",
        "The PDF is restricted (an owner password forbids e.g. printing or copying). Its "
        "content was read and checked, but a person will review it; better upload a version "
        "without restrictions.",
    ),
    # electronic signatures (TTE)
    "esign-none": (
        "Tidak ada tanda tangan elektronik di dalam PDF.",
        "The PDF carries no electronic signature.",
    ),
    "esign-valid": (
        "Ditandatangani secara elektronik oleh {signer} pada {signed_at}; dokumen utuh sejak "
        "ditandatangani dan sertifikatnya terpercaya.",
        "Electronically signed by {signer} at {signed_at}; unchanged since signing, and the "
        "certificate is trusted.",
    ),
    "esign-intact-unverified": (
        "Ditandatangani secara elektronik oleh {signer} pada {signed_at}; dokumen utuh sejak "
        "ditandatangani. Sertifikat tidak diverifikasi ke akar terpercaya.",
        "Electronically signed by {signer} at {signed_at}; unchanged since signing. The "
        "certificate was not verified against a trusted root.",
    ),
    "esign-untrusted": (
        "Ditandatangani secara elektronik oleh {signer} pada {signed_at}, tetapi sertifikatnya "
        "bukan dari penerbit terpercaya; petugas akan memeriksa.",
        "Electronically signed by {signer} at {signed_at}, but the certificate does not come "
        "from a trusted issuer; a person will check.",
    ),
    "esign-modified": (
        "Dokumen diubah setelah ditandatangani secara elektronik oleh {signer} ({signed_at}); "
        "petugas akan memeriksa. Unggah berkas asli yang ditandatangani, tanpa perubahan.",
        "The document was changed after {signer} signed it electronically ({signed_at}); a "
        "person will check. Upload the signed original, unchanged.",
    ),
    "esign-invalid": (
        "Tanda tangan elektronik {signer} ({signed_at}) tidak sah ({detail}); petugas akan "
        "memeriksa.",
        "The electronic signature of {signer} ({signed_at}) does not verify ({detail}); a "
        "person will check.",
    ),
    # the issuing unit
    "decree-issuer-ok": (
        "Penerbit dokumen sesuai dengan unit pengaju ({issuer}).",
        "The issuer matches the submitting unit ({issuer}).",
    ),
    "decree-wrong-issuer": (
        "Dokumen ini diterbitkan oleh {issuer} ({other_unit}), bukan oleh {unit}. Unggah "
        "dokumen milik {unit} sendiri.",
        "This document was issued by {issuer} ({other_unit}), not by {unit}. Upload {unit}'s "
        "own document.",
    ),
    "decree-issuer-mixed": (
        "Kepala atau blok tanda tangan dokumen menyebut {issuer} dan juga {others}; petugas "
        "akan memeriksa siapa penerbitnya.",
        "The heading or signature block names {issuer} and also {others}; a person will check "
        "who issued it.",
    ),
    "decree-issuer-unknown": (
        "Penerbit dokumen tidak dikenali: kepala dan blok tanda tangan tidak menyebut "
        "{expected}. Petugas akan memeriksa.",
        "The issuer was not recognised: the heading and signature block do not name "
        "{expected}. A person will check.",
    ),
    "decree-issuer-unregistered": (
        "Nama penerbit untuk {unit} belum terdaftar, sehingga penerbit dokumen tidak dibandingkan.",
        "No issuer name is registered for {unit}, so the document's issuer was not compared.",
    ),
    "issuer-no-text": (
        "Penerbit dokumen tidak dapat diperiksa karena dokumen tidak memiliki teks.",
        "The issuer cannot be checked because the document has no text.",
    ),
}
