"""HTTP in (FastAPI): validate, stream bytes to storage, record, enqueue, answer."""
