-- The candle table of the data contract (shared/contract.md, section 2).
-- Idempotent: the pipeline applies it at start-up, and applying it twice changes nothing.

CREATE TABLE IF NOT EXISTS candle_stick_five_min (
    id            bigserial   PRIMARY KEY,
    currency_pair text        NOT NULL,
    open_price    numeric     NOT NULL,
    high_price    numeric     NOT NULL,
    low_price     numeric     NOT NULL,
    close_price   numeric     NOT NULL,
    -- Window bounds in UTC: open_time is on a whole minute, close_time = open_time + 5 minutes.
    open_time     timestamp   NOT NULL,
    close_time    timestamp   NOT NULL,
    -- Accepted ticks in the window so far; it never decreases (the pipeline's upsert guards it).
    tick_count    bigint      NOT NULL,
    -- Event time (UTC) of the window's closing tick: how fresh the candle is. An addition to the
    -- contract's columns; rows written before it existed have none.
    last_event_time timestamp,
    -- Candle quality (issue 16), additions to the contract's columns like last_event_time:
    -- ingest time (UTC) of the window's closing tick; with last_event_time it tells a stale row.
    last_ingest_time timestamp,
    -- The best bid's and best ask's own OHLC over the window, by the same order as the mid's.
    bid_open      numeric,
    bid_high      numeric,
    bid_low       numeric,
    bid_close     numeric,
    ask_open      numeric,
    ask_high      numeric,
    ask_low       numeric,
    ask_close     numeric,
    -- The spread (ask - bid) over the window's ticks: smallest, largest, and mean per tick.
    spread_min    numeric,
    spread_max    numeric,
    spread_mean   numeric,
    -- The spread weighted by how long each held, from the window start (or the first tick whose
    -- previous one is known) to the window's last tick; null when no tick says what held before it.
    spread_twa    numeric,
    -- Feed gaps the ingester marked inside the window: their total length and how many.
    gap_ms        bigint      NOT NULL DEFAULT 0,
    gap_count     integer     NOT NULL DEFAULT 0,
    -- True once the watermark has passed the window end.
    is_final      boolean     NOT NULL DEFAULT false,
    updated_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- The upsert key; its index also serves "latest candles of a pair" queries.
    CONSTRAINT candle_stick_five_min_pair_open_time_key UNIQUE (currency_pair, open_time)
);

-- Tables created before a column existed get it here (rows already there keep nulls, and 0 gaps).
ALTER TABLE candle_stick_five_min
    ADD COLUMN IF NOT EXISTS last_event_time timestamp,
    ADD COLUMN IF NOT EXISTS last_ingest_time timestamp,
    ADD COLUMN IF NOT EXISTS bid_open numeric,
    ADD COLUMN IF NOT EXISTS bid_high numeric,
    ADD COLUMN IF NOT EXISTS bid_low numeric,
    ADD COLUMN IF NOT EXISTS bid_close numeric,
    ADD COLUMN IF NOT EXISTS ask_open numeric,
    ADD COLUMN IF NOT EXISTS ask_high numeric,
    ADD COLUMN IF NOT EXISTS ask_low numeric,
    ADD COLUMN IF NOT EXISTS ask_close numeric,
    ADD COLUMN IF NOT EXISTS spread_min numeric,
    ADD COLUMN IF NOT EXISTS spread_max numeric,
    ADD COLUMN IF NOT EXISTS spread_mean numeric,
    ADD COLUMN IF NOT EXISTS spread_twa numeric,
    ADD COLUMN IF NOT EXISTS gap_ms bigint NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS gap_count integer NOT NULL DEFAULT 0;

-- What the pipeline knows about each candle table (an addition to the contract's tables):
--   window_size_ms, window_period_ms  the candles the table holds; the pipeline refuses to write
--                                     other ones into it, so a 15-minute run never overwrites
--                                     5-minute rows.
--   final_through                     every window ending at or before this time is final and
--                                     written, for every pair: a restart reads Kafka only from the
--                                     first tick of the windows after it.
CREATE TABLE IF NOT EXISTS candle_progress (
    candle_table     text        PRIMARY KEY,
    window_size_ms   bigint      NOT NULL,
    window_period_ms bigint      NOT NULL,
    final_through    timestamp,
    updated_at       timestamptz NOT NULL DEFAULT clock_timestamp()
);

INSERT INTO candle_progress (candle_table, window_size_ms, window_period_ms)
VALUES ('candle_stick_five_min', 300000, 60000)
ON CONFLICT (candle_table) DO NOTHING;

-- The contract table's windows are five minutes long, whatever writes to it. NOT VALID: rows
-- already there are not scanned (they were written by the pipeline, which always wrote 5 minutes).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'candle_stick_five_min_window_length') THEN
        ALTER TABLE candle_stick_five_min ADD CONSTRAINT candle_stick_five_min_window_length
            CHECK (close_time = open_time + interval '300000 milliseconds') NOT VALID;
    END IF;
END
$$;
