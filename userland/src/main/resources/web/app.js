// dmemu live view: disk map, devices and tables, the trace as a sequence diagram, and the
// step-through of a replay file. Talks to the WebView server (same origin; the token travels
// in the cookie the first page set).
'use strict';

const SVGNS = 'http://www.w3.org/2000/svg';
const LANES = ['client', 'dmioctl', 'handler', 'dm core', 'dmstrategy', 'target', 'disk'];
const COLORS = ['#1d6fd6', '#d6611d', '#2e9e44', '#9b3fc7', '#c7a11d', '#1da7b5', '#c72f5c', '#5d6b1d'];
const MAX_STEPS = 400;     // steps kept for the diagram
const FLAGS = [[0x1, 'READONLY'], [0x2, 'SUSPEND'], [0x4, 'EXISTS'], [0x8, 'PERSISTENT_DEV'],
  [0x10, 'STATUS_TABLE'], [0x20, 'ACTIVE_PRESENT'], [0x40, 'INACTIVE_PRESENT'], [0x100, 'BUFFER_FULL'],
  [0x200, 'SKIP_BDGET'], [0x400, 'SKIP_LOCKFS'], [0x800, 'NOFLUSH'], [0x1000, 'QUERY_INACTIVE_TABLE']];

const view = {
  steps: [],          // trace steps drawn, oldest first
  held: [],           // steps that arrived while paused
  paused: false,
  lastSeq: 0,
  state: null,
  selectedDevice: null,
  selectedStep: null,
  colorOf: new Map(),
  refreshTimer: null,
};

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function svg(tag, attrs, text) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function decodeFlags(f) {
  const names = FLAGS.filter(([bit]) => (f & bit) !== 0).map(([, n]) => n);
  return names.length ? names.join(' | ') : '0';
}

function colorFor(name) {
  if (!view.colorOf.has(name)) view.colorOf.set(name, COLORS[view.colorOf.size % COLORS.length]);
  return view.colorOf.get(name);
}

async function getJson(url, opts) {
  const r = await fetch(url, Object.assign({ credentials: 'same-origin', cache: 'no-store' }, opts || {}));
  if (!r.ok) throw new Error(url + ': ' + r.status);
  return r.json();
}

// ---- kernel state ------------------------------------------------------------------------

async function refreshState() {
  try {
    view.state = await getJson('/api/state');
    drawDisks(view.state);
    drawDevices(view.state);
  } catch (e) {
    setStatus('error: ' + e.message, '');
  }
}

function scheduleRefresh() {
  if (view.paused) return;
  clearTimeout(view.refreshTimer);
  view.refreshTimer = setTimeout(refreshState, 120);
}

