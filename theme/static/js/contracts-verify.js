/* contracts-verify.js: checks a certificate's verification code against the published data.
 *
 * verify/codes/<first two hex digits>.js register window.cbCertCodes[shard] = {code: {c:
 * company id, n: name, k: kind, count, total, total_text, first, last}}: the figures a reader
 * compares with the printed copy. A code from the ledger of earlier nights also has seen_first,
 * seen_last and superseded (dates): it is shown as superseded, never as valid. Data reaches the
 * page only through textContent and checked hrefs. Needs contracts-common.js.
 */
(function () {
  "use strict";
  var ID = /^\d{10}$/;
  var KIND = /^[a-z_]{1,40}$/;
  var DATE = /^\d{4}-\d{2}-\d{2}$/;

  function el(tag, text, cls) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined && text !== null) n.textContent = String(text);
    return n;
  }

  function brn(id) { return id.slice(0, 3) + "-" + id.slice(3, 5) + "-" + id.slice(5); }

  /* "{first} – {last}" with the values as plain text (the result only ever goes to textContent). */
  function fill(template, values) {
    return String(template).replace(/\{(first|last|date)\}/g, function (_, k) { return values[k]; });
  }

  function date(value) { return DATE.test(value) ? value : "?"; }

  window.CBContracts.page("verify", "verify-labels", function (form, labels, root, langRoot) {
    var input = form.querySelector("input[name=code]");
    var out = document.getElementById("verify-result");

    function say(text, cls) {
      while (out.firstChild) out.removeChild(out.firstChild);
      out.className = cls || "";
      if (text) out.appendChild(el("p", text));
    }

    function show(e) {
      // Any sign of the ledger makes it superseded: a malformed entry is never shown as valid.
      var old = e.superseded !== undefined || e.seen_first !== undefined;
      if (old) {
        say(fill(labels.superseded, {first: date(e.seen_first), last: date(e.seen_last),
                                     date: date(e.superseded)}), "verify-superseded");
        out.appendChild(el("p", labels.compare));
      } else {
        say(labels.valid + " " + labels.as_of + ".", "verify-valid");
      }
      var dl = el("dl", null, "facts");
      var rows = [[labels.company, e.n], [labels.brn, ID.test(e.c) ? brn(e.c) : e.c],
                  [labels.kind, labels.kinds[e.k] || e.k], [labels.count, e.count],
                  [labels.total, e.total_text], [labels.period, e.first + " – " + e.last]];
      for (var i = 0; i < rows.length; i++) {
        dl.appendChild(el("dt", rows[i][0]));
        dl.appendChild(el("dd", rows[i][1]));
      }
      out.appendChild(dl);
      if (!old && ID.test(e.c) && KIND.test(e.k)) {
        var a = el("a", labels.open);
        a.href = langRoot + "companies/" + e.c + "/certificates/" + e.k + "/index.html";
        out.appendChild(el("p")).appendChild(a);
      }
    }

    function check(value) {
      var code = String(value).toLowerCase().replace(/[\s\-]/g, "");
      if (!/^[0-9a-f]{16}$/.test(code)) { say(labels.invalid, "verify-invalid"); return; }
      var key = code.slice(0, 2);
      say(labels.loading);
      window.CBContracts.shard("cbCertCodes", key, root + "verify/codes/" + key + ".js", function (set) {
        if (!Object.prototype.hasOwnProperty.call(set, code)) { say(labels.unknown, "verify-invalid"); return; }
        show(set[code]);
      }, function () { say(labels.failed, "verify-invalid"); });
    }

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      check(input.value);
    });
    var m = /[?&]code=([^&#]*)/.exec(window.location.search) ||
      /^#([0-9A-Fa-f\-]{16,24})$/.exec(window.location.hash);
    if (m) {
      input.value = decodeURIComponent(m[1]);
      check(input.value);
    }
  });
})();
