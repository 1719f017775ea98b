"""The printed summary of a run: one table per question, from the JSON summary."""

from __future__ import annotations

from typing import Any

from bench.report import BIG_MEMORY_TARGET_MB, RATIO_TARGET

RULE = "=" * 96


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _pair(figures: dict[str, float]) -> str:
    return f"{figures['mean']:7.1f} / {figures['p50']:6.1f}"


def _costs(c: dict[str, Any]) -> list[str]:
    p, d = c["photo"], c["pdf"]
    return [
        "",
        f"COST PER FILE   CPU ms of the checking process, mean / p50   photos ({p['files']})"
        f"       PDFs ({d['files']})",
        f"  floor: read bytes + SHA-256 + libmagic sniff               {_pair(p['floor_ms'])}"
        f"      {_pair(d['floor_ms'])}",
        f"  checks (check_path: extraction + rules)                    {_pair(p['check_ms'])}"
        f"      {_pair(d['check_ms'])}",
        f"  checks / floor                                             "
        f"{p['check_over_floor']:7.1f}x              {d['check_over_floor']:7.1f}x",
        f"  photo check, reduced decode (today: Image.draft)           {_pair(p['check_ms'])}",
        f"  photo check, full decode (img.load at full size, before)   "
        f"{_pair(p['full_decode_check_ms'])}",
        f"  full / reduced                                             "
        f"{p['full_over_reduced']:7.2f}x   (statuses that differ: "
        f"{p['status_differs_full_vs_reduced']})",
        _share(p["reduced_over_full"]),
        *_phone(c.get("phone")),
    ]


def _share(share: float) -> str:
    return (
        f"  reduced / full                                             {share:7.0%}"
        f"   (target ≤ 50 %: {_met(share <= 0.5)})"
    )


def _phone(f: dict[str, Any] | None) -> list[str]:
    if f is None:
        return ["  phone-size photos (12 MP)                                  skipped"]
    return [
        f"  phone-size photos ({f['files']:>3}, 12 MP), reduced decode"
        f"             {_pair(f['check_ms'])}",
        f"  phone-size photos, full decode                             "
        f"{_pair(f['full_decode_check_ms'])}",
        f"  full / reduced                                             "
        f"{f['full_over_reduced']:7.2f}x   (statuses that differ: "
        f"{f['status_differs_full_vs_reduced']})",
        _share(f["reduced_over_full"]),
    ]


def _stacks(s: dict[str, Any]) -> list[str]:
    i = s["in_process"]
    by_kind = ", ".join(f"{k} {v:.0f}" for k, v in i["cpu_ms_per_file_by_kind"].items())
    lines = [
        "",
        "THROUGHPUT   same corpus, same cores, one run          files/s   / in-process   "
        "CPU ms/file",
        f"  in-process ({i['processes']} processes, no services)"
        f"{'':<17}{i['files_per_s']:8.2f}   {'':12}   {i['cpu_ms_per_file']:6.0f}"
        f"  ({by_kind})",
    ]
    after = i.get("files_per_s_after_stacks")
    if after is not None:
        lines.append(
            f"  in-process again, after the stacks{'':<20}{after:8.2f}   (the stacks are "
            f"compared with the mean, {i['reference_files_per_s']:.2f})"
        )
    for key, label in (
        ("stack_sqlite", "stack, local folder + SQLite (embedded default)"),
        ("stack_local", "stack, local folder + PostgreSQL"),
        ("stack", "stack, S3 (moto) + PostgreSQL"),
    ):
        if key not in s:
            lines.append(f"  {label:<52} skipped")
            continue
        k = s[key]
        lines.append(
            f"  {label:<52}{k['files_per_s']:8.2f}   {k['ratio_to_in_process']:11.1%}   "
            f"{k['cpu_ms_per_file']['total']:6.0f}   (target {RATIO_TARGET:.0%}: "
            f"{_met(k['ratio_target_met'])})"
        )
    for key in ("stack_sqlite", "stack_local", "stack"):
        if key not in s:
            continue
        k = s[key]
        per = ", ".join(f"{n} {v:.0f}" for n, v in k["cpu_ms_per_file"].items() if n != "total")
        lines += [
            f"  {k['storage']}: database {k['database']}, {k['worker_processes']} worker process x "
            f"concurrency {k['worker_concurrency']}; {k['documents']} documents in "
            f"{k['seconds']:.1f} s; intake {k['intake_seconds']:.1f} s "
            f"({k['intake_mb_per_s']:.1f} MB/s), rejected {k['rejected_entries']}",
            f"      CPU ms/file per process: {per}",
            f"      latency created→final p50 {k['latency_created_to_final_s']['p50']:.2f} s "
            f"p95 {k['latency_created_to_final_s']['p95']:.2f} s; upload→final p50 "
            f"{k['latency_upload_start_to_final_s']['p50']:.2f} s p95 "
            f"{k['latency_upload_start_to_final_s']['p95']:.2f} s",
            "      peak memory "
            + ", ".join(f"{n} {mb:.0f} MB" for n, mb in k["peak_memory_mb"].items()),
            f"      statuses {k['statuses']}; differing from in-process "
            f"{k['status_mismatches_vs_in_process']}",
            *(f"      note: {note}" for note in k["notes"]),
        ]
    return lines


