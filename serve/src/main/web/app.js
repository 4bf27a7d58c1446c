// The live chart: history over REST (Binance's klines, with &extended=true for the final flag and
// the newest tick's time), then every change over one combined WebSocket stream. Final candles are
// solid, open ones hollow with an amber outline. Each pair button shows the age of that pair's
// newest tick. Candle quality (issue 16): a window with a feed gap gets a shaded band behind it,
// stronger the longer the gap, and a label with its seconds; the spread (ask - bid), weighted by how
// long each held (the mean per tick where the ticks do not say), is a line in its own pane below. window.candlesPage exposes the state to the browser test, and #chart's
// data-gap-times and data-spread-times list the open times (s) of what the chart's series hold.
(() => {
  'use strict';
  const params = new URLSearchParams(location.search);
  const token = params.get('token');
  const withToken = (url) => token ? url + (url.includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(token) : url;
  const HISTORY = { '5m': 120, '1m': 180 };
  const STALE_SECONDS = 10;
  const css = getComputedStyle(document.documentElement);
  const color = (name) => css.getPropertyValue(name).trim();
  const UP = color('--up'), DOWN = color('--down'), OPEN = color('--open'), SPREAD = color('--spread');
  const WINDOW_SECONDS = 300;

  const state = {
    pairs: [], pair: null, step: '5m', bars: new Map(), newestTick: {}, connected: false,
    events: 0, loading: false, buffered: [], historyLoads: 0, lastRender: null,
  };
  window.candlesPage = state;

  const chart = LightweightCharts.createChart(document.getElementById('chart'), {
    autoSize: true,
    layout: { background: { color: '#0f1419' }, textColor: '#d6dde5' },
    grid: { vertLines: { color: '#1c242d' }, horzLines: { color: '#1c242d' } },
    timeScale: { timeVisible: true, secondsVisible: false, rightOffset: 3 },
    localization: { timeFormatter: (t) => new Date(t * 1000).toISOString().substring(11, 16) + ' UTC' },
  });
  // The gap bands: a histogram on its own hidden scale from 0 to 1, so every bar is full height;
  // added first, so it is drawn behind the candles.
  const gaps = chart.addSeries(LightweightCharts.HistogramSeries, {
    priceScaleId: 'gaps', base: 0, lastValueVisible: false, priceLineVisible: false,
  });
  chart.priceScale('gaps').applyOptions({ scaleMargins: { top: 0, bottom: 0 }, visible: false });
  const series = chart.addSeries(LightweightCharts.CandlestickSeries, {
    upColor: UP, downColor: DOWN, borderUpColor: UP, borderDownColor: DOWN, wickUpColor: UP, wickDownColor: DOWN,
  });
  const gapLabels = LightweightCharts.createSeriesMarkers(series, []);
  // Spreads are tiny next to prices and have many decimals (a mean per tick): three significant
  // digits, as a plain decimal like the prices.
  const sig3 = (v) => (v === 0 ? '0' : v.toFixed(Math.min(12, Math.max(0, 2 - Math.floor(Math.log10(Math.abs(v)))))));
  const spread = chart.addSeries(LightweightCharts.LineSeries, {
    color: SPREAD, lineWidth: 1, title: 'spread', priceLineVisible: false,
    priceFormat: { type: 'custom', minMove: 1e-12, formatter: (v) => sig3(Number(v)) },
  }, 1);
  chart.panes()[1].setStretchFactor(0.3);

  const aligned = (pair) => pair.toLowerCase() + '@kline_5m';
  const rolling = (pair) => aligned(pair) + '@step1m';
  const viewStream = () => state.step === '1m' ? rolling(state.pair) : aligned(state.pair);
  const wantedStreams = () => {
    const streams = state.pairs.map(aligned);
    if (state.step === '1m' && state.pair) streams.push(rolling(state.pair));
    return streams;
  };

  function styled(bar) {
    const up = Number(bar.close) >= Number(bar.open);
    const base = { time: bar.time, open: Number(bar.open), high: Number(bar.high), low: Number(bar.low), close: Number(bar.close) };
    if (bar.final) return base;
    return Object.assign(base, { color: up ? 'rgba(38,166,154,0.25)' : 'rgba(239,83,80,0.25)', borderColor: OPEN, wickColor: OPEN });
  }

  // A gap band's opacity: a little for any gap, full at a gap as long as the window.
  function gapPoint(bar) {
    if (!(bar.gapMs > 0)) return { time: bar.time };
    const alpha = 0.15 + 0.45 * Math.min(1, bar.gapMs / 1000 / WINDOW_SECONDS);
    return { time: bar.time, value: 1, color: `rgba(255, 140, 0, ${alpha.toFixed(3)})` };
  }

  const spreadOf = (bar) => bar.spreadTwa ?? bar.spreadMean;

  function spreadPoint(bar) {
    return spreadOf(bar) == null ? { time: bar.time } : { time: bar.time, value: Number(spreadOf(bar)) };
  }

  const gapText = (bar) => `gap ${(bar.gapMs / 1000).toFixed(1)}s x${bar.gapCount}`;

  // What the chart's series now hold, for the browser test (and anyone inspecting the page).
  function showQuality() {
    const bars = sortedBars();
    gapLabels.setMarkers(bars.filter((b) => b.gapMs > 0).map((b) => ({
      time: b.time, position: 'aboveBar', shape: 'square', color: '#ff8c00', text: gapText(b), size: 0.5,
    })));
    const el = document.getElementById('chart');
    el.dataset.gapTimes = gaps.data().filter((d) => d.value > 0).map((d) => d.time).join(',');
    el.dataset.spreadTimes = spread.data().filter((d) => d.value != null).map((d) => d.time).join(',');
    state.gapLabels = gapLabels.markers().map((m) => ({ time: m.time, text: m.text }));
  }

  function decimals(text) {
    const frac = (text.split('.')[1] || '').replace(/0+$/, '');
    return frac.length;
  }

  function setPrecision() {
    let p = 2;
    for (const b of state.bars.values()) p = Math.max(p, decimals(b.open), decimals(b.high), decimals(b.low), decimals(b.close));
    p = Math.min(p, 8);
    series.applyOptions({ priceFormat: { type: 'price', precision: p, minMove: Math.pow(10, -p) } });
  }

  function sortedBars() {
    return [...state.bars.values()].sort((a, b) => a.time - b.time);
  }

  function renderAll() {
    setPrecision();
    const bars = sortedBars();
    series.setData(bars.map(styled));
    gaps.setData(bars.map(gapPoint));
    spread.setData(bars.map(spreadPoint));
    showQuality();
    showLast();
  }

  function showLast() {
    const bars = sortedBars();
    const last = bars[bars.length - 1];
    const el = document.getElementById('last');
    if (!last) { el.textContent = state.pair ? state.pair + ': no candles yet' : 'no pairs yet'; state.lastRender = null; return; }
    const hhmm = (s) => new Date(s * 1000).toISOString().substring(11, 16);
    const quality = (spreadOf(last) != null ? `  spread ${sig3(Number(spreadOf(last)))}` : '')
      + (last.gapMs > 0 ? `  ${gapText(last)}` : '');
    el.textContent = `${state.pair} ${hhmm(last.time)}-${hhmm(last.time + 300)} UTC  O ${last.open}  H ${last.high}  L ${last.low}  C ${last.close}  ${last.ticks} ticks  ${last.final ? 'final' : 'open'}${quality}`;
    state.lastRender = {
      time: last.time, open: last.open, high: last.high, low: last.low, close: last.close, ticks: last.ticks, final: last.final,
      gapMs: last.gapMs, gapCount: last.gapCount, spreadMean: last.spreadMean, spreadTwa: last.spreadTwa,
    };
  }

  // A bar from a kline's fields; the quality ones are absent on a table without them.
  function barOf(time, open, high, low, close, ticks, final, extras) {
    return {
      time, open, high, low, close, ticks, final,
      gapMs: Number(extras.gapMs || 0), gapCount: Number(extras.gapCount || 0), spreadMean: extras.spreadMean ?? null,
      spreadTwa: extras.spreadTwa ?? null,
    };
  }

  function apply(k) {
    const bar = barOf(k.t / 1000, k.o, k.h, k.l, k.c, k.n, k.x, k);
    const known = state.bars.get(bar.time);
    if (known && (known.ticks > bar.ticks || (known.ticks === bar.ticks && known.final && !bar.final))) return;
    state.bars.set(bar.time, bar);
    const times = [...state.bars.keys()];
    if (bar.time >= Math.max(...times)) {
      if (decimals(bar.close) > (series.options().priceFormat.precision || 2)) setPrecision();
      series.update(styled(bar));
      gaps.update(gapPoint(bar));
      spread.update(spreadPoint(bar));
      showQuality();
      showLast();
    } else {
      renderAll(); // an older candle changed (a rolling window, a late tick): redraw all
    }
  }

  function noteTick(pair, millis) {
    if (millis != null && (state.newestTick[pair] == null || millis > state.newestTick[pair])) state.newestTick[pair] = millis;
  }

  async function getJson(url) {
    const r = await fetch(withToken(url));
    const body = await r.json();
    if (!r.ok) throw new Error(`${url}: ${r.status} ${body.msg || ''}`);
    return body;
  }

  async function loadHistory() {
    if (!state.pair) return;
    state.loading = true;
    state.buffered = [];
    const pair = state.pair, step = state.step;
    try {
      const rows = await getJson(`/api/v3/klines?symbol=${pair}&interval=5m&limit=${HISTORY[step]}&extended=true` + (step === '1m' ? '&step=1m' : ''));
      if (pair !== state.pair || step !== state.step) return; // switched meanwhile; that load wins
      state.bars = new Map();
      for (const r of rows) {
        state.bars.set(r[0] / 1000, barOf(r[0] / 1000, r[1], r[2], r[3], r[4], r[8], r[12].isFinal, r[12]));
        noteTick(pair, r[12].lastEventTime);
      }
      renderAll();
      chart.timeScale().fitContent();
      state.historyLoads++;
    } catch (e) {
      setStatus('could not load history: ' + e.message);
    } finally {
      if (pair === state.pair && step === state.step) {
        state.loading = false;
        const events = state.buffered;
        state.buffered = [];
        events.forEach(apply); // what changed while the history loaded, newest state wins
      }
    }
  }

  // ---- the push stream
  let ws = null, backoff = 500;
  function connect() {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    ws = new WebSocket(withToken(`${proto}//${location.host}/stream?streams=${wantedStreams().join('/')}`));
    ws.onopen = () => {
      state.connected = true;
      backoff = 500;
      document.getElementById('banner').hidden = true;
      loadHistory(); // fills whatever was missed while disconnected
      setStatus();
    };
    ws.onmessage = (e) => {
      const msg = JSON.parse(e.data);
      if (!msg.stream || !msg.data || msg.data.e !== 'kline') return;
      const k = msg.data.k;
      state.events++;
      noteTick(k.s, k.lastEventTime);
      if (k.s !== state.pair || msg.stream !== viewStream()) return;
      if (state.loading) state.buffered.push(k); else apply(k);
    };
    ws.onclose = () => {
      state.connected = false;
      document.getElementById('banner').hidden = false;
      setStatus();
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 10000);
    };
  }

  function send(method, streams) {
    if (ws && ws.readyState === WebSocket.OPEN && streams.length) ws.send(JSON.stringify({ method, params: streams, id: Date.now() }));
  }

  function choose(pair, step) {
    const before = state.step === '1m' && state.pair ? rolling(state.pair) : null;
    state.pair = pair;
    state.step = step;
    const after = step === '1m' ? rolling(pair) : null;
    if (before && before !== after) send('UNSUBSCRIBE', [before]);
    if (after && after !== before) send('SUBSCRIBE', [after]);
    document.querySelectorAll('#pairs button').forEach((b) => b.classList.toggle('on', b.dataset.pair === pair));
    document.getElementById('step-5m').classList.toggle('on', step === '5m');
    document.getElementById('step-1m').classList.toggle('on', step === '1m');
    const url = new URL(location.href);
    url.searchParams.set('pair', pair);
    url.searchParams.set('step', step);
    history.replaceState(null, '', url);
    state.bars = new Map();
    series.setData([]);
    gaps.setData([]);
    spread.setData([]);
    showQuality();
    loadHistory();
  }

  function setStatus(text) {
    document.getElementById('status').textContent = text
      || (state.connected ? `live · events received: ${state.events}` : 'disconnected');
  }

  function showAges() {
    const now = Date.now();
    document.querySelectorAll('#pairs button').forEach((b) => {
      const t = state.newestTick[b.dataset.pair];
      const age = b.querySelector('.age');
      if (t == null) { age.textContent = '–'; return; }
      const s = Math.max(0, (now - t) / 1000);
      age.textContent = s < 60 ? s.toFixed(1) + ' s' : Math.round(s / 60) + ' min';
      age.classList.toggle('stale', s > STALE_SECONDS);
      b.title = `${b.dataset.pair}: newest tick ${s.toFixed(1)} s ago`;
    });
    if (state.connected) setStatus();
  }

  async function start() {
    const info = await getJson('/api/v3/exchangeInfo');
    state.pairs = info.symbols.map((s) => s.symbol);
    const nav = document.getElementById('pairs');
    for (const p of state.pairs) {
      const b = document.createElement('button');
      b.dataset.pair = p;
      b.innerHTML = `${p}<span class="age">–</span>`;
      b.onclick = () => choose(p, state.step);
      nav.appendChild(b);
    }
    document.getElementById('step-5m').onclick = () => choose(state.pair, '5m');
    document.getElementById('step-1m').onclick = () => choose(state.pair, '1m');
    const pair = state.pairs.includes(params.get('pair')) ? params.get('pair') : state.pairs[0];
    state.pair = pair || null;
    state.step = params.get('step') === '1m' ? '1m' : '5m';
    if (state.pair) choose(state.pair, state.step); else showLast();
    // Every pair's newest tick, for the ages, before the first events arrive.
    await Promise.all(state.pairs.map(async (p) => {
      const rows = await getJson(`/api/v3/klines?symbol=${p}&interval=5m&limit=1&step=1m&extended=true`);
      if (rows.length) noteTick(p, rows[rows.length - 1][12].lastEventTime);
    }));
    connect();
    setInterval(showAges, 250);
  }

  start().catch((e) => setStatus('could not start: ' + e.message));
})();
