-- Queries traders run against the candle table. Each statement ends with a semicolon at the end
-- of a line; a test runs every one of them.

-- The seed's query: the first 30 candles in pair and time order.
select * from candle_stick_five_min order by currency_pair, open_time limit 30;

-- The 12 most recent 5-minute candles of each pair, newest first. The lateral join walks the
-- (currency_pair, open_time) index backwards, so it reads 12 rows per pair, not the table.
select c.*
from (select distinct currency_pair from candle_stick_five_min) as p
cross join lateral (
    select *
    from candle_stick_five_min as c
    where c.currency_pair = p.currency_pair
    order by c.open_time desc
    limit 12
) as c
order by c.currency_pair, c.open_time desc;

-- A bot's "is this candle stale?" check, on a pair's newest candle: stale when its newest tick was
-- received (or, without a receive time, happened) more than 5 seconds ago; stale_or_gapped also
-- when the feed had a gap inside its window.
select currency_pair, open_time, (now() at time zone 'UTC') - coalesce(last_ingest_time, last_event_time) > interval '5 seconds' as stale, (now() at time zone 'UTC') - coalesce(last_ingest_time, last_event_time) > interval '5 seconds' or gap_ms > 0 as stale_or_gapped from candle_stick_five_min where currency_pair = 'BTCUSDT' order by open_time desc limit 1;