def _lat(f: dict[str, float]) -> str:
    return f"p50 {f['p50']:.2f} s p95 {f['p95']:.2f} s"


def _steady(t: dict[str, Any]) -> list[str]:
    kinds = "; ".join(f"{k} ({v['files']}) {_lat(v)}" for k, v in t["by_kind"].items())
    per = ", ".join(f"{n} {v:.0f}" for n, v in t["cpu_ms_per_file"].items())
    return [
        "",
        f"STEADY RATE   single-file multipart uploads for {t['seconds_asked']:.0f} s, "
        f"{t['storage']} + PostgreSQL, 1 worker x concurrency {t['worker_concurrency']}",
        f"  steady {t['rate_asked']:g} files/s: upload→final {_lat(t['upload_to_final_s'])}",
        f"  sent {t['sent']} at {t['rate_achieved']:.2f} files/s (upload starts late p95 "
        f"{t['upload_start_late_p95_s']:.2f} s); last final {t['drain_seconds']:.1f} s after "
        f"the last upload; max {t['upload_to_final_s']['max']:.1f} s",
        f"  {kinds}",
        f"  {t['units_uploading_at_once']} units at once, one upload in flight each (as units "
        f"send); 503s retried: {t['retried_503']}",
        f"  CPU ms/file: {per}",
    ]


def _scale(rows: list[dict[str, Any]]) -> list[str]:
    base = rows[0]["files_per_s"] or 1.0
    lines = [
        "",
        f"SCALE-OUT   {rows[0]['documents']} files in bundles, {rows[0]['storage']} + PostgreSQL",
        "  worker processes x concurrency   files/s   vs first   CPU ms/file   seconds",
    ]
    for r in rows:
        shape = f"{r['worker_processes']} x {r['concurrency_per_process']}"
        lines.append(
            f"  {shape:<32}{r['files_per_s']:8.2f}   {r['files_per_s'] / base:7.2f}x"
            f"   {r['cpu_ms_per_file']:11.0f}   {r['seconds']:7.1f}"
        )
    return lines


def photos_stuck(b: dict[str, Any]) -> str:
    """Whether the photos waited for OCR, judged from what was seen."""
    with_p95 = b["photos_with_backlog"]["upload_to_final_s"]["p95"]
    if b["ocr_queue_waiting_at_photo_start"] == 0:
        return "inconclusive: the OCR queue was empty when the photos started"
    if with_p95 >= 0.5 * b["ocr_seconds"]:
        return f"STUCK? photo p95 {with_p95:.1f} s is half the OCR backlog's time or more"
    left = b["scans_unfinished_when_photos_final"]
    return (
        f"not stuck: every photo final while {left} of {b['scans']} scans still waited for OCR"
        if left
        else "not stuck, but the backlog had drained before the last photo was final"
    )