// One bar per disk. The scale is linear in sectors, but every drawn feature gets at least a few
// pixels so that the MBR and the label sector stay visible on a 256 MiB disk.
function drawDisks(state) {
  const root = document.getElementById('diskmap');
  root.replaceChildren();
  const W = 1000;
  for (const d of state.disks) {
    const box = el('div', { class: 'disk' });
    box.appendChild(el('div', { class: 'disk-title' },
      d.name + ' — ' + d.sectors + ' sectors of ' + d.secsize + ' bytes' +
      (d.labelSector >= 0 ? ', disklabel at sector ' + d.labelSector + ' (read-only)' : ', no label sector')));
    const ranges = [];
    for (const dev of state.devices) {
      for (const slot of ['active', 'inactive']) {
        for (const en of dev[slot].entries) {
          for (const c of en.components) {
            if (c.disk === d.name) ranges.push({ dev: dev.name, slot, en, c });
          }
        }
      }
    }
    const rowH = 16;
    const rangeRows = Math.max(1, ranges.length);
    const H = 20 + rangeRows * rowH + 30 + 16 * Math.max(1, d.partitions.length) + 10;
    const s = svg('svg', { viewBox: `0 0 ${W + 120} ${H}`, width: '100%', 'data-disk': d.name });
    const x = (sec) => 110 + (sec / Math.max(1, d.sectors)) * W;
    const wOf = (len) => Math.max(3, (len / Math.max(1, d.sectors)) * W);
    // dm ranges, one row each
    ranges.forEach((r, i) => {
      const y = 4 + i * rowH;
      const g = svg('g', { class: 'range', 'data-device': r.dev, 'data-slot': r.slot,
        'data-start': r.c.diskStart, 'data-end': r.c.diskEnd, 'data-covers-label': r.c.coversLabel });
      const rect = svg('rect', { x: x(r.c.diskStart), y, width: wOf(r.c.length), height: rowH - 3,
        fill: colorFor(r.dev), 'fill-opacity': r.slot === 'active' ? 0.85 : 0.3,
        stroke: r.c.coversLabel ? '#b3261e' : colorFor(r.dev), 'stroke-width': r.c.coversLabel ? 2 : 1,
        'stroke-dasharray': r.slot === 'active' ? '' : '4 2' });
      rect.appendChild(svg('title', {}, `${r.dev} (${r.slot} table): ${r.en.start} ${r.en.length} ${r.en.type} ${r.en.params}\n` +
        `${r.c.dev}${r.c.node ? " (" + r.c.node + ")" : ""} sectors ${r.c.offset}..${r.c.offset + r.c.length - 1} = ${d.name} sectors ${r.c.diskStart}..${r.c.diskEnd}` +
        (r.c.coversLabel ? '\ncovers the disklabel sector: dm(4) says to offset components past the label' : '')));
      g.appendChild(rect);
      g.appendChild(svg('text', { x: 4, y: y + rowH - 5 }, `${r.dev}${r.slot === 'inactive' ? ' (inactive)' : ''}`));
      g.appendChild(svg('text', { x: Math.min(x(r.c.diskStart) + wOf(r.c.length) + 4, W + 20), y: y + rowH - 5 },
        `${r.c.node || r.c.dev} +${r.c.offset}` + (r.c.coversLabel ? ' ⚠ label' : '')));
      s.appendChild(g);
    });
    // the disk bar
    const by = 8 + rangeRows * rowH;
    s.appendChild(svg('text', { x: 4, y: by + 14 }, d.name));
    s.appendChild(svg('rect', { x: 110, y: by, width: W, height: 20, fill: '#e6e9ef', stroke: '#8893a8' }));
    for (const m of d.mbr) {
      const r = svg('rect', { class: 'mbr-part', x: x(m.start), y: by, width: wOf(m.size), height: 20,
        fill: m.type === 0xa9 ? '#c9d8ef' : '#d9dde6', stroke: '#8893a8' });
      r.appendChild(svg('title', {}, `MBR slot ${m.slot}: type 0x${m.type.toString(16)}, sectors ${m.start}..${m.start + m.size - 1}`));
      s.appendChild(r);
    }
    const mbr = svg('rect', { class: 'mbr', x: 110, y: by, width: 3, height: 20, fill: '#5b6476' });
    mbr.appendChild(svg('title', {}, 'sector 0: MBR'));
    s.appendChild(mbr);
    if (d.labelSector >= 0) {
      const ls = svg('rect', { class: 'label-sector', x: x(d.labelSector), y: by - 3, width: 4, height: 26, fill: '#b3261e' });
      ls.appendChild(svg('title', {}, `sector ${d.labelSector}: disklabel (writes fail with EROFS unless DIOCWLABEL)`));
      s.appendChild(ls);
    }
    // label partitions, one row each
    d.partitions.forEach((p, i) => {
      const y = by + 26 + i * 16;
      s.appendChild(svg('text', { x: 4, y: y + 11 }, `${d.name}${p.letter}`));
      const r = svg('rect', { class: 'partition', 'data-part': p.letter, x: x(p.offset), y, width: wOf(p.size), height: 12,
        fill: '#b9c3d6' });
      r.appendChild(svg('title', {}, `${d.name}${p.letter}: offset ${p.offset}, ${p.size} sectors, fstype ${p.fstype}`));
      s.appendChild(r);
    });
    box.appendChild(s);
    root.appendChild(box);
  }
}

