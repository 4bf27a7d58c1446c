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
    -- True once the watermark has passed the window end.
    is_final      boolean     NOT NULL DEFAULT false,
    updated_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- The upsert key; its index also serves "latest candles of a pair" queries.
    CONSTRAINT candle_stick_five_min_pair_open_time_key UNIQUE (currency_pair, open_time)
);

-- Tables created before last_event_time existed get it here.
ALTER TABLE candle_stick_five_min ADD COLUMN IF NOT EXISTS last_event_time timestamp;
