// The live chart: history over REST (Binance's klines, with &extended=true for the final flag and
// the newest tick's time), then every change over one combined WebSocket stream. Final candles are
// solid, open ones hollow with an amber outline. Each pair button shows the age of that pair's
// newest tick. window.candlesPage exposes the state to the browser test.
(() => {
  'use strict';
  const params = new URLSearchParams(location.search);
  const token = params.get('token');
  const withToken = (url) => token ? url + (url.includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(token) : url;
  const HISTORY = { '5m': 120, '1m': 180 };
  const STALE_SECONDS = 10;
  const css = getComputedStyle(document.documentElement);
  const color = (name) => css.getPropertyValue(name).trim();
  const UP = color('--up'), DOWN = color('--down'), OPEN = color('--open');

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
  const series = chart.addSeries(LightweightCharts.CandlestickSeries, {
    upColor: UP, downColor: DOWN, borderUpColor: UP, borderDownColor: DOWN, wickUpColor: UP, wickDownColor: DOWN,
  });

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
    series.setData(sortedBars().map(styled));
    showLast();
  }

  function showLast() {
    const bars = sortedBars();
    const last = bars[bars.length - 1];
    const el = document.getElementById('last');
    if (!last) { el.textContent = state.pair ? state.pair + ': no candles yet' : 'no pairs yet'; state.lastRender = null; return; }
    const hhmm = (s) => new Date(s * 1000).toISOString().substring(11, 16);
    el.textContent = `${state.pair} ${hhmm(last.time)}-${hhmm(last.time + 300)} UTC  O ${last.open}  H ${last.high}  L ${last.low}  C ${last.close}  ${last.ticks} ticks  ${last.final ? 'final' : 'open'}`;
    state.lastRender = { time: last.time, open: last.open, high: last.high, low: last.low, close: last.close, ticks: last.ticks, final: last.final };
  }

  function apply(k) {
    const bar = { time: k.t / 1000, open: k.o, high: k.h, low: k.l, close: k.c, ticks: k.n, final: k.x };
    const known = state.bars.get(bar.time);
    if (known && (known.ticks > bar.ticks || (known.ticks === bar.ticks && known.final && !bar.final))) return;
    state.bars.set(bar.time, bar);
    const times = [...state.bars.keys()];
    if (bar.time >= Math.max(...times)) {
      if (decimals(bar.close) > (series.options().priceFormat.precision || 2)) setPrecision();
      series.update(styled(bar));
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
        state.bars.set(r[0] / 1000, { time: r[0] / 1000, open: r[1], high: r[2], low: r[3], close: r[4], ticks: r[8], final: r[12].isFinal });
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
