/* Day counters (clearbuild.filters.days_since): how long an open claim has waited, how late an
   unfinished work is, counted to the data's date, never to the reader's clock.

   The page carries only the start date, so a new night's export changes no page for a counter
   that moved by one; the data's date comes from ../asof.js (window.cbAsOf), one file a night.
   <span class="cb-days" data-from="2023-07-04" data-text="{n} so far" [data-work]>since ...</span>
   data-work: working days (Monday to Friday after the start up to and including the data's
   date), as the payment deadline counts them. Without JavaScript the "since" text stays. */
(function () {
  "use strict";
  var asof = window.cbAsOf;
  var DAY = 86400000;
  function parse(s) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s || "");
    return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) : NaN;
  }
  function workdays(a, b) {
    var n = 0;
    for (var t = a + DAY; t <= b; t += DAY) {
      var d = new Date(t).getUTCDay();
      if (d !== 0 && d !== 6) n += 1;
    }
    return n;
  }
  function grouped(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }
  function fill() {
    var end = parse(asof);
    if (isNaN(end)) return;
    var spans = document.querySelectorAll(".cb-days[data-from]");
    for (var i = 0; i < spans.length; i += 1) {
      var el = spans[i], start = parse(el.getAttribute("data-from"));
      if (isNaN(start) || start > end) continue;
      var n = el.hasAttribute("data-work") ? workdays(start, end) : Math.round((end - start) / DAY);
      el.textContent = (el.getAttribute("data-text") || "{n}").replace("{n}", grouped(n));
      el.title = el.getAttribute("data-from") + " – " + asof;
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fill);
  else fill();
})();