function tableText(t) {
  if (!t.entries.length) return '(none)';
  return t.entries.map((e) => `${e.start} ${e.length} ${e.type} ${e.params}`).join('\n');
}

function drawDevices(state) {
  const root = document.getElementById('devlist');
  root.replaceChildren();
  if (!state.devices.length) {
    root.appendChild(el('p', { class: 'hint' }, 'No dm devices. Create one with dmctl or dmsetup.'));
  }
  for (const dev of state.devices) {
    const card = el('div', { class: 'device', 'data-name': dev.name });
    if (dev.name === view.selectedDevice) card.classList.add('selected');
    const head = el('div');
    const sw = el('span', { class: 'swatch' });
    sw.style.background = colorFor(dev.name);
    head.appendChild(sw);
    head.appendChild(el('span', { class: 'name' }, dev.name));
    head.appendChild(document.createTextNode(`  minor ${dev.minor}, open count ${dev.openCount}` +
      (dev.uuid ? `, uuid ${dev.uuid}` : '')));
    card.appendChild(head);
    card.appendChild(el('div', { class: 'flags' }, 'flags 0x' + dev.flags.toString(16) + ': ' + decodeFlags(dev.flags)));
    for (const slot of ['active', 'inactive']) {
      const t = el('div', { class: 'table', 'data-slot': slot });
      t.appendChild(el('span', { class: 'slot' }, slot + ' table:\n'));
      t.appendChild(document.createTextNode(tableText(dev[slot])));
      card.appendChild(t);
      if (dev[slot].entries.some((e) => e.components.some((c) => c.coversLabel))) {
        card.appendChild(el('div', { class: 'warn' },
          `${slot} table: a component covers a disklabel sector; dm(4): offset components past the label`));
      }
    }
    card.addEventListener('click', () => {
      view.selectedDevice = dev.name;
      document.querySelectorAll('.device').forEach((c) => c.classList.toggle('selected', c === card));
      document.getElementById('xmlview').textContent =
        `<!-- status of ${dev.name} -->\n${dev.statusXml || ''}\n<!-- table (active) -->\n${dev.active.xml || ''}` +
        `\n<!-- table (inactive) -->\n${dev.inactive.xml || ''}`;
    });
    root.appendChild(card);
  }
}

// ---- the trace as a sequence diagram ------------------------------------------------------

function addSteps(steps) {
  for (const s of steps) {
    view.lastSeq = Math.max(view.lastSeq, s.seq);
    if (view.paused) view.held.push(s); else view.steps.push(s);
  }
  if (view.steps.length > MAX_STEPS) view.steps.splice(0, view.steps.length - MAX_STEPS);
  if (!view.paused) {
    drawSequence();
    scheduleRefresh();
  }
}

