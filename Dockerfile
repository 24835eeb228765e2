# One image for the five services; docker-compose.yml picks the service per container.
# GOV.UK Frontend's built files (for web) come from npm, pinned by package-lock.json.
FROM node:20-slim AS web-assets
WORKDIR /web
COPY services/web/package.json services/web/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
# Pango and a font for records' PDF export (WeasyPrint).
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml README.md ./
COPY contracts ./contracts
COPY services ./services
COPY --from=web-assets /web/node_modules/govuk-frontend ./services/web/node_modules/govuk-frontend
RUN pip install . && useradd --system --uid 10001 harbour && mkdir -p /data && chown harbour /data

USER harbour
ENV HARBOUR_DATA_DIR=/data
