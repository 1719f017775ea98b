"""Benchmarks: they print figures and never assert; run as `python -m bench.run` (not by pytest)."""