function drawSequence() {
  const s = document.getElementById('seq');
  s.replaceChildren();
  const laneW = 112;
  const rowH = 20;
  const top = 26;
  const W = LANES.length * laneW + 960;
  const H = top + view.steps.length * rowH + 10 + Math.max(0, new Set(view.steps.map((x) => x.request)).size) * 6;
  s.setAttribute('viewBox', `0 0 ${W} ${H}`);
  s.setAttribute('width', W);
  s.setAttribute('height', H);
  const lx = (lane) => laneW / 2 + LANES.indexOf(lane) * laneW;
  LANES.forEach((lane) => {
    s.appendChild(svg('text', { x: lx(lane), y: 14, 'text-anchor': 'middle', 'font-weight': 'bold' }, lane));
    s.appendChild(svg('line', { x1: lx(lane), y1: 20, x2: lx(lane), y2: H, stroke: '#c5cbd6', 'stroke-dasharray': '3 3' }));
  });
  let y = top;
  let prevLane = 'client';
  let prevRequest = null;
  for (const st of view.steps) {
    if (st.request !== prevRequest) {
      if (prevRequest !== null) {
        s.appendChild(svg('line', { x1: 0, y1: y + 2, x2: W, y2: y + 2, stroke: '#dde1e8' }));
        y += 6;
      }
      prevLane = 'client';
      prevRequest = st.request;
    }
    const lane = LANES.includes(st.lane) ? st.lane : 'dm core';
    const g = svg('g', { class: 'step', 'data-seq': st.seq, 'data-function': st.function, 'data-lane': lane,
      'data-request': st.request });
    if (view.selectedStep === st.seq) g.classList.add('selected');
    const x1 = lx(prevLane);
    const x2 = lx(lane);
    if (x1 !== x2) {
      g.appendChild(svg('line', { x1, y1: y + 10, x2: x2 + (x2 > x1 ? -5 : 5), y2: y + 10, stroke: '#55607a' }));
      const dir = x2 > x1 ? -1 : 1;
      g.appendChild(svg('path', { d: `M${x2} ${y + 10} l${dir * 6} -4 l0 8 z`, fill: '#55607a' }));
    }
    g.appendChild(svg('circle', { cx: x2, cy: y + 10, r: 4, fill: colorForLane(lane) }));
    if (failed(st)) g.classList.add('failed');
    const full = stepLabel(st);
    const label = full.length > 140 ? full.slice(0, 137) + '…' : full;
    g.appendChild(svg('text', { x: LANES.length * laneW + 4, y: y + 14 }, '  '.repeat(st.depth) + label));
    g.appendChild(svg('title', {}, st.text));
    g.appendChild(svg('rect', { x: 0, y, width: W, height: rowH, fill: 'transparent' }));
    g.addEventListener('click', () => selectStep(st));
    s.appendChild(g);
    prevLane = lane;
    y += rowH;
  }
  const wrap = document.getElementById('seqwrap');
  wrap.scrollTop = wrap.scrollHeight;
}

// A step is drawn as its function and its named values (the structured trace); the exact
// --trace line is its tooltip and stays in the detail pane.
function valueText(x) {
  if (x === null || x === undefined) return '(none)';
  return Array.isArray(x) ? '[' + x.join(', ') + ']' : String(x);
}

function stepLabel(st) {
  const vals = Object.entries(st.values || {}).map(([k, x]) => `${k}=${valueText(x)}`);
  return vals.length ? `${st.function}  ${vals.join(' ')}` : `${st.function}  ${st.text}`;
}

// A step whose errno value is set (not NONE) failed: drawn in red.
function failed(st) {
  const v = st.values || {};
  return ['error', 'errno'].some((k) => v[k] !== undefined && v[k] !== null && v[k] !== 'NONE' && v[k] !== 0);
}

function colorForLane(lane) {
  return ['#55607a', '#1d6fd6', '#d6611d', '#9b3fc7', '#2e9e44', '#c7a11d', '#c72f5c'][LANES.indexOf(lane)] || '#55607a';
}

function selectStep(st) {
  view.selectedStep = st.seq;
  document.querySelectorAll('.step').forEach((g) => g.classList.toggle('selected', Number(g.dataset.seq) === st.seq));
  const vals = Object.entries(st.values || {}).map(([k, x]) => `  ${k} = ${valueText(x)}`).join('\n');
  document.getElementById('detail').textContent =
    `${st.function} (request ${st.request}, depth ${st.depth}, lane ${st.lane})\n${st.text}\n` +
    `dmemu: ${st.javaClass || '(not mapped)'}\nNetBSD: ${st.netbsdFile || '(not mapped)'}` +
    (vals ? `\nvalues:\n${vals}` : '');
}

// ---- live updates --------------------------------------------------------------------------

function setStatus(text, cls) {
  const s = document.getElementById('status');
  s.textContent = text;
  s.className = 'status ' + (cls || '');
}

