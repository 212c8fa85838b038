/* contracts-print.js: a Print button on certificate pages (hidden without JavaScript). */
(function () {
  "use strict";
  var b = document.querySelector("button[data-print]");
  if (!b) return;
  b.hidden = false;
  b.addEventListener("click", function () { window.print(); });
})();
