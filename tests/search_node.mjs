// Runs theme/static/js/search.js under node for the parity tests (tests/test_search_tokens.py,
// tests/test_search_rank.py). Reads a JSON request on stdin, prints a JSON answer:
//   {"tokens": [text, ...]}                 -> [[term, ...], ...]
//   {"highlight": [[text, [term, ...]], ...]} -> [[[part, matched], ...], ...]
//   {"folder": dir, "queries": [[q, {kind, district, year}], ...], "limit": n}
//                                            -> [{"total", "capped", "docs": [[doc, matched, score], ...]}, ...]
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import vm from "node:vm";

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);
const S = require(path.join(here, "..", "theme", "static", "js", "search.js"));
const req = JSON.parse(readFileSync(0, "utf8"));
let out;
if (req.tokens) {
  out = req.tokens.map((t) => S.tokens(t));
} else if (req.highlight) {
  out = req.highlight.map(([text, terms]) => S.highlight(text, new Set(terms)));
} else {
  // Load shard files exactly as a browser would: run them as scripts that call CBSearch.register.
  const ctx = vm.createContext({ CBSearch: S });
  const load = (name) => {
    if (!(name in S.data)) {
      vm.runInContext(readFileSync(path.join(req.folder, name + ".js"), "utf8"), ctx);
    }
    return S.data[name];
  };
  const meta = load("meta");
  out = req.queries.map(([q, filter]) => {
    const terms = S.queryTerms(q);
    const r = S.rank(meta, terms, (t) => {
      const shard = load(S.termShard(meta, t));
      return Object.prototype.hasOwnProperty.call(shard, t) ? shard[t] : null;
    }, filter || {});
    return { terms, total: r.hits.length, capped: r.capped,
      docs: r.hits.slice(0, req.limit || 20).map((h) => [h.doc, h.m, h.s]) };
  });
}
process.stdout.write(JSON.stringify(out));
