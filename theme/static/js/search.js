/* clearbuild search client: no framework, no fetch(). Shards are <script>s that call
   CBSearch.register(name, data), so search works from file:// as over http. The tokenizer mirrors
   clearbuild/search/analyzer.py rule for rule (tests/test_search_tokens.py holds them equal);
   ranking mirrors clearbuild/search/query.py. Data only ever reaches the page as text nodes. */
(function (global) {
  "use strict";
  var BIG = "\\u1100-\\u11FF\\u3040-\\u30FF\\u3130-\\u318F\\u31F0-\\u31FF\\u3400-\\u4DBF\\u4E00-\\u9FFF" +
    "\\uA960-\\uA97F\\uAC00-\\uD7A3\\uD7B0-\\uD7FF\\uF900-\\uFAFF\\u{20000}-\\u{3FFFF}";
  var CONN = "\\-_./,\\u2010-\\u2013\\u2212";
  var W = "(?:(?![" + BIG + "])[\\p{L}\\p{N}])";
  var WORD = W + "(?:" + W + "|\\p{M})*";
  var TOKEN = new RegExp("((?:(?=\\p{L})[" + BIG + "])+)|(" + WORD + "(?:[" + CONN + "]" + WORD + ")*)", "gu");
  var SPLIT = new RegExp("[" + CONN + "]", "u");

  // Folding (analyzer.py rule 1): marks off Latin letters, đ -> d, apostrophes inside words out.
  var FOLD = /[\u00c0-\u024f\u1e00-\u1eff\u0300-\u036f'\u2019\u02bc]/;
  var LATIN_MARKS = /([a-z])[\u0300-\u036f]+/g;
  var LET = "(?:(?![" + BIG + "\\u02bc])\\p{L})";
  var APOSTROPHE = new RegExp("(" + LET + ")['\\u2019\\u02bc](?=" + LET + ")", "gu");
  function fold(s) {
    s = s.replace(/\u0111/g, "d").normalize("NFD").replace(LATIN_MARKS, "$1").normalize("NFC");
    return s.replace(APOSTROPHE, "$1");
  }
  function normalize(s) {
    s = String(s).normalize("NFKC").toLowerCase();
    return FOLD.test(s) ? fold(s) : s;
  }

  // [term, start, end] over normalised text (offsets in UTF-16 code units).
  function spans(norm) {
    var out = [], m, i, off;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(norm))) {
      off = m.index;
      if (m[1]) {
        var cs = Array.from(m[1]);
        if (cs.length === 1) out.push([cs[0], off, off + cs[0].length]);
        for (i = 0; i + 1 < cs.length; i++) {
          out.push([cs[i] + cs[i + 1], off, off + cs[i].length + cs[i + 1].length]);
          off += cs[i].length;
        }
      } else {
        var parts = m[2].split(SPLIT);
        for (i = 0; i < parts.length; i++) { out.push([parts[i], off, off + parts[i].length]); off += parts[i].length + 1; }
        if (parts.length > 1) out.push([parts.join(""), m.index, m.index + m[2].length]);
      }
    }
    return out;
  }
  function tokens(text) { return spans(normalize(text)).map(function (t) { return t[0]; }); }
  function queryTerms(text) { return Array.from(new Set(tokens(text))); }

  var enc = typeof TextEncoder !== "undefined" ? new TextEncoder() : null;
  function fnv1a(s) {
    var b = enc.encode(s), h = 0x811c9dc5;
    for (var i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193) >>> 0;
    return h;
  }
  function hex(n, w) { var s = n.toString(16); while (s.length < w) s = "0" + s; return s; }

  // Ranking: more distinct query terms matched (capped terms not counted) first, then the integer
  // score sum, then doc number.
  function rank(meta, terms, postingsOf, filter) {
    var acc = new Map(), capped = false, g = meta.groups, starts = [];
    for (var i = 0; i < g.length; i += 4) starts.push(g[i]);
    terms.forEach(function (t) {
      var p = postingsOf(t), doc = 0, a;
      if (!p) return;
      var cut = p[0] > (p.length - 1) / 2;  // capped list: absence proves nothing, so no "match"
      if (cut) capped = true;
      for (var j = 1; j < p.length; j += 2) {
        doc += p[j];
        a = acc.get(doc);
        if (!a) acc.set(doc, a = { doc: doc, m: 0, s: 0 });
        if (!cut) a.m += 1;
        a.s += p[j + 1];
      }
    });
    var all = [], hits = [];
    acc.forEach(function (a) {
      var lo = 0, hi = starts.length - 1, mid;
      while (lo < hi) { mid = (lo + hi + 1) >> 1; if (starts[mid] <= a.doc) lo = mid; else hi = mid - 1; }
      a.kind = meta.kinds[g[4 * lo + 1]]; a.year = meta.years[g[4 * lo + 2]]; a.district = meta.districts[g[4 * lo + 3]];
      all.push(a);
      if ((!filter.kind || a.kind === filter.kind) && (!filter.district || a.district === filter.district) &&
          (!filter.year || a.year === filter.year)) hits.push(a);
    });
    hits.sort(function (x, y) { return y.m - x.m || y.s - x.s || x.doc - y.doc; });
    return { hits: hits, all: all, capped: capped };
  }

  var data = {}, waiters = {}, base = "", version = "", PAGE = 10;  // results per page (query.py PAGE)
  function register(name, value) {
    data[name] = value;
    (waiters[name] || []).forEach(function (w) { w[0](value); });
    delete waiters[name];
  }
  function load(name) {
    if (name in data) return Promise.resolve(data[name]);
    return new Promise(function (resolve, reject) {
      if (!waiters[name]) {
        waiters[name] = [];
        var s = document.createElement("script");
        s.src = base + "search/" + name + ".js?v=" + encodeURIComponent(version);
        s.onerror = function () { (waiters[name] || []).forEach(function (w) { w[1](new Error(name)); }); delete waiters[name]; };
        document.head.appendChild(s);
      }
      waiters[name].push([resolve, reject]);
    });
  }
  function termShard(meta, t) { return "t-" + hex(fnv1a(t) % meta.shards, meta.tw); }
  function docShard(meta, d) { return "d-" + hex(Math.floor(d / meta.per), meta.dw); }

  // Original text cut into [text, matched] runs: each code point is normalised on its own so
  // matches map back to what the reader sees.
  function highlight(text, wanted) {
    var cps = Array.from(String(text)), norm = "", owner = [], marks = [], out = [];
    cps.forEach(function (c, i) { var n = normalize(c); norm += n; for (var k = 0; k < n.length; k++) owner.push(i); marks.push(false); });
    spans(norm).forEach(function (t) { if (wanted.has(t[0])) for (var k = t[1]; k < t[2]; k++) marks[owner[k]] = true; });
    cps.forEach(function (c, i) {
      if (out.length && out[out.length - 1][1] === marks[i]) out[out.length - 1][0] += c; else out.push([c, marks[i]]);
    });
    return out;
  }

  function ui(root) {
    var $ = function (id) { return document.getElementById(id); };
    var q = $("cb-q"), status = $("cb-status"), list = $("cb-results"), more = $("cb-more");
    var sel = { kind: $("cb-kind"), district: $("cb-district"), year: $("cb-year") };
    var msg = function (k, n) { return (root.getAttribute("data-msg-" + k) || "").replace("{n}", n == null ? "" : n.toLocaleString(lang)); };
    var lang = root.getAttribute("data-lang") || "ko", langRoot = root.getAttribute("data-lang-root") || base;
    var symbol = root.getAttribute("data-currency") || "", seq = 0, timer = 0, shown = 0, current = null;
    var labels = {};
    Object.keys(sel).forEach(function (k) {
      labels[k] = {};
      Array.from(sel[k].options).forEach(function (o) { labels[k][o.value] = o.textContent; });
    });
    var params = new URLSearchParams(location.search);
    q.value = params.get("q") || "";
    Object.keys(sel).forEach(function (k) { var v = params.get(k); if (v && labels[k][v] != null) sel[k].value = v; });

    function saveUrl() {
      var p = new URLSearchParams();
      if (q.value) p.set("q", q.value);
      Object.keys(sel).forEach(function (k) { if (sel[k].value) p.set(k, sel[k].value); });
      var s = p.toString();
      try { history.replaceState(null, "", location.pathname + (s ? "?" + s : "")); } catch (e) { /* some file:// setups refuse */ }
    }
    function counts(all) {
      Object.keys(sel).forEach(function (k) {
        var c = {};
        all.forEach(function (a) { c[a[k]] = (c[a[k]] || 0) + 1; });
        Array.from(sel[k].options).forEach(function (o) {
          o.textContent = labels[k][o.value] + (o.value && all.length ? " (" + (c[o.value] || 0) + ")" : "");
        });
      });
    }
    function item(meta, h, row, wanted) {
      var li = document.createElement("li"), a = document.createElement("a"), kind = document.createElement("span");
      var title = document.createElement("span"), info = document.createElement("span");
      a.href = (h.kind === "pages" ? base : langRoot) + row[1];
      kind.className = "cb-kind"; kind.textContent = labels.kind[h.kind] || h.kind;
      title.className = "cb-title";
      highlight(row[0], wanted).forEach(function (p) {
        var n = p[1] ? document.createElement("mark") : document.createTextNode(p[0]);
        if (p[1]) n.textContent = p[0];
        title.appendChild(n);
      });
      var bits = [row[4], h.district ? labels.district[h.district] || h.district : "", row[2],
        row[3] == null ? "" : row[3].toLocaleString(lang) + (/^[A-Za-z]+$/.test(symbol) ? " " : "") + symbol];
      info.className = "cb-info"; info.textContent = bits.filter(Boolean).join(" · ");
      a.appendChild(kind); a.appendChild(document.createTextNode(" ")); a.appendChild(title);
      li.appendChild(a); li.appendChild(info);
      return li;
    }
    function page(meta, r, wanted, my, t0) {
      var batch = r.hits.slice(shown, shown + PAGE), need = new Set(batch.map(function (h) { return docShard(meta, h.doc); }));
      return Promise.all(Array.from(need).map(load)).then(function () {
        if (my !== seq) return;
        var t1 = performance.now();
        batch.forEach(function (h) { list.appendChild(item(meta, h, data[docShard(meta, h.doc)][h.doc % meta.per], wanted)); });
        shown += batch.length;
        more.hidden = shown >= r.hits.length;
        status.setAttribute("data-render-ms", (performance.now() - t1).toFixed(1));
        status.setAttribute("data-ms", (performance.now() - t0).toFixed(1));
      });
    }
    function run() {
      var my = ++seq, terms = queryTerms(q.value);
      saveUrl();
      if (!terms.length) { list.textContent = ""; status.textContent = ""; more.hidden = true; counts([]); return; }
      status.textContent = msg("loading");
      load("meta").then(function (meta) {
        var names = Array.from(new Set(terms.map(function (t) { return termShard(meta, t); })));
        return Promise.all(names.map(load)).then(function () {
          if (my !== seq) return;
          var t0 = performance.now();
          var f = { kind: sel.kind.value, district: sel.district.value, year: sel.year.value };
          var r = rank(meta, terms, function (t) { var s = data[termShard(meta, t)]; return Object.prototype.hasOwnProperty.call(s, t) ? s[t] : null; }, f);
          status.setAttribute("data-rank-ms", (performance.now() - t0).toFixed(1));
          current = { meta: meta, r: r, wanted: new Set(terms) };
          list.textContent = ""; shown = 0;
          counts(r.all);
          status.textContent = r.hits.length ? msg(r.capped ? "more" : "results", r.hits.length) : msg("none");
          return page(meta, r, current.wanted, my, t0);
        });
      }).catch(function () { if (my === seq) status.textContent = msg("error"); });
    }
    function soon() { clearTimeout(timer); timer = setTimeout(run, 120); }
    q.addEventListener("input", soon);
    Object.keys(sel).forEach(function (k) { sel[k].addEventListener("change", run); });
    root.querySelector("form").addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); run(); });
    more.addEventListener("click", function () {
      if (current) page(current.meta, current.r, current.wanted, seq, performance.now());
    });
    // Arrow keys walk from the box through the result links; Enter opens (a link's default).
    root.addEventListener("keydown", function (e) {
      if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
      var links = Array.from(list.querySelectorAll("a")), i = links.indexOf(document.activeElement);
      if (document.activeElement !== q && i < 0) return;
      e.preventDefault();
      if (e.key === "ArrowDown") (links[i + 1] || links[i] || q).focus();
      else (i > 0 ? links[i - 1] : q).focus();
    });
    run();
  }

  var api = { register: register, tokens: tokens, spans: spans, normalize: normalize, queryTerms: queryTerms,
    fnv1a: fnv1a, rank: rank, highlight: highlight, termShard: termShard, docShard: docShard, data: data };
  if (typeof module === "object" && module.exports) module.exports = api;
  global.CBSearch = api;
  if (typeof document !== "undefined") {
    var start = function () {
      var root = document.getElementById("cb-search");
      if (!root) return;
      base = root.getAttribute("data-root") || "";
      version = root.getAttribute("data-version") || "";
      ui(root);
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
  }
})(typeof globalThis !== "undefined" ? globalThis : this);
