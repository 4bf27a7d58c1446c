-- Database roles with the least rights each part of the system needs. Idempotent: docker-compose.yml's
-- 'migrate' service applies it on every start, as a superuser, before schema.sql.
--
--   candles_owner   owns the candle tables; migrations (schema.sql) run as it (SET ROLE candles_owner). It
--                   cannot log in.
--   candles_job     the pipeline: SELECT, INSERT and UPDATE on the candle tables (its upsert), nothing else:
--                   no DELETE, no TRUNCATE, no DDL.
--   candles_reader  trading bots and dashboards: SELECT only.
--
-- Passwords are never in this file: set them afterwards, e.g. with psql and a variable, so that psql quotes
-- them ('ALTER ROLE candles_job PASSWORD :'job_password''; see docker/postgres/migrate.sh). By hand:
--   psql -v ON_ERROR_STOP=1 -d candles -f sql/roles.sql
--   psql -d candles -c 'SET ROLE candles_owner' -f sql/schema.sql
--   psql -d candles -c '\password candles_job'; psql -d candles -c '\password candles_reader'

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'candles_owner') THEN
    CREATE ROLE candles_owner NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'candles_job') THEN
    CREATE ROLE candles_job LOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'candles_reader') THEN
    CREATE ROLE candles_reader LOGIN;
  END IF;

  -- Only these roles (and superusers) may connect to the candle database.
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO candles_job, candles_reader', current_database());

  -- A candle table made before these roles existed (by a superuser) now belongs to the owner role.
  IF to_regclass('public.candle_stick_five_min') IS NOT NULL THEN
    ALTER TABLE public.candle_stick_five_min OWNER TO candles_owner;
  END IF;
END
$$;

-- Only the owner creates objects in the schema (PostgreSQL 15 and later already deny it to PUBLIC).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO candles_owner;
GRANT USAGE ON SCHEMA public TO candles_job, candles_reader;

-- Tables the owner creates from now on (schema.sql, another window length's table) get the same rights as
-- the ones that exist already.
ALTER DEFAULT PRIVILEGES FOR ROLE candles_owner IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE ON TABLES TO candles_job;
ALTER DEFAULT PRIVILEGES FOR ROLE candles_owner IN SCHEMA public
  GRANT USAGE ON SEQUENCES TO candles_job;
ALTER DEFAULT PRIVILEGES FOR ROLE candles_owner IN SCHEMA public
  GRANT SELECT ON TABLES TO candles_reader;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO candles_job;
-- The id column's sequence: an INSERT takes its next value.
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO candles_job;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO candles_reader;
