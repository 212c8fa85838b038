/* Filter the flagged-record table by indicator, agency, district and year.
   Rows carry data-signals (space-separated indicator ids), data-agency, data-district and
   data-year; the form stays hidden without JavaScript, where the table is a plain list.
   Choices are kept in the address (#signal=...&agency=...) so a filtered list can be linked. */
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-signal-filter]");
  Array.prototype.forEach.call(forms, function (form) {
    var table = document.getElementById(form.getAttribute("data-signal-filter"));
    if (!table) { return; }
    var rows = table.querySelectorAll("tbody tr");
    var count = table.querySelector("[data-count]");
    var selects = form.querySelectorAll("select");

    function wanted() {
      var w = {};
      Array.prototype.forEach.call(selects, function (s) { if (s.value) { w[s.name] = s.value; } });
      return w;
    }

    function matches(row, w) {
      if (w.signal && (" " + row.getAttribute("data-signals") + " ").indexOf(" " + w.signal + " ") < 0) {
        return false;
      }
      if (w.agency && row.getAttribute("data-agency") !== w.agency) { return false; }
      if (w.district && row.getAttribute("data-district") !== w.district) { return false; }
      if (w.year && row.getAttribute("data-year") !== w.year) { return false; }
      return true;
    }

    function apply(remember) {
      var w = wanted();
      var shown = 0;
      Array.prototype.forEach.call(rows, function (row) {
        var ok = matches(row, w);
        row.hidden = !ok;
        if (ok) { shown += 1; }
      });
      if (count) { count.textContent = shown.toLocaleString(); }
      if (remember) {
        var parts = Object.keys(w).map(function (k) {
          return encodeURIComponent(k) + "=" + encodeURIComponent(w[k]);
        });
        try {
          history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname + location.search);
        } catch (e) { /* some file:// browsers refuse; the filter still works */ }
      }
    }

    function fromHash() {
      var h = location.hash.replace(/^#/, "");
      if (!h) { return; }
      h.split("&").forEach(function (pair) {
        var kv = pair.split("=");
        var name, value;
        try {
          name = decodeURIComponent(kv[0]);
          value = decodeURIComponent(kv.slice(1).join("="));
        } catch (e) { return; }
        var sel = form.querySelector("select[name='" + name.replace(/[^a-z]/g, "") + "']");
        if (sel && Array.prototype.some.call(sel.options, function (o) { return o.value === value; })) {
          sel.value = value;
        }
      });
    }

    form.hidden = false;
    form.addEventListener("change", function () { apply(true); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    fromHash();
    apply(false);
  });
}());
