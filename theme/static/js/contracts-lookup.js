/* contracts-lookup.js: business registration number -> company page and certificates, offline.
 *
 * Why a static list of ids: the site has no server to ask, and a typo must say "not found"
 * instead of opening a broken link. companies/ids/<first two digits>.js register the known ids
 * (window.cbCompanyIds[shard] = {id: {n: name, k: [certificate kinds]}}); they are loaded with
 * a <script> tag, which works from file:// where fetch() does not. Data reaches the page only
 * through textContent and checked hrefs.
 */
(function () {
  "use strict";
  var WEIGHTS = [1, 3, 7, 1, 3, 7, 1, 3, 5];
  var ROOT = /^(\.\.\/)*$/;
  var LANG_ROOT = /^(\.\.\/)*([a-z]{2,3}\/)?$/;
  var KIND = /^[a-z_]{1,40}$/;

  function brnValid(d) {
    if (!/^\d{10}$/.test(d)) return false;
    var s = 0;
    for (var i = 0; i < 9; i++) s += WEIGHTS[i] * +d.charAt(i);
    s += Math.floor((+d.charAt(8) * 5) / 10);
    return (10 - (s % 10)) % 10 === +d.charAt(9);
  }

  function load(src, done) {
    var s = document.createElement("script");
    s.src = src;
    s.onload = done;
    s.onerror = done;
    document.head.appendChild(s);
  }

  function init() {
    var form = document.getElementById("brn-lookup");
    var labelsNode = document.getElementById("brn-labels");
    if (!form || !labelsNode) return;
    var labels = JSON.parse(labelsNode.textContent);
    var root = form.getAttribute("data-root") || "";
    var langRoot = form.getAttribute("data-lang-root") || "";
    if (!ROOT.test(root) || !LANG_ROOT.test(langRoot)) return;
    var input = form.querySelector("input[name=brn]");
    var out = document.getElementById("brn-result");
    var list = document.getElementById("brn-certificates");

    function say(text) {
      out.textContent = text;
      while (list.firstChild) list.removeChild(list.firstChild);
    }

    function link(text, href) {
      var a = document.createElement("a");
      a.textContent = text;
      a.href = href;
      return a;
    }

    function show(id, entry) {
      var page = langRoot + "companies/" + id + "/index.html";
      say(labels.found + " ");
      out.appendChild(link(String(entry.n), page));
      var kinds = entry.k || [];
      for (var i = 0; i < kinds.length; i++) {
        if (!KIND.test(kinds[i])) continue;
        var li = document.createElement("li");
        li.appendChild(link(labels.kinds[kinds[i]] || kinds[i],
          langRoot + "companies/" + id + "/certificates/" + kinds[i] + "/index.html"));
        list.appendChild(li);
      }
      return page;
    }

    function lookup(value, go) {
      var id = String(value).replace(/[\s\-]/g, "");
      if (!brnValid(id)) { say(labels.invalid); return; }
      var shard = id.slice(0, 2);
      var store = (window.cbCompanyIds = window.cbCompanyIds || {});
      var done = function () {
        var set = store[shard];
        if (!set) { say(labels.failed); return; }
        if (!Object.prototype.hasOwnProperty.call(set, id)) { say(labels.notfound); return; }
        var page = show(id, set[id]);
        if (go) window.location.href = page;
      };
      if (store[shard]) { done(); return; }
      say(labels.loading);
      load(root + "companies/ids/" + shard + ".js", done);
    }

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      lookup(input.value, true);
    });
    var m = /[?&]brn=([^&#]*)/.exec(window.location.search);
    if (m) {
      input.value = decodeURIComponent(m[1].replace(/\+/g, " "));
      lookup(input.value, true);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
