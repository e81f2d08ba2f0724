#!/bin/sh
# First start of the PostgreSQL container (empty data volume): one role and database for the
# application, one role with two databases for Temporal. Passwords come from deploy/.env.
# In production these are usually two clusters; then point DATABASE_URL and the temporal
# service's POSTGRES_SEEDS at them instead.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v temporal_password="$TEMPORAL_DB_PASSWORD" -v approval_password="$APPROVAL_DB_PASSWORD" <<'SQL'
CREATE ROLE temporal LOGIN PASSWORD :'temporal_password';
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;
CREATE ROLE approval LOGIN PASSWORD :'approval_password';
CREATE DATABASE approval OWNER approval;
SQL
