#!/bin/sh
# First start of the PostgreSQL container only (docker-entrypoint-initdb.d): one role and database for
# ozgflow (the source of truth) and a separate one for Prefect (orchestration state), so each can be
# backed up, restored, tuned and moved to its own server independently.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
     -v app_pw="$APP_DB_PASSWORD" -v prefect_pw="$WORKFLOW_DB_PASSWORD" <<'SQL'
CREATE ROLE ozgflow LOGIN PASSWORD :'app_pw';
CREATE DATABASE ozgflow OWNER ozgflow;
CREATE ROLE prefect LOGIN PASSWORD :'prefect_pw';
CREATE DATABASE prefect OWNER prefect;
SQL
