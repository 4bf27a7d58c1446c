-- What the candle server (serve/) needs from the database: a read-only role to log in as, and a
-- trigger that tells listeners about every new or changed candle. Run by the table's owner after
-- schema.sql; idempotent (the server applies it at start-up when given the owner's credentials, and
-- applying it twice changes nothing). The role's password is not set here: the server sets it from
-- its own configuration, so that no secret is written in a file.

-- The role the server logs in as: it can read the candle table and nothing else, and every
-- transaction it starts is read-only.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'candles_reader') THEN
    CREATE ROLE candles_reader LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
END
$$;
ALTER ROLE candles_reader SET default_transaction_read_only = on;
GRANT USAGE ON SCHEMA public TO candles_reader;
GRANT SELECT ON candle_stick_five_min TO candles_reader;

-- Every insert, and every update that changes a row, sends the whole new row as JSON on channel
-- candles_changed, when its transaction commits (so listeners never see uncommitted states). The
-- row goes whole so that a listener needs no query per change; row_to_json includes columns added
-- later without a change here. NOTIFY refuses payloads of 8000 bytes or more, and a trigger error
-- would fail the pipeline's write, so a row too big for that goes as its key only, and listeners
-- read it back.
CREATE OR REPLACE FUNCTION candles_notify_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  payload text := row_to_json(NEW)::text;
BEGIN
  IF octet_length(payload) > 7900 THEN
    payload := json_build_object('currency_pair', NEW.currency_pair, 'open_time', NEW.open_time,
                                 'key_only', true)::text;
  END IF;
  PERFORM pg_notify('candles_changed', payload);
  RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER candle_stick_five_min_notify_insert
  AFTER INSERT ON candle_stick_five_min
  FOR EACH ROW EXECUTE FUNCTION candles_notify_changed();

-- The pipeline's guarded upsert already skips rows it would not change; this also keeps a no-op
-- UPDATE from anyone else silent.
CREATE OR REPLACE TRIGGER candle_stick_five_min_notify_update
  AFTER UPDATE ON candle_stick_five_min
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION candles_notify_changed();
