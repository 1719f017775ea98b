"""One Settings object for every process: read from ABSAH_* environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything configurable. Unset servers fall back to the embedded defaults.

    - no ``database_url``  → a SQLite file in ``data_dir`` (WAL mode);
    - no ``broker_url``    → a private Redis that ``absah run`` starts in ``data_dir``;
    - no ``s3_bucket``     → a local object directory in ``data_dir``.
    """

    model_config = SettingsConfigDict(env_prefix="ABSAH_", extra="ignore")

    data_dir: Path = Path("absah-data")

    # SQL database (source of truth for statuses)
    database_url: str | None = None

    # Broker; the queue name lets tests and deployments keep their messages apart.
    broker_url: str | None = None
    queue_name: str = "absah"

    # Object storage: S3 when a bucket is named, else the local directory.
    s3_endpoint_url: str | None = None
    s3_bucket: str | None = None
    s3_region: str = "us-east-1"
    s3_access_key_id: str | None = None
    s3_secret_access_key: SecretStr | None = None
    s3_create_bucket: bool = True
    storage_prefix: str = ""

    # API
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    public_base_url: str | None = None
    # The HTTP server's own bounds (uvicorn, HTTP/1.1 parsed by h11). Idle keep-alive
    # connections close after `api_keep_alive_seconds`; a request's head (request line and
    # headers) larger than `api_max_header_bytes` is refused; past `api_max_concurrency`
    # connections and requests in progress (per process) new ones get 503. Uvicorn has no
    # header or body read timeout: in production the proxy in front of it (docker-compose.yml,
    # infra/proxy/nginx.conf) holds slow clients off.
    api_keep_alive_seconds: int = Field(default=5, ge=1)
    api_max_header_bytes: int = Field(default=16 * 1024, ge=1024)
    api_max_concurrency: int = Field(default=256, ge=1)
    api_shutdown_grace_seconds: int = Field(default=30, ge=0)
    # Signs the verifier pages' session cookie. Unset: a random secret kept in
    # data_dir/session-secret (0600), shared by the API processes of one machine; set it
    # when API replicas run on several machines.
    session_secret: SecretStr | None = None
    # Verifier page sessions (kept on the server): ended this long after sign-in whatever
    # happens (never extended), and after this long without a request.
    # Seals secrets kept at rest (webhook signing secrets). Unset: a random key kept in
    # data_dir/secret-key (0600); set it when the API and the workers run on several machines
    # or containers (they must all read the same key).
    secret_key: SecretStr | None = None
    session_max_hours: float = Field(default=8.0, gt=0)
    session_idle_minutes: float = Field(default=60.0, gt=0)
    # an ended or expired page session is deleted by the sweeper this long after it is over
    session_retention_days: float = Field(default=30.0, gt=0)

    # People's accounts (infra/accounts.py). Passwords: argon2id with these costs (lower them
    # only in tests), at least `password_min_length` characters and none of the most common.
    password_min_length: int = Field(default=10, ge=8)
    password_time_cost: int = Field(default=3, ge=1)
    password_memory_kib: int = Field(default=64 * 1024, ge=8)
    password_parallelism: int = Field(default=1, ge=1)
    # `lockout_failures` wrong passwords (or codes) within `lockout_window_minutes` refuse the
    # account for `lockout_minutes`, the right password included.
    lockout_failures: int = Field(default=5, ge=1)
    lockout_window_minutes: float = Field(default=15.0, gt=0)
    lockout_minutes: float = Field(default=15.0, gt=0)
    # Signing in to the pages by pasting an API key: off unless an admin turns it on.
    ui_key_signin: bool = False
    # Single sign-on (OpenID Connect, e.g. Keycloak): on when issuer and client id are set.
    # The issuer's discovery document is `<issuer>/.well-known/openid-configuration`. Claims
    # map to the account: `oidc_role_claim` (a dotted path, e.g. realm_access.roles; a string
    # or a list) holding one of `oidc_role_values`' keys, `oidc_region_claim` for verifiers,
    # `oidc_unit_claim` for unit operators. Claims without a known role are refused.
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    oidc_scopes: str = "openid profile email"
    oidc_label: str = "Masuk dengan SSO"
    oidc_username_claim: str = "preferred_username"
    oidc_name_claim: str = "name"
    oidc_role_claim: str = "absah_role"
    # claim value → role, comma-separated `value:role` pairs (roles verifier, unit, admin)
    oidc_role_values: str = "absah-verifier:verifier,absah-unit:unit,absah-admin:admin"
    oidc_region_claim: str = "absah_region"
    oidc_unit_claim: str = "absah_unit"

    # The verifying office, printed at the head of reports (DOMAIN.md: configuration, not code)
    office_name: str = "Kantor Wilayah Kementerian Hak Asasi Manusia Sumatera Selatan"

    # Intake bounds (DESIGN.md security bars)
    max_upload_bytes: int = Field(default=50 * 1024 * 1024, gt=0)
    max_files_per_request: int = Field(default=200, gt=0)
    # the whole body of one request, counted while it streams (files, fields, boundaries)
    max_request_bytes: int = Field(default=1024 * 1024 * 1024, gt=0)
    max_bundle_bytes: int = Field(default=1024 * 1024 * 1024, gt=0)
    max_bundle_entries: int = Field(default=1000, gt=0)
    max_bundle_expanded_bytes: int = Field(default=2 * 1024 * 1024 * 1024, gt=0)
    max_bundle_ratio: float = Field(default=100.0, gt=1)

    # Idempotency-Key: a reservation older than the lease is taken over by a retry (the request
    # that held it died); every record is deleted by the sweeper after the retention.
    idempotency_lease_seconds: int = Field(default=120, ge=1)
    idempotency_retention_seconds: int = Field(default=24 * 3600, ge=60)

    # Presigned direct uploads
    upload_url_ttl_seconds: int = Field(default=3600, ge=60)
    upload_expiry_grace_seconds: int = Field(default=3600, ge=0)

    # Extraction bounds: the worker never trusts a file's own claims
    max_image_pixels: int = Field(default=60_000_000, gt=0)
    max_pdf_pages: int = Field(default=2000, gt=0)
    max_text_chars_per_page: int = Field(default=20_000, gt=0)
    max_text_pages: int = Field(default=30, gt=0)

    # Worker reliability
    max_attempts: int = Field(default=5, ge=1)
    retry_backoff_seconds: float = Field(default=2.0, ge=0)
    retry_backoff_max_seconds: float = Field(default=120.0, ge=0)
    # A check holds its document by a lease that its heartbeat renews every `heartbeat_seconds`
    # (at most a third of the lease) while it runs, however long; a claim whose holder stopped
    # renewing is taken over once the lease runs out, and at once when the holder is provably
    # gone (same host, its process dead).
    lease_seconds: int = Field(default=30, ge=5)
    heartbeat_seconds: float = Field(default=5.0, gt=0)
    task_soft_time_limit: int = Field(default=120, ge=1)
    task_time_limit: int = Field(default=180, ge=1)
    # Memory per worker child: past `worker_max_memory_mb` resident after a task, Celery replaces
    # the child; `worker_memory_limit_mb` is a hard bound (RLIMIT_DATA) on what one child may
    # allocate: an allocation past it raises MemoryError inside the task. 0 turns it off.
    worker_max_memory_mb: int = Field(default=1024, gt=0)
    worker_memory_limit_mb: int = Field(default=2048, ge=0)
    worker_concurrency: int | None = None
    # OCR of PDF pages without a text layer: OCRmyPDF over Tesseract, on its own queue and
    # workers, one thread per process (OpenMP threads made it 2–5x slower on shared cores).
    ocr_enabled: bool = True
    ocr_command: str = "ocrmypdf"
    ocr_languages: str = "ind"
    ocr_max_pages: int = Field(default=10, gt=0)  # pages past this are left to a person
    ocr_page_timeout_seconds: float = Field(default=60.0, gt=0)
    # the whole run; keep it under the lease so no second worker takes the document mid-OCR
    ocr_timeout_seconds: float = Field(default=240.0, gt=0)
    ocr_memory_limit_mb: int = Field(default=1024, ge=0)  # RLIMIT_DATA of the OCR process
    ocr_concurrency: int = Field(default=1, gt=0)  # processes of an OCR worker
    # Electronic signatures (PAdES/CMS): PEM/DER root certificates (a file or a folder) the
    # signer's certificate must chain to; unset, a signature is checked but "not verified".
    signature_trust_roots: Path | None = None
    sweep_interval_seconds: float = Field(default=30.0, gt=0)
    # A queued document whose message may have been lost (a broker restarted without its data)
    # is sent again after this long without news; a received one (never sent) after a lease.
    requeue_after_seconds: float = Field(default=300.0, gt=0)
    # One scheduler at a time: the holder renews a lock in the broker; a standby takes over
    # when the holder is provably gone (same host) or its lock ran out after this long.
    scheduler_lock_seconds: float = Field(default=30.0, ge=3)
    # A document that ended unable_to_check after its attempts (storage down, a crash) is
    # re-checked by the sweeper once storage answers again, after a cool-down, at most N rounds.
    recheck_cooldown_seconds: float = Field(default=900.0, ge=0)
    max_rechecks: int = Field(default=3, ge=0)

    # Webhooks: targets on loopback/private networks are refused unless allowed here
    webhook_allow_private: bool = False
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    webhook_max_attempts: int = Field(default=8, ge=1)
    webhook_backoff_seconds: float = Field(default=5.0, ge=0)

    # Rule catalogs: a folder of site catalog YAML files that replace the shipped ones of the
    # same programme and version (a Kanwil's adaptation, no code change); a changed rule-set
    # version re-checks stale documents by itself (at start and from the sweeper) unless off.
    catalog_dir: Path | None = None
    auto_reverify: bool = True

    # Seeds applied on an empty database by `absah run` / `absah db upgrade`
    seed_units: bool = True

    # Logs: one JSON object a line (for collectors), or plain text for a terminal
    log_format: Literal["json", "text"] = "json"
    log_level: str = "INFO"

    def ensure_data_dir(self) -> Path:
        """data_dir, created owner-only (0700) when missing: it holds the SQLite database, the
        first admin key and the kept secrets. An existing folder keeps its mode."""
        if not self.data_dir.is_dir():
            self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            self.data_dir.chmod(0o700)  # whatever the umask
        return self.data_dir

    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)

    def oidc_role_map(self) -> dict[str, str]:
        pairs = (p.strip().rpartition(":") for p in self.oidc_role_values.split(","))
        return {value.strip(): role.strip() for value, _, role in pairs if value and role}

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'absah.sqlite3').resolve()}"

    def heartbeat_interval(self) -> float:
        """How often a running check renews its lease: never less than three times a lease."""
        return min(self.heartbeat_seconds, self.lease_seconds / 3)

    def objects_dir(self) -> Path:
        return (self.data_dir / "objects").resolve()

    def uses_s3(self) -> bool:
        return bool(self.s3_bucket)
