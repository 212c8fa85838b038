/* contracts-lookup.js: business registration number -> company page and certificates, offline.
 *
 * Why a static list of ids: the site has no server to ask, and a typo must say "not found"
 * instead of opening a broken link. companies/ids/<first two digits>.js register the known ids
 * (window.cbCompanyIds[shard] = {id: {n: name, k: [certificate kinds]}}). Data reaches the page
 * only through textContent and checked hrefs. Needs contracts-common.js.
 */
(function () {
  "use strict";
  var WEIGHTS = [1, 3, 7, 1, 3, 7, 1, 3, 5];
  var KIND = /^[a-z_]{1,40}$/;

  /* The same check digit as ingest (clearbuild.ingest.checks.brn_valid). */
  function brnValid(d) {
    if (!/^\d{10}$/.test(d)) return false;
    var s = 0;
    for (var i = 0; i < 9; i++) s += WEIGHTS[i] * +d.charAt(i);
    s += Math.floor((+d.charAt(8) * 5) / 10);
    return (10 - (s % 10)) % 10 === +d.charAt(9);
  }

  window.CBContracts.page("brn-lookup", "brn-labels", function (form, labels, root, langRoot) {
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
      var key = id.slice(0, 2);
      say(labels.loading);
      window.CBContracts.shard("cbCompanyIds", key, root + "companies/ids/" + key + ".js", function (set) {
        if (!Object.prototype.hasOwnProperty.call(set, id)) { say(labels.notfound); return; }
        var page = show(id, set[id]);
        if (go) window.location.href = page;
      }, function () { say(labels.failed); });
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
  });
})();
