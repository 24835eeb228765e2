# One image for the four services; docker-compose.yml picks the service per container.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY contracts ./contracts
COPY services ./services
RUN pip install . && useradd --system --uid 10001 harbour && mkdir -p /data && chown harbour /data

USER harbour
ENV HARBOUR_DATA_DIR=/data
