/* near.js: "near me" (docs/near.md). A citizen types a place (address road, neighbourhood,
 * district; Korean or romanised) or, over https, uses the device's location; the list is sorted
 * by distance with the distance shown, records farther than the chosen radius are hidden, and
 * the map (cbmap.js) keeps only their pins. The gazetteer, near/places.js, registers itself as
 * window.CB_NEAR_PLACES and is loaded when first needed (works from file://).
 * ?near=<place>&r=<metres> opens the page with that place chosen.
 * Forms: form[data-near-for=<list id>], data-near-mode "sort" (rows re-ordered in their table)
 * or "results" (a sorted copy of the rows in [data-near-results=<list id>], the list hidden). */
(function () {
  "use strict";
  var DROP = /[\s\-_.·,()'’]+/g;
  var KINDS = ["district", "neighbourhood", "road"];

  function key(s) { return String(s || "").normalize("NFKC").toLowerCase().replace(DROP, ""); }

  function metres(lat1, lon1, lat2, lon2) {
    var r = Math.PI / 180, dLat = (lat2 - lat1) * r, dLon = (lon2 - lon1) * r;
    var a = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 6371000 * 2 * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a));
  }

  function distanceText(m, lang, round) {
    if (m < 1000) return (Math.round(m / 10) * 10) + " m";
    return (m / 1000).toLocaleString(lang, { maximumFractionDigits: 1, minimumFractionDigits: round ? 0 : 1 }) + " km";
  }

  function decode(data) {
    var out = [];
    if (!data || !data.rows) return out;
    for (var i = 0; i < data.rows.length; i++) {
      var rec = {};
      for (var j = 0; j < data.cols.length; j++) rec[data.cols[j]] = data.rows[i][j];
      out.push(rec);
    }
    return out;
  }

  var places = null, waiting = [];
  function withPlaces(src, done) {
    if (places) return done(places);
    if (window.CB_NEAR_PLACES) { places = decode(window.CB_NEAR_PLACES); return done(places); }
    waiting.push(done);
    if (waiting.length > 1) return;
    var s = document.createElement("script");
    var finish = function () {
      places = decode(window.CB_NEAR_PLACES);
      var w = waiting; waiting = [];
      for (var i = 0; i < w.length; i++) w[i](places);
    };
    s.src = src;
    s.onload = finish;
    s.onerror = finish;
    document.head.appendChild(s);
  }

  /* Exact names first (several, e.g. 목동 = 목1동 … 목5동: their mean), else the first whose
   * name starts with what was typed (districts, then neighbourhoods, then roads). */
  function lookup(all, typed, lang) {
    var k = key(typed), exact = [], prefix = null, i, j;
    if (!k) return null;
    for (i = 0; i < all.length; i++) {
      var keys = all[i].keys;
      for (j = 0; j < keys.length; j++) {
        if (keys[j] === k) { exact.push(all[i]); break; }
        if (!prefix && k.length >= 2 && keys[j].indexOf(k) === 0) prefix = all[i];
      }
    }
    var pick = exact.length ? exact : (prefix ? [prefix] : []);
    if (!pick.length) return null;
    var lat = 0, lon = 0;
    for (i = 0; i < pick.length; i++) { lat += pick[i].lat; lon += pick[i].lon; }
    var first = pick[0];
    var label = pick.length > 1 ? String(typed).trim() : (lang === "ko" ? first.name : (first.name_en || first.name));
    return { lat: lat / pick.length, lon: lon / pick.length, label: label, kind: KINDS.indexOf(first.kind) };
  }

  function say(form, name, values) {
    var out = form.querySelector("[data-near-status]"), text = form.getAttribute("data-msg-" + name) || "";
    for (var k in values || {}) text = text.split("{" + k + "}").join(values[k]);
    if (out) out.textContent = text;
  }

  function Near(form) {
    this.form = form;
    this.lang = document.documentElement.lang || "ko";
    this.listId = form.getAttribute("data-near-for");
    this.list = document.getElementById(this.listId);
    this.mode = form.getAttribute("data-near-mode") || "sort";
    this.results = document.querySelector("[data-near-results='" + this.listId + "']");
    this.rows = this.list ? Array.prototype.slice.call(this.list.querySelectorAll("[data-id][data-lat]")) : [];
    this.order = this.rows.slice();
    this.dist = null;
    this.circle = null;
  }

  Near.prototype.ctl = function () { return window.CBMap && window.CBMap.find ? window.CBMap.find(this.list) : null; };

  Near.prototype.show = function (at, radius) {
    var self = this, lang = this.lang, dist = {}, shown = 0;
    this.dist = dist;
    var sorted = this.rows.slice();
    for (var i = 0; i < sorted.length; i++) {
      var row = sorted[i], lat = parseFloat(row.getAttribute("data-lat")), lon = parseFloat(row.getAttribute("data-lon"));
      var d = isNaN(lat) || isNaN(lon) ? Infinity : metres(at.lat, at.lon, lat, lon);
      dist[row.getAttribute("data-id")] = d;
      var cell = row.querySelector("[data-near-distance]");
      if (!cell) {
        cell = document.createElement("small");
        cell.setAttribute("data-near-distance", "");
        cell.className = "near-distance";
        row.cells[0].appendChild(cell);
      }
      cell.textContent = d === Infinity ? "" : distanceText(d, lang);
      if (d <= radius) shown++;
    }
    sorted.sort(function (a, b) { return dist[a.getAttribute("data-id")] - dist[b.getAttribute("data-id")]; });
    if (this.mode === "results" && this.results) this.copy(sorted, radius);
    else for (i = 0; i < sorted.length; i++) sorted[i].parentNode.appendChild(sorted[i]);
    var ctl = this.ctl();
    if (ctl) {
      ctl.narrow.near = function (rec) { var d = dist[rec.id]; return d !== undefined && d <= radius; };
      ctl.apply();
      this.drawn(ctl, at, radius);
    } else {
      for (i = 0; i < this.rows.length; i++) this.rows[i].hidden = !(dist[this.rows[i].getAttribute("data-id")] <= radius);
    }
    this.form.querySelector("[data-near-clear]").hidden = false;
    say(this.form, shown ? "found" : "none", { n: shown.toLocaleString(lang), r: distanceText(radius, lang, true), place: at.label });
    self.form.setAttribute("data-near-active", at.label);
  };

  Near.prototype.copy = function (sorted, radius) {
    var box = this.results, head = this.list.querySelector("thead tr");
    while (box.firstChild) box.removeChild(box.firstChild);
    var table = document.createElement("table"), body = document.createElement("tbody");
    table.className = "records near-results";
    if (head) { var thead = document.createElement("thead"); thead.appendChild(head.cloneNode(true)); table.appendChild(thead); }
    for (var i = 0; i < sorted.length; i++) {
      if (!(this.dist[sorted[i].getAttribute("data-id")] <= radius)) continue;
      var copy = sorted[i].cloneNode(true);
      copy.hidden = false;
      copy.setAttribute("data-near-copy", "");
      body.appendChild(copy);
    }
    table.appendChild(body);
    box.appendChild(table);
    box.hidden = false;
    this.list.hidden = true;
  };

  Near.prototype.drawn = function (ctl, at, radius) {
    if (!ctl.map || !window.L) return;
    if (this.circle) ctl.map.removeLayer(this.circle);
    this.circle = L.circle([at.lat, at.lon], { radius: radius, weight: 2, fill: false, interactive: false }).addTo(ctl.map);
    ctl.map.fitBounds(this.circle.getBounds(), { animate: false, padding: [12, 12] });
  };

  Near.prototype.clear = function () {
    var i, ctl = this.ctl();
    this.dist = null;
    for (i = 0; i < this.order.length; i++) {
      var row = this.order[i], cell = row.querySelector("[data-near-distance]");
      if (cell) cell.parentNode.removeChild(cell);
      if (this.mode !== "results") row.parentNode.appendChild(row);
      if (!ctl) row.hidden = false;
    }
    if (this.results) { this.results.hidden = true; while (this.results.firstChild) this.results.removeChild(this.results.firstChild); }
    this.list.hidden = false;
    if (ctl) { delete ctl.narrow.near; ctl.apply(); if (this.circle && ctl.map) ctl.map.removeLayer(this.circle); ctl.follow(); }
    this.circle = null;
    this.form.querySelector("[data-near-clear]").hidden = true;
    this.form.removeAttribute("data-near-active");
    say(this.form, null);
    remember(null);
  };

  function remember(place, radius) {
    try {
      var q = place ? "?near=" + encodeURIComponent(place) + (radius ? "&r=" + radius : "") : "";
      history.replaceState(null, "", location.pathname + q + location.hash);
    } catch (e) { /* some file:// browsers refuse; the list is still sorted */ }
  }

  function wire(form) {
    var near = new Near(form);
    if (!near.list) return;
    var src = form.getAttribute("data-near-src"), input = form.querySelector("input[name=place]");
    var radius = function () { return parseInt(form.querySelector("select[name=radius]").value, 10) || 1000; };
    var fillList = function (all) {
      var dl = document.getElementById(input.getAttribute("list"));
      if (!dl || dl.options.length || !all) return;
      for (var i = 0; i < all.length; i++) {
        var o = document.createElement("option");
        o.value = near.lang === "ko" ? all[i].name : (all[i].name_en || all[i].name);
        dl.appendChild(o);
      }
    };
    var choose = function (typed, keepUrl) {
      withPlaces(src, function (all) {
        if (!all.length) { say(form, "failed"); return; }
        var at = lookup(all, typed, near.lang);
        if (!at) { say(form, "unknown", { place: typed }); return; }
        near.show(at, radius());
        if (!keepUrl) remember(typed, radius());
      });
    };
    form.hidden = false;
    input.addEventListener("focus", function () { withPlaces(src, fillList); });
    form.addEventListener("submit", function (e) { e.preventDefault(); if (input.value.trim()) choose(input.value); });
    form.querySelector("select[name=radius]").addEventListener("change", function () {
      if (form.hasAttribute("data-near-active") && near.at) near.show(near.at, radius());
    });
    form.querySelector("[data-near-clear]").addEventListener("click", function () { input.value = ""; near.clear(); });
    var show = near.show;
    near.show = function (at, r) { near.at = at; show.call(near, at, r); };
    var locate = form.querySelector("[data-near-locate]");
    if (locate && window.isSecureContext && navigator.geolocation && location.protocol === "https:") {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        say(form, "locating");
        navigator.geolocation.getCurrentPosition(function (pos) {
          near.show({ lat: pos.coords.latitude, lon: pos.coords.longitude, label: locate.textContent }, radius());
        }, function () { say(form, "denied"); }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 60000 });
      });
    }
    var params = location.search ? new URLSearchParams(location.search) : null;
    var wanted = params && params.get("near");
    if (wanted) {
      var r = params.get("r"), sel = form.querySelector("select[name=radius]");
      if (r && sel.querySelector("option[value='" + String(parseInt(r, 10)) + "']")) sel.value = String(parseInt(r, 10));
      input.value = wanted;
      choose(wanted, true);
    }
  }

  /* After cbmap.js has attached its maps (they attach while the page is parsed). */
  function start() {
    var forms = document.querySelectorAll("form[data-near-for]");
    for (var i = 0; i < forms.length; i++) wire(forms[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { setTimeout(start, 0); });
  else setTimeout(start, 0);

  window.CBNear = { key: key, lookup: lookup, metres: metres };
})();
