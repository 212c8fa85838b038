/* cbmap.js: markers, popups and filters for the maps folium draws (docs/maps.md).
 *
 * Why this file exists: record data must never become JavaScript source. It arrives only as JSON
 * (an inline <script type="application/json"> block, or a data file that registers itself in
 * window.CB_MAPDATA), and every piece of it reaches the page through textContent or a checked
 * href, never through innerHTML. The list beside the map is plain HTML and works without this
 * file; with it, one filter form filters the markers and the list rows together.
 */
(function () {
  "use strict";

  var HTTP = /^https?:\/\/[^\u0000-\u0020\u007f\\<>"']+$/i;
  var REL = /^(?![a-z][a-z0-9+.\-]*:)(?![\/\\])[^\u0000-\u0020\u007f\\<>"']+$/i;
  var CSS_WORD = /^[A-Za-z0-9_\-]{1,40}$/;
  var TRUE = { "1": 1, "true": 1, "yes": 1, "y": 1 };
  var controllers = {};
  var FIT = { paddingTopLeft: [12, 12], paddingBottomRight: [12, 26] }; // clear of the attribution

  function href(root, url) {
    if (typeof url !== "string" || !url) return null;
    if (HTTP.test(url)) return url;
    if (REL.test(url)) return root + url;
    return null;
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function decode(table) {
    var cols = table.cols, out = [];
    for (var i = 0; i < table.rows.length; i++) {
      var row = table.rows[i], rec = {};
      for (var j = 0; j < cols.length; j++) rec[cols[j]] = row[j];
      out.push(rec);
    }
    return out;
  }

  function byAttr(name, id) {
    var all = document.querySelectorAll("[" + name + "]"), out = [];
    for (var i = 0; i < all.length; i++) if (all[i].getAttribute(name) === id) out.push(all[i]);
    return out;
  }

  /* The form's current choices (controls named by data-cbmap-filter or by name): a select or
   * radio must equal, a checked box must be true, a search box must occur in the title
   * (records) or in the row's text (list). */
  function criteria(form) {
    var out = [];
    if (!form) return out;
    var inputs = form.querySelectorAll("[data-cbmap-filter], select[name], input[name]");
    for (var i = 0; i < inputs.length; i++) {
      var c = inputs[i], key = c.getAttribute("data-cbmap-filter") || c.name;
      if (c.hasAttribute("data-cbmap-dataset") || c.disabled) continue;
      if (c.type === "checkbox") {
        if (c.checked) out.push({ key: key, truthy: true });
      } else if (c.type === "radio") {
        if (c.checked && c.value) out.push({ key: key, value: c.value });
      } else if (c.type === "search" || c.type === "text") {
        var q = c.value.trim().toLowerCase();
        if (q) out.push({ key: key, text: q });
      } else if (c.value) {
        out.push({ key: key, value: c.value });
      }
    }
    return out;
  }

  function matches(crit, get, text) {
    for (var i = 0; i < crit.length; i++) {
      var c = crit[i];
      if (c.text !== undefined) {
        if (text().toLowerCase().indexOf(c.text) < 0) return false;
        continue;
      }
      var v = get(c.key);
      v = v === null || v === undefined ? "" : String(v);
      if (c.truthy ? !TRUE[v.toLowerCase()] : v !== c.value) return false;
    }
    return true;
  }

  function setLayers(group, layers) {
    group.clearLayers();
    if (group.addLayers) group.addLayers(layers);
    else for (var i = 0; i < layers.length; i++) group.addLayer(layers[i]);
  }

  /* Which form, list and counters belong to a map: either the page's own list (config
   * "filter_for": the list's id, its form[data-filter-for], [data-count] inside the list) or
   * elements marked data-cbmap-filters / data-cbmap-list / data-cbmap-count = the map id. */
  function Controller(id, listId) {
    this.id = id;
    this.cfg = null;
    this.records = [];
    this.byId = {};
    this.group = null;
    this.wired = false;
    this.narrow = {};  // name -> function (record or {id}) -> bool: other scripts (near.js) narrow further
    this.bind(listId);
  }

  Controller.prototype.kept = function (rec) {
    for (var k in this.narrow) if (!this.narrow[k](rec)) return false;
    return true;
  };

  Controller.prototype.bind = function (listId) {
    var id = this.id;
    this.listId = listId || null;
    this.list = (listId ? document.getElementById(listId) : byAttr("data-cbmap-list", id)[0]) || null;
    this.form = (listId ? byAttr("data-filter-for", listId) : byAttr("data-cbmap-filters", id))[0] || null;
    this.fill = !!(this.list && this.list.hasAttribute("data-cbmap-fill"));
    this.counts = byAttr("data-cbmap-count", id);
    if (this.list) {
      var inner = this.list.querySelectorAll("[data-count]");
      for (var i = 0; i < inner.length; i++) this.counts.push(inner[i]);
    }
    this.status = byAttr("data-cbmap-status", id)[0] || null;
  };

  Controller.prototype.label = function (name, fallback) {
    var labels = (this.cfg && this.cfg.labels) || {};
    return typeof labels[name] === "string" ? labels[name] : fallback;
  };

  Controller.prototype.popup = function (rec) {
    var cfg = this.cfg, box = el("div", "cbmap-popup");
    var link = href(cfg.link_root, rec.url);
    var title = el("p", "cbmap-popup-title");
    if (link) {
      var a = el("a", null, rec.title);
      a.href = link;
      title.appendChild(a);
    } else {
      title.textContent = String(rec.title);
    }
    box.appendChild(title);
    var fields = cfg.fields || [], dl = null;
    for (var i = 0; i < fields.length; i++) {
      var v = rec[fields[i][0]];
      if (v === null || v === undefined || v === "") continue;
      dl = dl || box.appendChild(el("dl", "cbmap-popup-fields"));
      dl.appendChild(el("dt", null, fields[i][1]));
      dl.appendChild(el("dd", null, this.label(fields[i][0] + ":" + v, v)));
    }
    if (link) {
      var more = el("a", "cbmap-popup-more", this.label("open", "자세히 보기"));
      more.href = link;
      box.appendChild(more);
    }
    return box;
  };

  Controller.prototype.marker = function (rec) {
    var cfg = this.cfg, self = this;
    var cls = "cbmap-pin";
    if (CSS_WORD.test(String(cfg.kind))) cls += " cbmap-pin-" + cfg.kind;
    if (cfg.colour_by) {
      var v = String(rec[cfg.colour_by]);
      if (CSS_WORD.test(v)) cls += " cbmap-pin--" + v;
    }
    var m = L.marker([rec.lat, rec.lon], {
      icon: L.divIcon({ className: cls, iconSize: [16, 16], iconAnchor: [8, 8], popupAnchor: [0, -8] }),
      title: String(rec.title),
      keyboard: true,
      riseOnHover: true
    });
    m.bindPopup(function () { return self.popup(rec); });
    return m;
  };

  Controller.prototype.setRecords = function (recs) {
    this.records = recs;
    this.byId = {};
    for (var i = 0; i < recs.length; i++) {
      var r = recs[i];
      this.byId[r.id] = r;
      if (this.group && typeof r.lat === "number" && typeof r.lon === "number") r.marker = this.marker(r);
    }
    this.apply();
    this.legend();
  };

  /* A legend for the pin colours: one swatch per value of colour_by among the records. */
  Controller.prototype.legend = function () {
    var cfg = this.cfg, key = cfg && cfg.colour_by, self = this, seen = {}, values = [], i;
    if (!this.map || !key || !L.control) return;
    for (i = 0; i < this.records.length; i++) {
      var v = String(this.records[i][key]);
      if (!seen[v] && CSS_WORD.test(v)) { seen[v] = true; values.push(v); }
    }
    if (this.legendControl) this.map.removeControl(this.legendControl);
    if (!values.length) return;
    var order = cfg.legend_order || [];
    values.sort(function (a, b) { return (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99); });
    var ctl = L.control({ position: "bottomright" });
    ctl.onAdd = function () {
      var box = el("div", "cbmap-legend");
      box.setAttribute("role", "group");
      box.setAttribute("aria-label", self.label("legend", "범례"));
      for (var j = 0; j < values.length; j++) {
        var row = box.appendChild(el("span", "cbmap-legend-row"));
        row.appendChild(el("span", "cbmap-pin cbmap-pin--" + values[j]));
        row.appendChild(el("span", null, self.label(key + ":" + values[j], values[j])));
      }
      return box;
    };
    this.legendControl = ctl.addTo(this.map);
  };

  /* The map follows the list: a district filter zooms to its boundary, other filters to the pins
   * they leave, and clearing every filter goes back to the first view. */
  Controller.prototype.follow = function () {
    if (!this.map || !this.group) return;
    var self = this;
    this.settled(function () { self.fit(); });
  };

  Controller.prototype.fit = function () {
    var crit = criteria(this.form), district = null, i;
    for (i = 0; i < crit.length; i++) if (crit[i].key === "district" && crit[i].value) district = crit[i].value;
    var area = district && this.geo ? this.district(district) : null;
    var jump = { animate: false, padding: [24, 24], maxZoom: 15 };  // a jump: no animation to race with
    if (area) { this.map.fitBounds(area.getBounds(), jump); return; }
    if (!crit.length) { if (this.home) this.map.fitBounds(this.home, Object.assign({ animate: false }, FIT)); return; }
    var layers = [];
    for (i = 0; i < this.records.length; i++) {
      var m = this.records[i].marker;
      if (m && this.group.hasLayer(m)) layers.push(m);
    }
    if (layers.length) this.map.fitBounds(L.featureGroup(layers).getBounds(), jump);
  };

  Controller.prototype.district = function (code) {
    var found = null;
    this.geo.eachLayer(function (l) { if (l.feature && l.feature.properties.code === code) found = l; });
    return found;
  };

  /* Clusters from the keyboard: each is a labelled button; Enter or Space zooms into it, or
   * spreads its pins when they cannot be told apart by zooming. */
  Controller.prototype.clusterKeys = function () {
    var self = this, map = this.map, group = this.group;
    if (!group || !group.getVisibleParent) return;
    var label = function () {
      var icons = map.getContainer().querySelectorAll(".marker-cluster");
      for (var i = 0; i < icons.length; i++) {
        icons[i].setAttribute("tabindex", "0");
        icons[i].setAttribute("role", "button");
        icons[i].setAttribute("aria-label", icons[i].textContent + " " + self.label("cluster", "곳: Enter로 확대"));
      }
    };
    map.on("zoomend moveend", label);
    group.on("animationend", label);
    if (window.MutationObserver) new MutationObserver(label).observe(map.getPane("markerPane"), { childList: true });
    map.getContainer().addEventListener("keydown", function (e) {
      var t = e.target;
      if (!t || !t.classList || !t.classList.contains("marker-cluster") || (e.key !== "Enter" && e.key !== " ")) return;
      e.preventDefault();
      e.stopPropagation();
      var cluster = null;
      group._featureGroup.eachLayer(function (l) { if (l._icon === t && l.getAllChildMarkers) cluster = l; });
      if (!cluster) return;
      self.settled(function () {  // a zoom asked for mid-animation would be dropped
        if (map.getBoundsZoom(cluster.getBounds()) > map.getZoom() && map.getZoom() < map.getMaxZoom()) {
          cluster.zoomToBounds({ padding: [24, 24] });
        } else cluster.spiderfy();
      });
    }, true);
    label();
  };

  Controller.prototype.renderFill = function (recs) {
    var list = this.list, limit = (this.cfg && this.cfg.fill_limit) || 500;
    while (list.firstChild) list.removeChild(list.firstChild);
    var fields = (this.cfg && this.cfg.fields) || [];
    for (var i = 0; i < recs.length && i < limit; i++) {
      var r = recs[i], li = el("li", "cbmap-fill-row"), link = href(this.cfg.link_root, r.url);
      li.setAttribute("data-id", String(r.id));
      var name = el(link ? "a" : "span", "cbmap-fill-title", r.title);
      if (link) name.href = link;
      li.appendChild(name);
      for (var j = 0; j < fields.length; j++) {
        var v = r[fields[j][0]];
        if (v !== null && v !== undefined && v !== "") li.appendChild(el("span", "cbmap-fill-field", v));
      }
      list.appendChild(li);
    }
    if (recs.length > limit) {
      list.appendChild(el("li", "cbmap-fill-more", this.label("more", "…") + " +" + (recs.length - limit)));
    }
  };

  Controller.prototype.apply = function () {
    var crit = criteria(this.form), shown = [], layers = [], i;
    for (i = 0; i < this.records.length; i++) {
      var r = this.records[i];
      if (matches(crit, function (k) { return r[k]; }, function () { return String(r.title); }) && this.kept(r)) {
        shown.push(r);
        if (r.marker) layers.push(r.marker);
      }
    }
    if (this.group) setLayers(this.group, layers);
    var count = shown.length;
    if (this.list && this.fill) {
      this.renderFill(shown);
    } else if (this.list) {
      var rows = this.list.querySelectorAll("[data-id]");
      count = 0;
      for (i = 0; i < rows.length; i++) {
        var row = rows[i];
        var ok = matches(crit, function (k) { return row.getAttribute("data-" + k); },
                         function () { return row.textContent; }) && this.kept({ id: row.getAttribute("data-id") });
        row.hidden = !ok;
        if (ok) count++;
      }
    }
    var lang = document.documentElement.lang || undefined;
    for (i = 0; i < this.counts.length; i++) this.counts[i].textContent = count.toLocaleString(lang);
  };

  Controller.prototype.say = function (name, fallback) {
    if (this.status) this.status.textContent = name ? this.label(name, fallback) : "";
  };

  Controller.prototype.load = function (key) {
    var self = this, sets = this.cfg.datasets || [], ds = null;
    for (var i = 0; i < sets.length; i++) if (sets[i].key === key) ds = sets[i];
    if (!ds || !REL.test(ds.src)) return;
    var store = (window.CB_MAPDATA = window.CB_MAPDATA || {});
    var done = function () {
      if (self.current !== key) return;
      if (!store[key]) { self.say("failed", "!"); return; }
      self.say(null);
      self.setRecords(decode(store[key]));
      if (self.map && ds.bounds) self.map.fitBounds(ds.bounds, FIT);
    };
    this.current = key;
    if (store[key]) return done();
    this.say("loading", "…");
    var s = document.createElement("script");
    s.src = this.cfg.root + ds.src;
    s.onload = done;
    s.onerror = done;
    document.head.appendChild(s);
  };

  Controller.prototype.wire = function () {
    if (this.wired) return;
    this.wired = true;
    var self = this, form = this.form;
    if (form) {
      form.hidden = false;
      var again = function () { self.apply(); };
      var follow = function () { self.apply(); self.follow(); };
      form.addEventListener("change", function (e) {
        if (e.target && e.target.hasAttribute("data-cbmap-dataset")) self.load(e.target.value);
        else follow();
      });
      form.addEventListener("input", again);
      form.addEventListener("submit", function (e) { e.preventDefault(); again(); });
      form.addEventListener("reset", function () { setTimeout(follow, 0); });
    }
    if (this.list) {
      this.list.addEventListener("click", function (e) {
        var t = e.target && e.target.closest ? e.target.closest("[data-cbmap-show]") : null;
        var r = t && self.byId[t.getAttribute("data-cbmap-show")];
        if (!r || !r.marker || !self.group) return;
        e.preventDefault();
        self.reveal(t.getAttribute("data-cbmap-show"));
      });
    }
  };

  /* Zoom to a record's marker and open its popup. Leaflet drops a zoom asked for while another
   * zoom animation runs (a filter change fits the map to what is left), and markercluster then
   * waits forever for a zoom that never comes; so wait for the map to settle first (at most ~3 s,
   * then try anyway). */
  Controller.prototype.reveal = function (id) {
    var r = this.byId[id], group = this.group;
    if (!r || !r.marker || !group || !group.hasLayer(r.marker)) return false;
    this.settled(function () {
      if (group.zoomToShowLayer) group.zoomToShowLayer(r.marker, function () { r.marker.openPopup(); });
      else r.marker.openPopup();
    });
    return true;
  };

  /* Run ``fn`` once no zoom or pan animation runs (at most ~3 s, then anyway): a view asked for
   * mid-animation is dropped, and the running animation's end puts its own target back. */
  Controller.prototype.settled = function (fn) {
    // One queue per map, run in the order asked, each step waiting for the one before to settle:
    // a filter's fit and a popup asked for just after it must not overtake each other.
    var self = this, queue = this.queue || (this.queue = []);
    queue.push(fn);
    if (queue.length > 1) return;  // already waiting: this one runs after those before it
    var tries = 0;
    var go = function () {
      var busy = self.map._animatingZoom || (self.group && self.group._inZoomAnimation) ||
        (self.map._panAnim && self.map._panAnim._inProgress);
      if (busy && tries++ < 60) { setTimeout(go, 50); return; }
      tries = 0;
      queue[0]();
      queue.shift();
      if (queue.length) setTimeout(go, 0);
    };
    go();
  };

  Controller.prototype.boundaries = function (geo) {
    var cfg = this.cfg, styles = cfg.styles || {}, hl = cfg.highlight, prop = cfg.district_labels;
    var map = this.map, found = null;
    if (prop && !map.getPane("cbmap-labels")) map.createPane("cbmap-labels").style.zIndex = 450;
    geo.eachLayer(function (layer) {
      var p = (layer.feature && layer.feature.properties) || {};
      if (hl !== null && hl !== undefined) {
        layer.setStyle(p.code === hl ? styles.highlight || {} : styles.dim || {});
        if (p.code === hl) found = layer;
      }
      if (prop && p[prop] !== undefined && p[prop] !== null && layer.getBounds) {
        layer.bindTooltip(el("span", null, p[prop]), {
          permanent: true, direction: "center", className: "cbmap-district-label", pane: "cbmap-labels"
        });
      }
    });
    return found;
  };

  function controller(id, listId) {
    var c = controllers[id];
    if (!c) c = controllers[id] = new Controller(id, listId);
    else if (listId && c.listId !== listId) c.bind(listId);
    return c;
  }

  function attach(map, geo, configId) {
    var node = document.getElementById(configId);
    if (!node) return;
    var cfg = JSON.parse(node.textContent);
    var c = controller(cfg.id, cfg.filter_for);
    c.cfg = cfg;
    c.map = map;
    if (cfg.filters === false) c.form = null;
    var focus = geo ? c.boundaries(geo) : null;
    c.geo = geo && geo.eachLayer ? geo : null;
    var view = cfg.view || {};
    if (view.bounds) map.fitBounds(c.home = view.bounds, FIT);
    else if (view.center) map.setView(view.center, view.zoom || map.getZoom());
    else if (focus) map.fitBounds(c.home = focus.getBounds(), FIT);
    else if (geo && geo.getLayers().length) map.fitBounds(c.home = geo.getBounds(), FIT); // the whole city
    c.group = (L.markerClusterGroup && cfg.cluster
      ? L.markerClusterGroup(Object.assign({ chunkedLoading: true, showCoverageOnHover: false }, cfg.cluster))
      : L.featureGroup()).addTo(map);
    c.wire();
    c.clusterKeys();
    if (cfg.markers) {
      c.setRecords(decode(cfg.markers));
    } else if (cfg.datasets) {
      var pick = c.form && c.form.querySelector("[data-cbmap-dataset]");
      if (pick && !pick.options.length) {
        for (var i = 0; i < cfg.datasets.length; i++) {
          var ds = cfg.datasets[i], opt = el("option", null, ds.label + " (" + ds.count + ")");
          opt.value = ds.key;
          pick.appendChild(opt);
        }
      }
      var first = cfg.initial || (cfg.datasets[0] && cfg.datasets[0].key);
      if (pick && first) pick.value = first;
      if (first) c.load(first);
    }
  }

  function owned(form) {
    for (var id in controllers) if (controllers[id].form === form) return true;
    return false;
  }

  /* Lists whose map never attached (Leaflet missing, map hidden, no map at all) still filter.
   * Maps attach first: their inline listeners were registered while the page was parsed. */
  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("[data-cbmap-filters], form[data-filter-for]");
    for (var i = 0; i < forms.length; i++) {
      var f = forms[i], listId = f.getAttribute("data-filter-for");
      if (owned(f)) continue;
      var c = listId ? controller("list:" + listId, listId) : controller(f.getAttribute("data-cbmap-filters"));
      if (!c.cfg) { c.wire(); c.apply(); }
    }
  });

  /* The controller that owns a list element (its map's, or the list's own when no map attached). */
  function find(list) {
    var fallback = null;
    for (var id in controllers) {
      if (controllers[id].list !== list) continue;
      if (controllers[id].map) return controllers[id];
      fallback = fallback || controllers[id];
    }
    return fallback;
  }

  window.CBMap = { attach: attach, controller: controller, find: find, version: 1 };
})();