function connect() {
  const es = new EventSource('/api/events?after=' + view.lastSeq);
  es.onopen = () => setStatus(view.paused ? 'paused' : 'live', view.paused ? 'paused' : 'live');
  es.onmessage = (m) => addSteps([JSON.parse(m.data)]);
  es.onerror = () => {
    setStatus('reconnecting…', '');
    es.close();
    setTimeout(connect, 1000);
  };
}

function togglePause() {
  view.paused = !view.paused;
  document.getElementById('pause').textContent = view.paused ? 'Resume' : 'Pause';
  setStatus(view.paused ? 'paused' : 'live', view.paused ? 'paused' : 'live');
  if (!view.paused) {
    view.steps.push(...view.held);
    view.held = [];
    if (view.steps.length > MAX_STEPS) view.steps.splice(0, view.steps.length - MAX_STEPS);
    drawSequence();
    refreshState();
  }
}

// ---- step-through ----------------------------------------------------------------------------

async function loadLesson() {
  const l = await getJson('/api/lesson');
  const sec = document.getElementById('lesson');
  if (!l.loaded) {
    sec.hidden = true;
    return;
  }
  sec.hidden = false;
  document.getElementById('lesson-name').textContent = l.name;
  const ol = document.getElementById('lesson-steps');
  ol.replaceChildren();
  l.steps.forEach((s, i) => {
    const li = el('li', { 'data-number': s.number, 'data-done': String(s.output !== null) });
    if (i === l.done) li.classList.add('next');
    if (s.explanation) li.appendChild(el('p', {}, s.explanation));
    const src = el('details', { class: 'source' });
    src.appendChild(el('summary', {}, summaryOf(s.source)));
    src.appendChild(el('pre', { class: 'source' }, s.source));
    li.appendChild(src);
    const out = el('details', { class: 'output' });
    if (i === l.done - 1) out.setAttribute('open', '');
    out.appendChild(el('summary', {}, s.output === null ? 'not run yet' : 'output: ' + summaryOf(s.output)));
    out.appendChild(el('pre', { class: 'output' }, s.output === null ? '' : s.output));
    li.appendChild(out);
    ol.appendChild(li);
  });
  const btn = document.getElementById('step-button');
  btn.disabled = l.done >= l.steps.length;
  btn.textContent = l.done >= l.steps.length ? 'Finished' : `Step ${l.done + 1} of ${l.steps.length}`;
  const next = ol.querySelector('li.next');
  if (next) next.scrollIntoView({ block: 'nearest' });
}

// One line for an item or its output: the directive itself, or the command (and for a reply,
// its flags) of a request document.
function summaryOf(text) {
  const t = text.trim();
  if (!t.startsWith('<')) return t.split('\n')[0];
  const cmd = /<key>command<\/key>\s*<string>([^<]*)<\/string>/.exec(t);
  const name = /<key>name<\/key>\s*<string>([^<]*)<\/string>/.exec(t);
  const flags = /<key>flags<\/key>\s*<integer>([^<]*)<\/integer>/.exec(t);
  return 'NETBSD_DM_IOCTL ' + (cmd ? cmd[1] : '?') + (name ? ' ' + name[1] : '') +
    (flags ? ', flags ' + flags[1] + ' (' + decodeFlags(Number(flags[1])) + ')' : ', no flags');
}

async function step() {
  const btn = document.getElementById('step-button');
  btn.disabled = true;
  try {
    await getJson('/api/step', { method: 'POST' });
  } finally {
    await loadLesson();
    scheduleRefresh();
  }
}

async function start() {
  document.getElementById('pause').addEventListener('click', togglePause);
  document.getElementById('step-button').addEventListener('click', step);
  try {
    addSteps(await getJson('/api/trace?after=0'));
  } catch (e) {
    setStatus('error: ' + e.message, '');
  }
  await refreshState();
  await loadLesson();
  connect();
}

document.addEventListener('DOMContentLoaded', start);
