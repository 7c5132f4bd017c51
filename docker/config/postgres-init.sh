#!/bin/sh
# Runs once, when the postgres container initialises its data directory: the role the scheduled
# drill logs in with to create and drop its scratch databases (CREATEDB, nothing else). Its
# password comes from the mounted secret, never from here.
set -eu
password=$(cat /run/secrets/drill-postgres-password)
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -v pw="$password" <<'SQL'
CREATE ROLE strata_drill LOGIN CREATEDB PASSWORD :'pw';
SQL
