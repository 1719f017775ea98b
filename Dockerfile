# One image for the api, worker and beat services (docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ABSAH_DATA_DIR=/var/lib/absah

# libmagic1: python-magic sniffs upload types from their bytes. ocrmypdf + tesseract-ocr-ind:
# OCR of scanned pages (the ocr-worker service; the same image runs every service). tini: PID 1
# that reaps orphans and passes signals on (absah worker supervises its Celery worker, and what
# a crashed one leaves behind must not stay as zombies), with `docker run` or any orchestrator.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libmagic1 ocrmypdf tesseract-ocr \
       tesseract-ocr-ind tini \
    && rm -rf /var/lib/apt/lists/*

# Copy only what the package build needs (keeps a local .venv, .git and data out of the image
# even without a .dockerignore), install it, then drop the sources.
WORKDIR /src
COPY pyproject.toml README.md ./
COPY absah ./absah
COPY intake ./intake
COPY worker ./worker
COPY rules ./rules
COPY infra ./infra
RUN pip install --no-cache-dir . \
    && cd / && rm -rf /src

RUN groupadd --system absah \
    && useradd --system --gid absah --home-dir /var/lib/absah --shell /usr/sbin/nologin absah \
    && mkdir -p /var/lib/absah \
    && chown absah:absah /var/lib/absah

# The data directory doubles as the working directory so anything a process writes relative
# to its cwd (e.g. the beat schedule file) lands somewhere writable by the non-root user.
WORKDIR /var/lib/absah
USER absah

EXPOSE 8000
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["absah", "api"]
