"""Messages of the photo checks: decoding, resolution, capture date, duplicates."""

from __future__ import annotations

# code: (Bahasa Indonesia, English). Placeholders are filled from the finding's parameters.
PHOTOS: dict[str, tuple[str, str]] = {
    # images
    "image-ok": (
        "Foto dapat dibuka ({width}×{height} piksel).",
        "The photo opens ({width}×{height} px).",
    ),
    "image-broken": (
        "Foto rusak atau bukan gambar yang dapat dibuka.",
        "The photo is damaged or not a readable image ({detail}).",
    ),
    "image-appended-file": (
        "Setelah akhir foto JPEG ini terdapat berkas lain ({appended}); berkas seperti ini "
        "dapat dibuka sebagai dua hal berbeda, sehingga perlu diperiksa petugas.",
        "Another file ({appended}) follows the end of this JPEG photo; such a file opens as "
        "two different things, so a person must look at it.",
    ),
    "image-too-many-pixels": (
        "Gambar terlalu besar; kecilkan resolusinya.",
        "The image is too large ({detail}); reduce its resolution.",
    ),
    "not-an-image": ("Berkas bukan gambar.", "The file is not an image."),
    "image-resolution-ok": (
        "Resolusi foto cukup (sisi terpendek {short_side} px).",
        "The photo's resolution is sufficient (shorter side {short_side} px).",
    ),
    "image-resolution-low": (
        "Resolusi foto rendah (sisi terpendek {short_side} px, disarankan minimal {warn_below} "
        "px). Verifikator akan memeriksa apakah fasilitas terlihat jelas.",
        "The photo's resolution is low (shorter side {short_side} px, {warn_below} px advised). "
        "A verifier will look whether the facility can be seen.",
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
    "photo-unique": (
        "Foto ini tidak mirip foto lain yang sudah diunggah.",
        "This photo does not look like any other photo already uploaded.",
    ),
    "photo-near-duplicate": (
        "Foto ini sangat mirip dengan foto dari {other_unit} untuk {other_criterion} "
        "periode {other_period} (diunggah {other_date}). Verifikator akan memeriksa apakah "
        "foto yang sama dipakai ulang.",
        "This photo looks like a photo from {other_unit} for {other_criterion}, period "
        "{other_period} (uploaded {other_date}). A verifier will check whether the same photo "
        "was re-used.",
    ),
    "photo-exact-duplicate": (
        "Berkas foto yang sama persis sudah diunggah oleh {other_unit} untuk {other_criterion} "
        "periode {other_period} (diunggah {other_date}). Verifikator akan memeriksanya.",
        "The very same photo file was uploaded by {other_unit} for {other_criterion}, period "
        "{other_period} (uploaded {other_date}). A verifier will look at it.",
    ),
}
