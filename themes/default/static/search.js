/* storia: client-side search over the site's sharded index (format in
 * docs/decisions.md, "Search index"). The form's data-index names the
 * header, search/index.json; term shards (terms/<letter>.json) and document
 * chunks (docs/<n>.json) are fetched only when a query needs them.
 * No dependencies; the page works (with a note) without it. */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form || !window.fetch) return;
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var data = form.dataset;
  var MAX = 50;
  var TERM_MAX = 32;
  var base = data.index.replace(/[^/]*$/, "");
  var meta = null;
  var pending = null;
  var files = {};
  var latest = 0;
  // Letters the browser's own folding (NFD, marks removed) leaves alone,
  // folded as the site's generator folds them.
  var LETTERS = { "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i" };

  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[ßæœøłđðþı]/g, function (c) { return LETTERS[c]; });
  }

  // The terms of a query, as the index spells them: Latin words folded to
  // ASCII, words of other scripts lower-cased as written.
  function terms(q) {
    var out = [];
    String(q || "").toLowerCase().split(/[^\p{L}\p{N}]+/u).forEach(function (w) {
      if (!w) return;
      if (/[^\u0000-\u024f\u1e00-\u1eff]/.test(w)) {
        out.push(w);
        return;
      }
      fold(w).split(/[^a-z0-9]+/).forEach(function (part) {
        if (part) out.push(part.slice(0, TERM_MAX));
      });
    });
    return out;
  }

  function kindLabel(k) {
    var key = "kind" + k.charAt(0).toUpperCase() + k.slice(1);
    return data[key] || k;
  }

  function fill(template, q, n) {
    return String(template || "").replace("{q}", q).replace("{n}", String(n));
  }

  function fetchJson(url, options) {
    return fetch(url, options).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    });
  }

  // One file of the index, fetched once; the header's hash in the URL keeps
  // a browser from mixing files of two builds.
  function file(path) {
    if (!files[path]) {
      files[path] = fetchJson(base + path + "?h=" + meta.hash, { credentials: "same-origin" })
        .catch(function (e) { delete files[path]; throw e; });
    }
    return files[path];
  }

  function load() {
    if (!pending) {
      pending = fetchJson(data.index, { credentials: "same-origin", cache: "no-cache" })
        .then(function (m) { meta = m; return m; })
        .catch(function (e) { pending = null; throw e; });
    }
    return pending;
  }

  // The documents holding a term that starts with `term`, ascending.
  function lookup(term) {
    var key = /^[a-z0-9]/.test(term) ? term.charAt(0) : "_";
    if (meta.shards.indexOf(key) === -1) return Promise.resolve([]);
    return file("terms/" + key + ".json").then(function (shard) {
      var seen = {};
      var ids = [];
      for (var i = 0; i < shard.t.length; i++) {
        if (shard.t[i].lastIndexOf(term, 0) !== 0) continue;
        var doc = 0;
        var gaps = shard.p[i];
        for (var j = 0; j < gaps.length; j++) {
          doc += gaps[j];
          if (!seen[doc]) { seen[doc] = true; ids.push(doc); }
        }
      }
      return ids.sort(function (a, b) { return a - b; });
    });
  }

  // The first MAX documents holding every term, with their kind, title and URL.
  function search(ts) {
    return Promise.all(ts.map(lookup)).then(function (lists) {
      lists.sort(function (a, b) { return a.length - b.length; });
      var sets = lists.slice(1).map(function (l) {
        var s = {};
        l.forEach(function (d) { s[d] = true; });
        return s;
      });
      var hits = lists[0].filter(function (d) {
        return sets.every(function (s) { return s[d]; });
      });
      var more = hits.length > MAX;
      hits = hits.slice(0, MAX);
      var chunks = [];
      hits.forEach(function (d) {
        var n = Math.floor(d / meta.chunk);
        if (chunks.indexOf(n) === -1) chunks.push(n);
      });
      return Promise.all(chunks.map(function (n) { return file("docs/" + n + ".json"); }))
        .then(function (rows) {
          var results = hits.map(function (d) {
            var row = rows[chunks.indexOf(Math.floor(d / meta.chunk))][d % meta.chunk];
            var url = /^(\/|[a-z]+:)/.test(row[2]) ? row[2] : meta.prefixes[row[0]] + row[2];
            return { k: meta.kinds[row[0]], t: row[1], u: url };
          });
          return { results: results, more: more };
        });
    });
  }

  function show(q, found) {
    list.textContent = "";
    var hits = found.results;
    if (hits.length === 0) {
      status.textContent = fill(data.labelNone, q.trim(), 0);
      return;
    }
    status.textContent = fill(data.labelCount, q.trim(), hits.length + (found.more ? "+" : ""));
    var frag = document.createDocumentFragment();
    hits.forEach(function (it) {
      var li = document.createElement("li");
      li.className = "search-result kind-" + it.k;
      var a = document.createElement("a");
      a.href = it.u;
      a.textContent = it.t;
      var kind = document.createElement("span");
      kind.className = "search-kind";
      kind.textContent = kindLabel(it.k);
      li.appendChild(kind);
      li.appendChild(a);
      frag.appendChild(li);
    });
    list.appendChild(frag);
  }

  function update() {
    var q = input.value;
    var ts = terms(q);
    var turn = ++latest;
    if (ts.length === 0) {
      list.textContent = "";
      status.textContent = status.getAttribute("data-hint") || "";
      return;
    }
    load()
      .then(function () { return search(ts); })
      .then(function (found) { if (turn === latest) show(q, found); })
      .catch(function () { if (turn === latest) status.textContent = data.labelError || ""; });
  }

  function syncUrl() {
    if (!window.history || !history.replaceState) return;
    var url = new URL(window.location.href);
    if (input.value.trim()) url.searchParams.set("q", input.value.trim());
    else url.searchParams.delete("q");
    history.replaceState(null, "", url.toString());
  }

  status.setAttribute("data-hint", status.textContent);
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { update(); syncUrl(); }, 80);
  });
  input.addEventListener("focus", function () { load().catch(function () {}); }, { once: true });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    update();
    syncUrl();
  });

  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) {
    input.value = initial;
    update();
  }
})();