def _backlog(b: dict[str, Any]) -> list[str]:
    a, w = b["photos_without_backlog"], b["photos_with_backlog"]
    samples = b["ocr_queue_waiting_samples"] or [0]
    return [
        "",
        f"OCR BACKLOG   checks worker x {b['checks_worker_concurrency']} + OCR worker x "
        f"{b['ocr_worker_concurrency']} (queues checks / ocr, as `absah run`); photos at "
        f"{b['photo_rate']:g}/s",
        f"  photos upload→final, no backlog        {_lat(a['upload_to_final_s'])}"
        f"  ({a['sent']} photos)",
        f"  photos upload→final, OCR backlog       {_lat(w['upload_to_final_s'])}"
        f"  ({w['sent']} photos)",
        f"  OCR queue waiting: {b['ocr_queue_waiting_at_photo_start']} at photo start, "
        f"{b['ocr_queue_waiting_at_photo_end']} when all photos were final (max "
        f"{max(samples)}); scans unfinished then {b['scans_unfinished_when_photos_final']}/"
        f"{b['scans']}",
        f"  OCR: {b['scans']} scans x {b['pages_per_scan']} pages final "
        f"{b['ocr_seconds']:.1f} s after the first upload → {b['ocr_seconds_per_page']:.2f} "
        f"s/page (1 OCR process, wall)",
        f"  photos behind OCR: {photos_stuck(b)}",
    ]


def _big(s: dict[str, Any]) -> list[str]:
    if "big_upload" not in s:
        return ["", "BIG UPLOAD   skipped"]
    b = s["big_upload"]
    return [
        "",
        f"BIG UPLOAD   {b['megabytes']:.0f} MB to {b['storage']} storage in {b['seconds']:.1f} s"
        f" ({b['mb_per_s']:.0f} MB/s)",
        f"  API VmHWM before {b['api_peak_before_mb']:.0f} MB, after "
        f"{b['api_peak_after_mb']:.0f} MB (sampled RSS max {b['api_rss_sampled_max_mb']:.0f} MB)"
        f"  (target < {BIG_MEMORY_TARGET_MB:.0f} MB: "
        f"{_met(s['targets']['big_upload_api_memory']['met'])})",
    ]


def render(s: dict[str, Any]) -> str:
    m, c = s["machine"], s["corpus"]
    lines = [
        RULE,
        f"absah benchmark ({s['profile']} profile): figures only, no target fails the run",
        RULE,
        f"machine      {m['cores']} cores, {m['ram_mb']} MB RAM, Python {m['python']}, "
        f"{m['platform']}",
        f"memory       a new page costs {m.get('fresh_page_us', float('nan')):.2f} µs CPU "
        "(bare metal: under 1), paid on each byte the stack writes and in-process does not",
        f"load avg     start {' '.join(f'{x:.2f}' for x in m['load_start'])}"
        f"   end {' '.join(f'{x:.2f}' for x in m['load_end'])}",
        f"corpus       {c['files']} files, {c['total_mb']:.0f} MB: {c['photos']} JPEG "
        f"({c['photo_mb'][0]:.2f}–{c['photo_mb'][1]:.2f} MB), {c['pdfs']} PDF "
        f"({c['pdf_pages'][0]}–{c['pdf_pages'][1]} pages); ZIP bundles of "
        f"≤ {c['files_per_bundle']}; {c['source']}",
    ]
    lines += _costs(s["costs"]) if "costs" in s else ["", "COST PER FILE   skipped"]
    lines += _stacks(s)
    lines += _steady(s["steady"]) if "steady" in s else ["", "STEADY RATE   skipped"]
    lines += _scale(s["scale_out"]) if "scale_out" in s else ["", "SCALE-OUT   skipped"]
    lines += _backlog(s["ocr_backlog"]) if "ocr_backlog" in s else ["", "OCR BACKLOG   skipped"]
    lines += _big(s)
    lines += [
        "",
        "phases (s)   " + ", ".join(f"{k} {v:.0f}" for k, v in s["phase_seconds"].items()),
        RULE,
    ]
    return "\n".join(lines)
