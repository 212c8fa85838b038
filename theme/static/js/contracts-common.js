/* contracts-common.js: what the lookup and verify pages share. Data files register themselves
 * (window.<name>[shard] = {...}) and are loaded with <script> tags, which work from file:// where
 * fetch() does not; the pages' roots come from data attributes and are checked before use.
 */
(function () {
  "use strict";
  var ROOT = /^(\.\.\/)*$/;
  var LANG_ROOT = /^(\.\.\/)*([a-z]{2,3}\/)?$/;

  /* Load a data file once; done() runs when it has loaded or failed (the caller checks). */
  function load(src, done) {
    var s = document.createElement("script");
    s.src = src;
    s.onload = done;
    s.onerror = done;
    document.head.appendChild(s);
  }

  /* One shard of a self-registering index: calls found(set) with the shard's entries, or
   * failed() when the file could not be loaded. */
  function shard(name, key, src, found, failed) {
    var store = (window[name] = window[name] || {});
    var done = function () {
      if (store[key]) found(store[key]);
      else failed();
    };
    if (store[key]) done();
    else load(src, done);
  }

  /* Once the page is parsed: start(form, labels, root, langRoot) when the form, its JSON labels
   * and both roots are present and sound; otherwise the page stays as plain HTML. */
  function page(formId, labelsId, start) {
    var init = function () {
      var form = document.getElementById(formId);
      var labelsNode = document.getElementById(labelsId);
      if (!form || !labelsNode) return;
      var root = form.getAttribute("data-root") || "";
      var langRoot = form.getAttribute("data-lang-root") || "";
      if (!ROOT.test(root) || !LANG_ROOT.test(langRoot)) return;
      start(form, JSON.parse(labelsNode.textContent), root, langRoot);
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
    else init();
  }

  window.CBContracts = { load: load, shard: shard, page: page };
})();
