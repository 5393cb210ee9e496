# syntax=docker/dockerfile:1
#
# One image for every ozgflow component; the command chooses which one runs:
#   docker run IMAGE portal --host 0.0.0.0     docker run IMAGE worker
#   docker run IMAGE simulator                 docker run IMAGE db upgrade
# The Prefect server is not in this image: it runs from the official prefecthq/prefect image of the
# same Prefect version (see infra/compose.yaml), which already contains prefect-redis for HA messaging.
#
# The base image is pinned to a patch release; bump it deliberately (and the Prefect image with it).

# ---- build stage: a virtual environment with ozgflow and its dependencies ------------------------
FROM python:3.11.11-slim-bookworm AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
# Only what the distribution needs (see .dockerignore): a change to tests or docs does not rebuild it.
COPY pyproject.toml README.md ./
COPY services ./services
COPY connectors ./connectors
COPY flows ./flows
COPY roadmap ./roadmap
# A regular (non-editable) install: the runtime stage copies /opt/venv and not the sources.
RUN pip install --upgrade pip && pip install .

# ---- runtime stage -------------------------------------------------------------------------------
FROM python:3.11.11-slim-bookworm AS runtime

LABEL org.opencontainers.image.title="ozgflow" \
      org.opencontainers.image.description="Jobcenter online services (SGB II, OZG): portal, pipeline worker, back-office simulator" \
      org.opencontainers.image.licenses="EUPL-1.2"

# A fixed numeric uid/gid, so Kubernetes can check runAsNonRoot and volumes can be prepared for it.
RUN groupadd --system --gid 10001 ozgflow \
 && useradd --system --uid 10001 --gid ozgflow --home-dir /app --shell /usr/sbin/nologin ozgflow \
 && mkdir -p /app /var/lib/ozgflow \
 && chown ozgflow:ozgflow /app /var/lib/ozgflow

COPY --from=build /opt/venv /opt/venv

WORKDIR /app
# The flow sources and the deployment file, for `prefect deploy` / scheduled maintenance runs, whose
# entrypoints are paths relative to the working directory (infra/prefect.yaml).
COPY --chown=ozgflow:ozgflow flows ./flows
COPY --chown=ozgflow:ozgflow infra/prefect.yaml ./prefect.yaml

# Embedded data (dev issuer key, logs) goes to a writable volume, never into the image; components bind
# to all interfaces inside the container (the network decides who can reach a port).
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    OZGFLOW_DATA_DIR=/var/lib/ozgflow \
    OZGFLOW_HOST=0.0.0.0 \
    PREFECT_HOME=/var/lib/ozgflow/prefect \
    PREFECT_SERVER_ANALYTICS_ENABLED=false

USER ozgflow:ozgflow
VOLUME ["/var/lib/ozgflow"]
EXPOSE 8000 8100

ENTRYPOINT ["ozgflow"]
CMD ["portal"]
