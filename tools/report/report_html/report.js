// fnprof HTML report: builds the page from the JSON in #fnprof-data (its
// layout is described in tools/report/formats/html.cpp). Vanilla JS, no network.
// Every name from the data reaches the page through textContent or the
// canvas, never as HTML.
//
// URL fragment: #search=TEXT&thread=N&function=NAME runs a flame graph
// search, selects a thread (0 = all threads) and a function; the number of
// matching nodes is written to #search-count (data-count). Errors are written
// to #errors and body[data-errors]; #status says "ready" once the page is
// built. The headless-browser test (tests/tools/html_report_test.py) reads
// all three.
'use strict';
(function () {
  const ROW = 18;             // flame graph row height, CSS pixels
  const MAX_TABLE_ROWS = 500; // function table rows in the DOM at once
  const MAX_CANVAS = 30000;   // canvas height cap, CSS pixels

  // ---- errors -------------------------------------------------------------
  let errorCount = 0;
  function reportError(message) {
    errorCount++;
    document.body.dataset.errors = String(errorCount);
    let box = document.getElementById('errors');
    if (!box) {
      box = document.createElement('div');
      box.id = 'errors';
      document.body.insertBefore(box, document.body.firstChild);
    }
    box.hidden = false;
    box.textContent += 'Error: ' + message + '\n';
  }
  window.addEventListener('error', (e) => reportError(e.message + ' (line ' + e.lineno + ')'));
  window.addEventListener('unhandledrejection', (e) => reportError(String(e.reason)));

  // ---- helpers ------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const c of children) if (c != null) node.append(c instanceof Node ? c : String(c));
    return node;
  }

  // As the text report's format_duration: three significant digits.
  function duration(ns) {
    const s = ns / 1e9;
    if (!(s > 0)) return '0';
    const sig3 = (v, unit) => v.toFixed(v >= 99.95 ? 0 : v >= 9.995 ? 1 : 2) + unit;
    if (s < 999.5e-9) return sig3(s * 1e9, 'ns');
    if (s < 999.5e-6) return sig3(s * 1e6, '\u00b5s');
    if (s < 999.5e-3) return sig3(s * 1e3, 'ms');
    if (s < 59.995) return sig3(s, 's');
    if (s < 3600) return Math.floor(s / 60) + 'm ' + (s % 60).toFixed(2) + 's';
    const t = Math.round(s);
    return Math.floor(t / 3600) + 'h ' + (Math.floor(t / 60) % 60) + 'm ' + (t % 60) + 's';
  }
  const integer = (n) => Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const pct = (part, whole) => (whole > 0 ? ((100 * part) / whole).toFixed(1) + '%' : '-');

  // Stable colour per name, warm hues like most flame graphs.
  function colour(name) {
    let h = 2166136261;
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
    h >>>= 0;
    return 'hsl(' + (8 + (h % 44)) + ',' + (70 + ((h >>> 8) % 20)) + '%,' + (58 + ((h >>> 16) % 12)) + '%)';
  }

  // ---- data ---------------------------------------------------------------
  const data = JSON.parse(document.getElementById('fnprof-data').textContent);
  const functions = data.functions; // [name, file, line, module]
  const fname = (id) => (id < 0 ? 'all' : functions[id][0]);

  // Index arrays of a tree, built on first use. `keys` names its node arrays
  // (the time trees': calls, incl_ns, self_ns) and its total.
  const TIME_KEYS = { calls: 'calls', incl: 'incl_ns', self: 'self_ns', total: 'total_ns' };
  function prepare(tree, keys = TIME_KEYS) {
    if (tree.ready) return tree;
    const n = tree.nodes.parent.length;
    const parent = Int32Array.from(tree.nodes.parent);
    const func = Int32Array.from(tree.nodes.func);
    const calls = Float64Array.from(tree.nodes[keys.calls]);
    const incl = Float64Array.from(tree.nodes[keys.incl]);
    const self = Float64Array.from(tree.nodes[keys.self]);
    const depth = new Int32Array(n);
    const childCount = new Int32Array(n + 1);
    for (let i = 1; i < n; i++) {
      depth[i] = depth[parent[i]] + 1;
      childCount[parent[i] + 1]++;
    }
    const childStart = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) childStart[i + 1] = childStart[i] + childCount[i + 1];
    const fill = childStart.slice(0, n);
    const children = new Int32Array(Math.max(0, n - 1));
    for (let i = 1; i < n; i++) children[fill[parent[i]]++] = i; // depth-first order keeps sibling order
    if (n) incl[0] = tree[keys.total];
    Object.assign(tree, { n, parent, func, calls, incl, self, depth, childStart, children, ready: true });
    return tree;
  }

  // ---- state --------------------------------------------------------------
  const state = {
    tree: 0,          // index in data.trees
    search: '',
    matcher: null,    // function id -> bool
    selected: -1,     // function id of the table's selected row
    sortKey: 'self',
    sortAsc: false,
    filter: '',
  };
  const tree = () => prepare(data.trees[state.tree]);

  // ---- header and toolbar ------------------------------------------------
  function buildHeader() {
    const s = data.summary;
    const total = data.trees[0];
    const card = (label, value) => el('div', { class: 'card' }, el('div', { class: 'label', text: label }),
                                      el('div', { class: 'value', text: value }));
    document.body.append(el('header', { class: 'top' },
      el('h1', {}, el('span', { class: 'brand', text: 'fnprof' }), s.program),
      el('div', { class: 'cmd', text: s.command_line }),
      s.probe_cost ? el('div', { class: 'cmd', text: 'probe cost: ' + s.probe_cost }) : null,
      el('div', { class: 'cards' },
        card('wall time', duration(s.wall_ns)),
        card('profiled time', duration(total.total_ns)),
        card('calls', integer(total.total_calls)),
        card('threads', String(s.threads)),
        card(s.pids.length > 1 ? 'pids' : 'pid', s.pids.join(', ')),
        card('clock', s.clock))));

    const select = el('select', { id: 'thread-select', 'aria-label': 'thread' });
    data.trees.forEach((t, i) => select.append(el('option', { value: String(i), text: i === 0 ? t.label : 'thread ' + t.label })));
    select.addEventListener('change', () => setTree(Number(select.value)));
    const link = (href, text) => el('a', { href, text });
    document.body.append(el('nav', { class: 'toolbar' },
      link('#sec-findings', 'Findings'), link('#sec-flame', 'Flame graph'), link('#sec-functions', 'Functions'),
      link('#sec-allocations', 'Allocations'), link('#sec-timeline', 'Timeline'), link('#sec-leaks', 'Leaks'),
      link('#sec-phases', 'Phases'),
      el('span', { class: 'spacer' }),
      el('label', {}, 'Thread ', select),
      el('span', { id: 'status', class: 'count', text: 'loading' })));
  }

  function panel(id, title, sub) {
    const h = el('h2', {}, title);
    if (sub) h.append(el('span', { class: 'sub', text: sub }));
    return el('section', { class: 'panel', id }, h);
  }

  // ---- findings -----------------------------------------------------------
  // One finding (or leak): severity, title, evidence, recommendation.
  function findingItem(f, title, jump) {
    return el('li', { class: f.severity },
      el('div', { class: 'finding-title' }, el('span', { class: 'sev ' + f.severity, text: f.severity }), ...title, jump),
      el('div', { class: 'finding-detail' }, el('b', { text: 'Evidence: ' }), f.evidence),
      el('div', { class: 'finding-detail' }, el('b', { text: 'Recommendation: ' }), f.recommendation));
  }

  function buildFindings(main) {
    const sec = panel('sec-findings', 'Findings', 'bottlenecks over all threads, most severe first');
    if (!data.findings.length) {
      sec.append(el('div', { class: 'placeholder', text: 'Nothing above the thresholds (see --threshold).' }));
    } else {
      const list = el('ul', { class: 'findings', id: 'findings-list' });
      for (const f of data.findings) {
        // The title names the function first: shown as code.
        const name = f.function >= 0 ? functions[f.function][0] : '';
        const title = name && f.title.startsWith(name)
          ? [el('code', { text: name }), f.title.slice(name.length)] : [f.title];
        const jump = f.function >= 0
          ? el('a', { class: 'jump', href: '#sec-functions', text: 'show', onclick: () => selectFunction(f.function) }) : null;
        list.append(findingItem(f, title, jump));
      }
      sec.append(list);
    }
    main.append(sec);
  }

  // ---- flame graphs (icicle: callers above callees) ----------------------
  // One drawer per graph: the time graph (calling-context tree by inclusive
  // time) and the allocation graph (allocated bytes by calling context) share
  // it with different data. cfg: tree() (prepared), name(func id), root(),
  // tip(tree, node) text, matcher() and selected() (function id or -1),
  // small (what the grey block of narrow nodes holds), afterDraw().
  let tooltip;
  function makeFlame(canvas, crumbs, cfg) {
    const f = { zoom: 0, rows: [] }; // rows[depth] = [{node, x, w}] sorted by x

    function layout(width) {
      const t = cfg.tree();
      const rows = f.rows = [];
      const put = (node, x, w, depth) => { (rows[depth] || (rows[depth] = [])).push({ node, x, w }); };
      // The zoomed node's ancestors span the whole width.
      const chain = [];
      for (let a = f.zoom; ; a = t.parent[a]) { chain.push(a); if (a === 0) break; }
      chain.reverse();
      chain.forEach((a, d) => put(a, 0, width, d));
      const total = t.incl[f.zoom];
      if (!(total > 0)) return;
      const scale = width / total;
      const stack = [[f.zoom, 0, chain.length - 1]];
      while (stack.length) {
        const [node, x0, d] = stack.pop();
        let x = x0, smallX = -1, smallW = 0, smallCount = 0;
        for (let k = t.childStart[node]; k < t.childStart[node + 1]; k++) {
          const c = t.children[k], w = t.incl[c] * scale;
          if (w >= 0.35) {
            put(c, x, w, d + 1);
            stack.push([c, x, d + 1]);
          } else if (w > 0) {
            // Too narrow to draw one by one (children are largest first, so
            // the rest are too): one grey block stands for all of them.
            if (smallX < 0) smallX = x;
            smallW += w;
            smallCount++;
          }
          x += w;
        }
        if (smallW >= 0.35) (rows[d + 1] || (rows[d + 1] = [])).push({ node: -1, x: smallX, w: smallW, count: smallCount });
      }
      for (const r of rows) r.sort((a, b) => a.x - b.x);
    }

    f.draw = function () {
      const t = cfg.tree();
      const width = Math.max(200, canvas.parentElement.clientWidth || 800);
      layout(width);
      const rows = f.rows;
      const height = Math.min(MAX_CANVAS, Math.max(1, rows.length) * ROW + 2);
      const dpr = window.devicePixelRatio || 1;
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
      canvas.style.height = height + 'px';
      const ctx = canvas.getContext('2d');
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, width, height);
      ctx.font = '12px ' + getComputedStyle(document.body).getPropertyValue('--mono');
      ctx.textBaseline = 'middle';
      const charW = ctx.measureText('abcdefghijklmnopqrstuvwxyz').width / 26 || 7;
      const zoomDepth = t.depth[f.zoom];
      const matcher = cfg.matcher(), selected = cfg.selected();
      rows.forEach((row, d) => {
        const y = d * ROW;
        if (y > MAX_CANVAS) return;
        for (const { node, x, w, count } of row) {
          if (node < 0) {
            ctx.fillStyle = '#d3d7df';
            ctx.fillRect(x, y, Math.max(w - 0.5, 0.5), ROW - 1);
            if (w > 90) { ctx.fillStyle = '#4a5263'; ctx.fillText(integer(count) + ' ' + cfg.small, x + 4, y + ROW / 2); }
            continue;
          }
          const fn = t.func[node], name = node === 0 ? cfg.root() : cfg.name(fn);
          let fill = colour(name);
          if (d < zoomDepth) fill = '#c9ced8';
          if (node === 0) fill = '#aab3c5';
          if (selected >= 0 && fn === selected) fill = '#4f86f7';
          if (matcher && matcher(fn)) fill = '#c061cb';
          ctx.fillStyle = fill;
          ctx.fillRect(x, y, Math.max(w - 0.5, 0.5), ROW - 1);
          if (w > 24) {
            const max = Math.floor((w - 8) / charW);
            const label = node === 0 ? name : name.length > max ? name.slice(0, Math.max(0, max - 1)) + '\u2026' : name;
            if (max >= 2) {
              ctx.fillStyle = '#161a22';
              ctx.fillText(label, x + 4, y + ROW / 2);
            }
          }
        }
      });
      // Breadcrumbs: the zoomed node's call path, each step a link back up.
      crumbs.textContent = '';
      const path = [];
      for (let a = f.zoom; a !== 0; a = t.parent[a]) path.push(a);
      path.reverse();
      crumbs.append(el('a', { text: 'all', onclick: () => f.zoomTo(0) }));
      for (const a of path) crumbs.append(' \u203a ', el('a', { text: cfg.name(t.func[a]), onclick: () => f.zoomTo(a) }));
      if (cfg.afterDraw) cfg.afterDraw();
    };
    f.zoomTo = (node) => { f.zoom = node; f.draw(); };

    function hitTest(e) {
      const r = canvas.getBoundingClientRect();
      const x = e.clientX - r.left, d = Math.floor((e.clientY - r.top) / ROW);
      const row = f.rows[d];
      if (!row) return -1;
      let lo = 0, hi = row.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1, b = row[mid];
        if (x < b.x) hi = mid - 1;
        else if (x >= b.x + b.w) lo = mid + 1;
        else return b.node;
      }
      return -1;
    }

    canvas.addEventListener('mousemove', (e) => {
      const node = hitTest(e);
      if (node < 0) { tooltip.hidden = true; return; }  // nothing, or the grey block of narrow nodes
      const t = cfg.tree();
      tooltip.textContent = '';
      tooltip.append(el('div', { class: 'name', text: node === 0 ? cfg.root() : cfg.name(t.func[node]) }),
        el('div', { text: cfg.tip(t, node) }));
      tooltip.hidden = false;
      const x = Math.min(e.clientX + 14, window.innerWidth - tooltip.offsetWidth - 8);
      tooltip.style.left = Math.max(4, x) + 'px';
      tooltip.style.top = (e.clientY + 16) + 'px';
    });
    canvas.addEventListener('mouseleave', () => { tooltip.hidden = true; });
    canvas.addEventListener('click', (e) => {
      const hit = hitTest(e);
      if (hit >= 0) f.zoomTo(hit);
    });
    return f;
  }

  let timeFlame;
  const flames = [];
  function drawFlame() { timeFlame.draw(); }

  function buildFlame(main) {
    const sec = panel('sec-flame', 'Flame graph', 'calling-context tree by inclusive time; click to zoom');
    const search = el('input', { type: 'search', id: 'search', placeholder: 'Search functions (text or /regex/)' });
    search.addEventListener('input', () => setSearch(search.value));
    sec.append(el('div', { class: 'controls' }, search,
      el('button', { id: 'reset-zoom', text: 'Reset zoom', onclick: () => timeFlame.zoomTo(0) }),
      el('span', { id: 'search-count', class: 'count', 'data-count': '0' })));
    const crumbs = el('div', { class: 'crumbs', id: 'crumbs' });
    const canvas = el('canvas', { id: 'flame-canvas', class: 'flame' });
    sec.append(crumbs, el('div', { class: 'flame-wrap' }, canvas));
    tooltip = el('div', { id: 'tooltip', hidden: '' });
    document.body.append(tooltip);
    timeFlame = makeFlame(canvas, crumbs, {
      tree,
      name: fname,
      root: () => data.trees[state.tree].label,
      tip: (t, node) => 'inclusive ' + duration(t.incl[node]) + ' (' + pct(t.incl[node], t.incl[0]) + ')' +
                        ', self ' + duration(t.self[node]) + ', ' + integer(t.calls[node]) + ' calls' +
                        (node > 0 && functions[t.func[node]][4] ? ', waiting: ' + functions[t.func[node]][4] : ''),
      matcher: () => state.matcher,
      selected: () => state.selected,
      small: 'small calls',
      afterDraw: updateSearchCount,
    });
    flames.push(timeFlame);
    main.append(sec);
  }

  function compileSearch(text) {
    if (!text) return null;
    let test;
    const m = /^\/(.*)\/([a-z]*)$/.exec(text);
    if (m) {
      let re;
      try { re = new RegExp(m[1], m[2]); } catch (e) { return () => false; }
      test = (name) => re.test(name);
    } else {
      const lower = text.toLowerCase();
      test = (name) => name.toLowerCase().includes(lower);
    }
    const cache = new Map();
    return (id) => {
      if (id < 0) return false;
      let r = cache.get(id);
      if (r === undefined) cache.set(id, (r = test(functions[id][0])));
      return r;
    };
  }

  function setSearch(text) {
    state.search = text;
    state.matcher = compileSearch(text);
    const box = document.getElementById('search');
    if (box.value !== text) box.value = text;
    drawFlame();
  }

  // Matching nodes and the share of time under the outermost ones.
  function updateSearchCount() {
    const t = tree(), out = document.getElementById('search-count');
    if (!state.matcher) { out.textContent = ''; out.dataset.count = '0'; return; }
    let count = 0, time = 0;
    const under = new Uint8Array(t.n); // a matching ancestor
    for (let i = 1; i < t.n; i++) {
      const hit = state.matcher(t.func[i]);
      if (hit) { count++; if (!under[t.parent[i]]) time += t.incl[i]; }
      under[i] = hit || under[t.parent[i]] ? 1 : 0;
    }
    out.dataset.count = String(count);
    out.textContent = count + (count === 1 ? ' match, ' : ' matches, ') + pct(time, t.incl[0]) + ' of the time';
  }

  // ---- function table ----------------------------------------------------
  const columns = [
    { key: 'name', label: 'function', cls: 'name' },
    { key: 'calls', label: 'calls' },
    { key: 'incl', label: 'incl total' },
    { key: 'self', label: 'self total' },
    { key: 'blocked', label: 'blocked' },
    { key: 'avg', label: 'incl/call' },
    { key: 'share', label: '% self' },
    { key: 'loc', label: 'file:line', cls: 'loc' },
  ];
  let tableBody, tableHead, tableCount, callsPanel;

  function buildFunctions(main) {
    const sec = panel('sec-functions', 'Functions', 'click a column to sort, a row for its callers and callees');
    const filter = el('input', { type: 'search', id: 'filter', placeholder: 'Filter by name or file' });
    filter.addEventListener('input', () => { state.filter = filter.value.toLowerCase(); renderTable(); });
    tableCount = el('span', { class: 'count', id: 'function-count' });
    sec.append(el('div', { class: 'controls' }, filter, tableCount));
    tableHead = el('tr');
    for (const c of columns) {
      const th = el('th', { class: (c.cls || '') + (c.key !== 'loc' ? ' sortable' : ''), 'data-key': c.key, text: c.label });
      if (c.key !== 'loc') th.addEventListener('click', () => {
        state.sortAsc = state.sortKey === c.key ? !state.sortAsc : c.key === 'name';
        state.sortKey = c.key;
        renderTable();
      });
      tableHead.append(th);
    }
    tableBody = el('tbody', { id: 'function-rows' });
    sec.append(el('div', { class: 'table-wrap' }, el('table', { class: 'data', id: 'function-table' }, el('thead', {}, tableHead), tableBody)));
    callsPanel = el('div', { class: 'calls-panel', id: 'calls-panel' });
    sec.append(callsPanel);
    main.append(sec);
  }

  function fileLine(id) {
    const [, file, line] = functions[id];
    if (!file) return '';
    const short = file.length > 60 ? '\u2026' + file.slice(-59) : file;
    return line ? short + ':' + line : short;
  }

  // A function's calls by duration, as the row's hover text: the percentiles,
  // then the histogram (each bucket from its lower bound, bars to scale).
  function durationsText([min, p50, p90, p99, max, histogram]) {
    const most = histogram.reduce((m, [, calls]) => Math.max(m, calls), 0);
    const lines = histogram.map(([from, calls]) =>
      '\u2265 ' + duration(from).padStart(8) + '  ' + '\u2588'.repeat(Math.max(1, Math.round(30 * calls / most))) +
      ' ' + integer(calls));
    return 'calls by duration: min ' + duration(min) + ', p50 ' + duration(p50) + ', p90 ' + duration(p90) +
      ', p99 ' + duration(p99) + ', max ' + duration(max) + '\n' + lines.join('\n');
  }

  function renderTable() {
    const t = data.trees[state.tree];
    const totalSelf = t.total_self_ns;
    let rowsData = t.stats.map(([id, calls, incl, self, blocked, durations]) => ({ id, calls, incl, self,
                                                                                  blocked: blocked || 0, durations,
                                                                                  avg: calls ? incl / calls : 0,
                                                                                  share: totalSelf > 0 ? self / totalSelf : 0 }));
    if (state.filter) {
      rowsData = rowsData.filter((r) => functions[r.id][0].toLowerCase().includes(state.filter) ||
                                        functions[r.id][1].toLowerCase().includes(state.filter));
    }
    const key = state.sortKey, dir = state.sortAsc ? 1 : -1;
    rowsData.sort((a, b) => {
      if (key === 'name') return dir * functions[a.id][0].localeCompare(functions[b.id][0]);
      return dir * (a[key] - b[key]) || b.self - a.self;
    });
    for (const th of tableHead.children) {
      th.classList.toggle('sorted', th.dataset.key === key);
      th.classList.toggle('asc', th.dataset.key === key && state.sortAsc);
    }
    tableBody.textContent = '';
    const maxSelf = rowsData.reduce((m, r) => Math.max(m, r.self), 0);
    for (const r of rowsData.slice(0, MAX_TABLE_ROWS)) {
      const tr = el('tr', { 'data-function': String(r.id) },
        el('td', { class: 'name' }, functions[r.id][0],
           functions[r.id][4] ? el('span', { class: 'waits', text: ' waiting: ' + functions[r.id][4] }) : null),
        el('td', { text: integer(r.calls) }),
        el('td', { text: duration(r.incl) }),
        el('td', { text: duration(r.self) }),
        el('td', { text: r.blocked ? duration(r.blocked) : '' }),
        el('td', { text: duration(r.avg) }),
        el('td', {}, el('span', { class: 'bar', style: 'width:' + (maxSelf > 0 ? Math.round(40 * r.self / maxSelf) : 0) + 'px' }),
           (100 * r.share).toFixed(1) + '%'),
        el('td', { class: 'loc', text: fileLine(r.id) }));
      if (r.durations) tr.title = durationsText(r.durations);
      if (r.id === state.selected) tr.classList.add('selected');
      tr.addEventListener('click', () => selectFunction(r.id));
      tableBody.append(tr);
    }
    tableCount.textContent = rowsData.length > MAX_TABLE_ROWS
      ? 'showing ' + MAX_TABLE_ROWS + ' of ' + rowsData.length + ' functions (filter to narrow)'
      : rowsData.length + ' of ' + t.stats.length + ' functions';
  }

  // Callers and callees of `f` in the current tree, as call_views.cpp counts
  // them: time of the outermost calls only, so recursion is not counted twice.
  function callEdges(f) {
    const t = tree();
    const callers = new Map(), callees = new Map();
    const add = (map, id, calls, time) => {
      const e = map.get(id) || { id, calls: 0, time: 0 };
      e.calls += calls; e.time += time; map.set(id, e);
    };
    const onPath = (node, g) => { for (let a = t.parent[node]; a !== 0; a = t.parent[a]) if (t.func[a] === g) return true; return false; };
    let incl = 0, calls = 0, self = 0;
    for (let i = 1; i < t.n; i++) {
      if (t.func[i] !== f) continue;
      const outermost = !onPath(i, f);
      calls += t.calls[i]; self += t.self[i];
      if (outermost) incl += t.incl[i];
      add(callers, t.func[t.parent[i]], t.calls[i], outermost ? t.incl[i] : 0);
      for (let k = t.childStart[i]; k < t.childStart[i + 1]; k++) {
        const c = t.children[k], g = t.func[c];
        add(callees, g, t.calls[c], outermost && g !== f && !onPath(i, g) ? t.incl[c] : 0);
      }
    }
    const sorted = (m) => [...m.values()].sort((a, b) => b.time - a.time || b.calls - a.calls);
    return { incl, calls, self, callers: sorted(callers), callees: sorted(callees) };
  }

  function selectFunction(id) {
    state.selected = id;
    renderTable();
    drawFlame();
    const v = callEdges(id);
    callsPanel.textContent = '';
    const table = (title, edges, who, withSelf) => {
      const body = el('tbody');
      for (const e of edges) {
        body.append(el('tr', { onclick: () => { if (e.id >= 0) selectFunction(e.id); } },
          el('td', { class: 'name', text: e.id < 0 ? '(thread start)' : functions[e.id][0] }),
          el('td', { text: integer(e.calls) }), el('td', { text: duration(e.time) }), el('td', { text: pct(e.time, v.incl) })));
      }
      if (withSelf) body.append(el('tr', {}, el('td', { class: 'name', text: '(self)' }), el('td', { text: '' }),
                                        el('td', { text: duration(v.self) }), el('td', { text: pct(v.self, v.incl) })));
      return el('div', {}, el('h3', {}, title + ' ', el('code', { text: functions[id][0] })),
        el('table', { class: 'data' }, el('thead', {}, el('tr', {}, el('th', { class: 'name', text: who }),
          el('th', { text: 'calls' }), el('th', { text: 'time' }), el('th', { text: '% time' }))), body));
    };
    callsPanel.append(table('Callers of', v.callers, 'caller', false), table('Callees of', v.callees, 'callee', true));
  }

  // ---- allocations, timeline, leaks (the allocation tracker's) ------------
  // As the text report's format_bytes.
  function bytes(n) {
    if (n < 1024) return integer(n) + ' B';
    if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KiB';
    if (n < 1024 * 1024 * 1024) return (n / (1024 * 1024)).toFixed(1) + ' MiB';
    return (n / (1024 * 1024 * 1024)).toFixed(2) + ' GiB';
  }
  function placeholder(sec, text) { sec.append(el('div', { class: 'placeholder', text })); }
  // A panel in `main`; null, with `empty` shown in it, when `part` is null.
  function dataPanel(main, id, title, sub, part, empty) {
    const sec = panel(id, title, sub);
    main.append(sec);
    if (part != null) return sec;
    placeholder(sec, empty);
    return null;
  }

  // sites: [name, file, line, allocations, frees, bytes_allocated, leaked_bytes, bytes_at_peak, temporary, mismatched, callers]
  const allocColumns = [
    { key: 0, label: 'site', cls: 'name', text: (r) => r[0] },
    { key: 3, label: 'allocations', text: (r) => integer(r[3]) },
    { key: 4, label: 'frees', text: (r) => integer(r[4]) },
    { key: 5, label: 'allocated', text: (r) => bytes(r[5]) },
    { key: 7, label: 'at peak', text: (r) => bytes(r[7]) },
    { key: 6, label: 'leaked', text: (r) => bytes(r[6]) },
    { key: 8, label: 'temporary', text: (r) => integer(r[8]) },
    { key: 1, label: 'file:line', cls: 'loc', text: (r) => (r[1] ? r[1].split('/').pop() + (r[2] ? ':' + r[2] : '') : '') },
    { key: 10, label: 'called from', cls: 'loc', text: (r) => r[10] },
  ];
  const alloc = { sortKey: 5, sortAsc: false, filter: '' };
  let allocBody, allocHead, allocCount;

  function renderAllocTable() {
    const sites = data.allocations.sites;
    let shown = sites;
    if (alloc.filter) {
      shown = sites.filter((r) => r[0].toLowerCase().includes(alloc.filter) || r[1].toLowerCase().includes(alloc.filter) ||
                                  r[10].toLowerCase().includes(alloc.filter));
    }
    const key = alloc.sortKey, dir = alloc.sortAsc ? 1 : -1;
    shown = shown.slice().sort((a, b) =>
      typeof a[key] === 'string' ? dir * a[key].localeCompare(b[key]) : dir * (a[key] - b[key]) || b[5] - a[5]);
    for (const th of allocHead.children) {
      th.classList.toggle('sorted', Number(th.dataset.key) === key);
      th.classList.toggle('asc', Number(th.dataset.key) === key && alloc.sortAsc);
    }
    allocBody.textContent = '';
    for (const r of shown.slice(0, MAX_TABLE_ROWS)) {
      allocBody.append(el('tr', {}, ...allocColumns.map((c) => el('td', { class: c.cls || '', text: c.text(r) }))));
    }
    allocCount.textContent = shown.length > MAX_TABLE_ROWS
      ? 'showing ' + MAX_TABLE_ROWS + ' of ' + shown.length + ' sites (filter to narrow)'
      : shown.length + ' of ' + sites.length + ' sites';
  }

  function buildAllocations(main) {
    const a = data.allocations;
    const sec = dataPanel(main, 'sec-allocations', 'Allocations', 'allocation sites; click a column to sort', a,
      'No allocation data in this profile. Run the program with fnprof-run (or preload libfnprof_alloc.so) to record it.');
    if (!sec) return;
    const s = a.summary;
    sec.append(el('p', { class: 'summary', id: 'alloc-summary',
      text: integer(s.allocations) + ' allocations (' + bytes(s.bytes_allocated) + '), ' + integer(s.frees) +
            ' frees; peak ' + bytes(s.peak_live_bytes) + '; ' + bytes(s.live_bytes) + ' in ' + integer(s.live_blocks) +
            ' blocks at the end; ' + integer(s.temporary) + ' temporary' +
            (s.mismatched ? '; ' + integer(s.mismatched) + ' mismatched frees' : '') }));
    const filter = el('input', { type: 'search', id: 'alloc-filter', placeholder: 'Filter by site, file or caller' });
    filter.addEventListener('input', () => { alloc.filter = filter.value.toLowerCase(); renderAllocTable(); });
    allocCount = el('span', { class: 'count', id: 'allocation-count' });
    sec.append(el('div', { class: 'controls' }, filter, allocCount));
    allocHead = el('tr');
    for (const c of allocColumns) {
      const th = el('th', { class: (c.cls || '') + ' sortable', 'data-key': String(c.key), text: c.label });
      th.addEventListener('click', () => {
        alloc.sortAsc = alloc.sortKey === c.key ? !alloc.sortAsc : typeof a.sites[0]?.[c.key] === 'string';
        alloc.sortKey = c.key;
        renderAllocTable();
      });
      allocHead.append(th);
    }
    allocBody = el('tbody', { id: 'allocation-rows' });
    sec.append(el('div', { class: 'table-wrap' }, el('table', { class: 'data', id: 'allocation-table' }, el('thead', {}, allocHead), allocBody)));
    renderAllocTable();

    // Allocated bytes by calling context, drawn like the time graph.
    const names = a.tree.functions;
    const allocTree = prepare(a.tree, { calls: 'count', incl: 'incl', self: 'self', total: 'total' });
    const crumbs = el('div', { class: 'crumbs', id: 'alloc-crumbs' });
    const canvas = el('canvas', { id: 'alloc-flame-canvas', class: 'flame' });
    sec.append(el('h3', { text: 'Allocated bytes by calling context' }), crumbs, el('div', { class: 'flame-wrap' }, canvas));
    flames.push(makeFlame(canvas, crumbs, {
      tree: () => allocTree,
      name: (id) => (id < 0 ? 'all' : names[id]),
      root: () => 'all allocations',
      tip: (t, node) => bytes(t.incl[node]) + ' allocated (' + pct(t.incl[node], t.incl[0]) + '), ' +
                        integer(t.calls[node]) + ' allocations, ' + bytes(a.tree.nodes.live[node]) + ' still live',
      matcher: () => null,
      selected: () => -1,
      small: 'small paths',
    }));
  }

  // ---- timeline charts ----------------------------------------------------
  // Inline SVG charts over one time axis (seconds since the process started)
  // so the live heap and the CPU/RSS chart line up: every top-level phase
  // instance is a translucent band behind both, its name in a <title>.
  const SVG_NS = 'http://www.w3.org/2000/svg';
  function svgEl(tag, attrs, text) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text != null) node.textContent = text;
    return node;
  }
  const CHART = { W: 900, H: 240, L: 80, R: 80, T: 18, B: 28 };
  const phaseBands = () => (data.phases ? data.phases.bands : []);

  // The end of the time axis: the last sample or phase end, 1 s when none.
  function timelineEnd() {
    let end = 0;
    for (const p of data.timeline || []) for (const [t] of p.points) end = Math.max(end, t);
    for (const [t] of data.resources ? data.resources.timeline : []) end = Math.max(end, t);
    for (const [begin, length] of phaseBands()) end = Math.max(end, begin + length);
    return end || 1;
  }

  // An empty chart: axes, time labels and the phase bands. sy(v, max) maps a
  // value to y on either vertical axis.
  function chartFrame(id, label, maxT) {
    const { W, H, L, R, T, B } = CHART;
    const sx = (t) => L + (W - L - R) * t / maxT;
    const sy = (v, max) => H - B - (H - T - B) * v / (max || 1);
    const svg = svgEl('svg', { id, viewBox: '0 0 ' + W + ' ' + H, width: '100%', role: 'img', 'aria-label': label });
    const bands = svgEl('g', { class: 'phase-bands' });
    for (const [begin, length, name, pid, tid] of phaseBands()) {
      const x = sx(begin), w = Math.max(1, sx(begin + length) - x);
      const band = svgEl('g', { class: 'phase-band' });
      band.append(svgEl('rect', { x: x.toFixed(1), y: T, width: w.toFixed(1), height: H - T - B, fill: colour(name) }),
                  svgEl('title', {}, name + ' (thread ' + tid + ', pid ' + pid + '): ' + duration(begin * 1e9) +
                                     ' to ' + duration((begin + length) * 1e9) + ', ' + duration(length * 1e9)));
      // The name on the band itself when it fits, cut at the band's width.
      const fits = Math.floor((w - 4) / 6.5);
      if (fits >= 3) {
        band.append(svgEl('text', { x: (x + 2).toFixed(1), y: T - 5, 'font-size': 10, class: 'band-label' },
                          name.length > fits ? name.slice(0, fits - 1) + '\u2026' : name));
      }
      bands.append(band);
    }
    svg.append(bands,
               svgEl('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'axis' }),
               svgEl('line', { x1: L, y1: T, x2: L, y2: H - B, class: 'axis' }),
               svgEl('text', { x: L, y: H - 8, 'font-size': 11 }, '0'),
               svgEl('text', { x: W - R, y: H - 8, 'text-anchor': 'end', 'font-size': 11 }, duration(maxT * 1e9)));
    return { svg, sx, sy };
  }

  const polyline = (points, sx, sy, max) =>
    points.map(([t, v]) => sx(t).toFixed(1) + ',' + sy(v, max).toFixed(1)).join(' ');

  // The live heap of each process over time.
  function heapChart(maxT) {
    const { H, L, T, B } = CHART;
    let maxB = 0;
    for (const p of data.timeline) for (const [, b] of p.points) maxB = Math.max(maxB, b);
    maxB = maxB || 1;
    const { svg, sx, sy } = chartFrame('heap-timeline', 'live heap over time', maxT);
    svg.append(svgEl('text', { x: L - 6, y: T + 10, 'text-anchor': 'end', 'font-size': 11 }, bytes(maxB)),
               svgEl('text', { x: L - 6, y: H - B, 'text-anchor': 'end', 'font-size': 11 }, '0'));
    data.timeline.forEach((p, i) => {
      const line = svgEl('polyline', { points: polyline(p.points, sx, sy, maxB), fill: 'none',
                                       stroke: colour('pid ' + p.pid + i), 'stroke-width': 2,
                                       class: 'heap-line', 'data-pid': p.pid });
      line.append(svgEl('title', {}, 'pid ' + p.pid + ', peak at ' + duration(p.peak_seconds * 1e9)));
      svg.append(line);
    });
    return svg;
  }

  // The sampler's process CPU (left axis, % of one CPU) and RSS (right axis).
  function resourceChart(maxT) {
    const { W, H, L, R, T, B } = CHART;
    const points = data.resources.timeline;
    let maxCpu = 100, maxRss = 0;
    for (const [, cpu, rss] of points) { maxCpu = Math.max(maxCpu, cpu); maxRss = Math.max(maxRss, rss); }
    maxRss = maxRss || 1;
    const { svg, sx, sy } = chartFrame('resource-timeline', 'CPU and RSS over time', maxT);
    const cpuLine = svgEl('polyline', { points: polyline(points.map(([t, c]) => [t, c]), sx, sy, maxCpu),
                                        fill: 'none', class: 'cpu-line', 'stroke-width': 2 });
    cpuLine.append(svgEl('title', {}, 'process CPU, % of one CPU: avg ' + data.resources.cpu_avg.toFixed(1) +
                                      '%, peak ' + data.resources.cpu_peak.toFixed(1) + '%'));
    const rssLine = svgEl('polyline', { points: polyline(points.map(([t, , r]) => [t, r]), sx, sy, maxRss),
                                        fill: 'none', class: 'rss-line', 'stroke-width': 2 });
    rssLine.append(svgEl('title', {}, 'RSS: avg ' + bytes(data.resources.rss_avg) + ', peak ' +
                                      bytes(data.resources.rss_peak)));
    svg.append(cpuLine, rssLine,
               svgEl('line', { x1: W - R, y1: T, x2: W - R, y2: H - B, class: 'axis' }),
               svgEl('text', { x: L - 6, y: T + 10, 'text-anchor': 'end', 'font-size': 11, class: 'cpu-label' },
                     maxCpu.toFixed(0) + '%'),
               svgEl('text', { x: L - 6, y: H - B, 'text-anchor': 'end', 'font-size': 11 }, '0'),
               svgEl('text', { x: W - R + 6, y: T + 10, 'font-size': 11, class: 'rss-label' }, bytes(maxRss)),
               svgEl('text', { x: W - R + 6, y: H - B, 'font-size': 11 }, '0'));
    return svg;
  }

  function buildTimeline(main) {
    const any = data.timeline || data.resources ? true : null;
    const sec = dataPanel(main, 'sec-timeline', 'Timeline', 'live heap, CPU and RSS over time; bands are top-level phases',
      any, 'No timeline data in this profile: the dumps carry no heap samples and no resource samples.');
    if (!sec) return;
    const maxT = timelineEnd();
    if (data.timeline) sec.append(el('h3', { text: 'Live heap' }), el('div', { class: 'timeline-wrap' }, heapChart(maxT)));
    if (data.resources) {
      const r = data.resources;
      sec.append(el('h3', { text: 'CPU and RSS' }),
        el('p', { class: 'summary', id: 'resource-summary',
          text: 'CPU avg ' + r.cpu_avg.toFixed(1) + '%, peak ' + r.cpu_peak.toFixed(1) + '% (100% = one core); RSS avg ' +
                bytes(r.rss_avg) + ', peak ' + bytes(r.rss_peak) + '; threads peak ' + r.threads_peak + '; ' +
                integer(r.samples) + ' samples every ' + duration(r.interval_ns) + ' (sampler cost ' +
                r.sampler_cpu_percent.toFixed(3) + '% of a CPU)' }),
        el('div', { class: 'legend' }, el('span', { class: 'cpu', text: 'process CPU, % of one core (left axis)' }),
          el('span', { class: 'rss', text: 'RSS (right axis)' })),
        el('div', { class: 'timeline-wrap' }, resourceChart(maxT)));
    }
  }

  function buildLeaks(main) {
    const l = data.leaks;
    const sec = dataPanel(main, 'sec-leaks', 'Leaks', 'blocks lost at exit, most severe first; reachable memory apart', l,
      'No leak data in this profile (it needs the allocation tracker).');
    if (!sec) return;
    sec.append(el('p', { class: 'summary', text: (l.at_exit ? '' : '(the dump was not taken at exit) ') + l.summary + '.' }));
    const list = (id, items) => {
      const ul = el('ul', { class: 'findings', id });
      for (const f of items) ul.append(findingItem(f, [f.kind + ': ' + f.title], null));
      return ul;
    };
    if (!l.findings.length) placeholder(sec, 'No leak findings.');
    else sec.append(list('leaks-list', l.findings));
    if (l.reachable.length)
      sec.append(el('h3', { text: (l.scanned ? 'Still reachable' : 'Kept from start-up') + ' (not counted as leaks)' }),
        list('reachable-list', l.reachable));
    sec.append(el('p', { class: 'summary', text: 'How leaks were told apart: ' + l.method + '.' }));
  }

  // ---- the report's tables (phases, checkpoints, counters...) ------------
  // A plain table: head labels, rows of cells (text, or [text, class, style]).
  function staticTable(id, head, rows) {
    const body = el('tbody', { id });
    for (const cells of rows) {
      body.append(el('tr', {}, ...cells.map((c) => Array.isArray(c)
        ? el('td', { class: c[1] || '', style: c[2] || '', text: c[0] }) : el('td', { text: c }))));
    }
    return el('div', { class: 'table-wrap' }, el('table', { class: 'data static' },
      el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { text: h })))), body));
  }

  // A table of the report as people read it (data.tables: html.cpp): its
  // rows' tbody is #<name>-rows; text columns are left-aligned, indented
  // cells shifted by their depth.
  function reportTable(t) {
    const rows = t.rows.map((cells, r) => cells.map((c, k) => {
      const depth = t.indent ? t.indent[r][k] : 0;
      return [c, t.columns[k].text ? 'name' : '', depth ? 'padding-left:' + (9 + 18 * depth) + 'px' : ''];
    }));
    const wrap = staticTable(t.name + '-rows', t.columns.map((c) => c.title), rows);
    wrap.querySelectorAll('th').forEach((th, k) => th.classList.toggle('name', t.columns[k].text));
    return wrap;
  }

  function buildPhases(main) {
    const p = data.phases;
    const any = p || data.tables.length ? true : null;
    const sec = dataPanel(main, 'sec-phases', 'Phases', 'program phases, checkpoints and counters', any,
      'No phase data in this profile: the program marked no phases, checkpoints or counters.');
    if (!sec) return;
    for (const t of data.tables) {
      sec.append(el('h3', { text: t.title }), reportTable(t));
      if (t.name === 'phases' && p && p.dropped) {
        sec.append(el('p', { class: 'summary', text: integer(p.dropped) +
          ' phases not recorded: a thread\'s log was full or nested too deep.' }));
      }
    }
  }

  // ---- thread switching and URL fragment -------------------------------
  function setTree(i) {
    if (!(i >= 0 && i < data.trees.length)) return;
    state.tree = i;
    timeFlame.zoom = 0;
    document.getElementById('thread-select').value = String(i);
    renderTable();
    drawFlame();
  }

  function applyFragment() {
    const params = new URLSearchParams(location.hash.slice(1));
    if (params.has('thread')) setTree(Number(params.get('thread')));
    if (params.has('search')) setSearch(params.get('search'));
    if (params.has('function')) {
      const name = params.get('function');
      const id = functions.findIndex((f) => f[0] === name);
      if (id >= 0) selectFunction(id);
    }
  }

  // ---- build --------------------------------------------------------------
  function build() {
    buildHeader();
    const main = el('main');
    document.body.append(main);
    buildFindings(main);
    buildFlame(main);
    buildFunctions(main);
    buildAllocations(main);
    buildTimeline(main);
    buildLeaks(main);
    buildPhases(main);
    document.body.append(el('footer', { text: 'fnprof perf-report \u00b7 ' + data.summary.dumps }));
    renderTable();
    flames.forEach((f) => f.draw());
    applyFragment();
    window.addEventListener('hashchange', applyFragment);
    let pending = 0;
    window.addEventListener('resize', () => {
      cancelAnimationFrame(pending);
      pending = requestAnimationFrame(() => flames.forEach((f) => f.draw()));
    });
    document.body.dataset.errors = String(errorCount);
    document.getElementById('status').textContent = 'ready';
  }

  try {
    build();
  } catch (e) {
    reportError(e && e.stack ? e.stack : String(e));
  }
})();
