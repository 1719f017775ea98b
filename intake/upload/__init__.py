"""Taking evidence in: receive multipart and ZIP bodies, presigned uploads, idempotency, batches."""
