/* storia: client-side search over the site's sharded index (format in
 * docs/decisions.md, "Search index"). The form's data-index names the
 * header, search/index.json; word lists (words/<letter>.json), postings
 * (postings/<two letters>.json) and document chunks (docs/<n>.json) are
 * fetched only when a query needs them.
 *
 * Every word is a prefix (results while typing); a word of five letters or
 * more also finds words one typo away (a letter missing, added, changed or
 * swapped with the next; a letter written once for twice or twice for once
 * is no typo), the first letter excepted. Results without a typo come
 * first. Each result shows its kind, date, byline, and a snippet with the
 * matched words marked.
 *
 * No dependencies; the page works (with a note) without it. */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form || !window.fetch) return;
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var more = document.getElementById("search-more");
  var data = form.dataset;
  var PAGE = 10;
  var TERM_MAX = 32;
  var FUZZY_MIN = 5;
  var WINDOW = 180;
  var base = data.index.replace(/[^/]*$/, "");
  var lang = document.documentElement.lang || undefined;
  var meta = null;
  var pending = null;
  var files = {};
  var latest = 0;
  var current = null;
  // Letters the browser's own folding (NFD, marks removed) leaves alone,
  // folded as the site's generator folds them.
  var LETTERS = { "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i" };

  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[ßæœøłđðþı]/g, function (c) { return LETTERS[c]; });
  }

  function latin(w) {
    return !/[^\u0000-\u024f\u1e00-\u1eff]/.test(w);
  }

  // The terms of a text, as the index spells them: Latin words folded to
  // ASCII, words of other scripts lower-cased as written.
  function termsOf(word) {
    var w = word.toLowerCase();
    if (!latin(w)) return [w];
    return fold(w).split(/[^a-z0-9]+/).filter(Boolean).map(function (p) { return p.slice(0, TERM_MAX); });
  }

  function terms(q) {
    var out = [];
    String(q || "").split(/[^\p{L}\p{N}]+/u).forEach(function (w) {
      if (w) out.push.apply(out, termsOf(w));
    });
    return out;
  }

  // A letter written twice in a row counts once: "gutteres" ~ "guterres".
  function collapse(s) {
    return s.replace(/(.)\1+/g, "$1");
  }

  // Whether some prefix of `t` is at most one edit (insertion, deletion,
  // substitution, or swap of neighbours) from `w`.
  function nearPrefix(w, t) {
    var n = w.length;
    var m = Math.min(t.length, n + 1);
    var prev2 = null;
    var prev = [];
    for (var j = 0; j <= m; j++) prev.push(j);
    for (var i = 1; i <= n; i++) {
      var row = [i];
      var best = i;
      for (j = 1; j <= m; j++) {
        var cost = w[i - 1] === t[j - 1] ? 0 : 1;
        var d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
        if (prev2 && i > 1 && j > 1 && w[i - 1] === t[j - 2] && w[i - 2] === t[j - 1]) {
          d = Math.min(d, prev2[j - 2] + 1);
        }
        row.push(d);
        if (d < best) best = d;
      }
      if (best > 1) return false;
      prev2 = prev;
      prev = row;
    }
    for (j = Math.max(0, n - 1); j <= m; j++) if (prev[j] <= 1) return true;
    return false;
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

  function letterOf(term) {
    return /^[a-z0-9]/.test(term) ? term.charAt(0) : "_";
  }

  function groupOf(term) {
    var a = term.charAt(0);
    if (!/[a-z0-9]/.test(a)) return "_";
    if (term.length === 1) return a;
    var b = term.charAt(1);
    return /[a-z0-9]/.test(b) ? a + b : a + "_";
  }

  // The terms a query word matches: `exact` (the word, or words it starts)
  // and `near` (one typo away), from the word list of its first letter.
  function match(word) {
    var letter = letterOf(word);
    if (meta.words.indexOf(letter) === -1) return Promise.resolve({ exact: [], near: [] });
    return file("words/" + letter + ".json").then(function (words) {
      var exact = [];
      var near = [];
      // The list is sorted: the words starting with `word` follow its place.
      var lo = 0;
      var hi = words.length;
      while (lo < hi) {
        var mid = (lo + hi) >> 1;
        if (words[mid] < word) lo = mid + 1; else hi = mid;
      }
      for (var i = lo; i < words.length && words[i].lastIndexOf(word, 0) === 0; i++) {
        if (word.length > 1 || words[i] === word) exact.push(words[i]);
      }
      var w = collapse(word);
      if (w.length >= FUZZY_MIN) {
        words.forEach(function (t) {
          if (t.lastIndexOf(word, 0) !== 0 && nearPrefix(w, collapse(t))) near.push(t);
        });
      }
      return { exact: exact, near: near };
    });
  }

  // Document numbers holding any of `terms`, as a set.
  function docsOf(terms) {
    var groups = [];
    terms.forEach(function (t) {
      var g = groupOf(t);
      if (groups.indexOf(g) === -1) groups.push(g);
    });
    var wanted = {};
    terms.forEach(function (t) { wanted[t] = true; });
    return Promise.all(groups.map(function (g) { return file("postings/" + g + ".json"); }))
      .then(function (all) {
        var docs = {};
        all.forEach(function (group) {
          for (var i = 0; i < group.t.length; i++) {
            if (!wanted[group.t[i]]) continue;
            var doc = 0;
            var gaps = group.p[i];
            for (var j = 0; j < gaps.length; j++) {
              doc += gaps[j];
              docs[doc] = true;
            }
          }
        });
        return docs;
      });
  }

  // Every document holding all words (each exactly or one typo away),
  // those without a typo first, then in the index's order; and the terms
  // that matched, to mark in the results.
  function search(words) {
    return Promise.all(words.map(function (w) {
      return match(w).then(function (m) {
        return Promise.all([docsOf(m.exact), docsOf(m.near)]).then(function (d) {
          return { exact: d[0], near: d[1], terms: m.exact.concat(m.near) };
        });
      });
    })).then(function (per) {
      var marked = {};
      per.forEach(function (p) { p.terms.forEach(function (t) { marked[t] = true; }); });
      var first = per[0];
      var candidates = Object.keys(first.exact).concat(Object.keys(first.near));
      var hits = [];
      candidates.forEach(function (key) {
        var typos = 0;
        for (var i = 0; i < per.length; i++) {
          if (per[i].exact[key]) continue;
          if (!per[i].near[key]) return;
          typos++;
        }
        hits.push({ doc: +key, typos: typos });
      });
      hits.sort(function (a, b) { return a.typos - b.typos || a.doc - b.doc; });
      return { hits: hits, marked: marked };
    });
  }

  // The rows of `docs`, from the chunks that hold them.
  function rows(docs) {
    var chunks = [];
    docs.forEach(function (d) {
      var n = Math.floor(d / meta.chunk);
      if (chunks.indexOf(n) === -1) chunks.push(n);
    });
    return Promise.all(chunks.map(function (n) { return file("docs/" + n + ".json"); }))
      .then(function (loaded) {
        return docs.map(function (d) {
          return loaded[chunks.indexOf(Math.floor(d / meta.chunk))][d % meta.chunk];
        });
      });
  }

  // Whether a word of shown text is one the query matched.
  function isMarked(word, marked) {
    return termsOf(word).some(function (t) { return marked[t]; });
  }

  // `text` as nodes, the matched words in <mark>; with `window`, only about
  // WINDOW characters of whole words around the first of them.
  function marks(text, marked, window) {
    var parts = String(text || "").split(/([\p{L}\p{N}]+)/u);
    var tokens = [];
    var offset = 0;
    var first = -1;
    parts.forEach(function (p, i) {
      var word = i % 2 === 1;
      var hit = word && isMarked(p, marked);
      if (hit && first === -1) first = offset;
      tokens.push({ text: p, start: offset, end: offset + p.length, word: word, hit: hit });
      offset += p.length;
    });
    var from = 0;
    var to = offset;
    if (window && offset > WINDOW) {
      from = Math.max(0, Math.min(first - WINDOW / 3, offset - WINDOW));
      to = from + WINDOW;
    }
    var kept = tokens.filter(function (t) { return t.text && t.start >= from && t.end <= to; });
    if (from > 0) while (kept.length && !kept[0].word) kept.shift();
    if (to < offset) while (kept.length && !kept[kept.length - 1].word) kept.pop();
    var frag = document.createDocumentFragment();
    if (from > 0) frag.appendChild(document.createTextNode("… "));
    kept.forEach(function (t) {
      if (t.hit) {
        var m = document.createElement("mark");
        m.textContent = t.text;
        frag.appendChild(m);
      } else {
        frag.appendChild(document.createTextNode(t.text));
      }
    });
    if (to < offset) frag.appendChild(document.createTextNode(" …"));
    return frag;
  }

  var dateFormat = null;
  function dateText(day) {
    try {
      dateFormat = dateFormat || new Intl.DateTimeFormat(lang, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
      return dateFormat.format(new Date(day + "T00:00:00Z"));
    } catch (e) {
      return day;
    }
  }

  function kindLabel(k) {
    var key = "kind" + k.charAt(0).toUpperCase() + k.slice(1);
    return data[key] || k;
  }

  function result(row, marked) {
    var kind = meta.kinds[row[0]];
    var url = /^(\/|[a-z]+:)/.test(row[2]) ? row[2] : meta.prefixes[row[0]] + row[2];
    var li = document.createElement("li");
    li.className = "search-result kind-" + kind;
    var head = document.createElement("p");
    head.className = "search-meta";
    var badge = document.createElement("span");
    badge.className = "search-kind";
    badge.textContent = kindLabel(kind);
    head.appendChild(badge);
    if (row[3]) {
      var time = document.createElement("time");
      time.setAttribute("datetime", row[3]);
      time.textContent = dateText(row[3]);
      head.appendChild(document.createTextNode(" · "));
      head.appendChild(time);
    }
    if (row[5]) {
      var by = document.createElement("span");
      by.className = "search-by";
      by.appendChild(document.createTextNode((data.labelBy ? data.labelBy + " " : "")));
      by.appendChild(marks(row[5], marked, false));
      head.appendChild(document.createTextNode(" · "));
      head.appendChild(by);
    }
    var title = document.createElement("a");
    title.className = "search-title";
    title.href = url;
    title.appendChild(marks(row[1], marked, false));
    li.appendChild(title);
    li.appendChild(head);
    if (row[4]) {
      var snippet = document.createElement("p");
      snippet.className = "search-snippet";
      if (kind === "quote") snippet.lang = lang || "";
      snippet.appendChild(marks(row[4], marked, true));
      li.appendChild(snippet);
    }
    // Tags or other names, shown when the query matched one of them.
    var also = (row[6] || []).filter(function (a) {
      return a.split(/[^\p{L}\p{N}]+/u).some(function (w) { return w && isMarked(w, marked); });
    });
    if (also.length) {
      var extra = document.createElement("p");
      extra.className = "search-also";
      extra.appendChild(document.createTextNode((kind === "actor" ? data.labelAliases : data.labelTags) + " "));
      also.forEach(function (a, i) {
        if (i > 0) extra.appendChild(document.createTextNode(", "));
        extra.appendChild(marks(a, marked, false));
      });
      li.appendChild(extra);
    }
    return li;
  }

  // Shows the next PAGE results of the current query.
  function showMore(turn) {
    var found = current;
    var next = found.hits.slice(found.shown, found.shown + PAGE);
    return rows(next.map(function (h) { return h.doc; })).then(function (loaded) {
      if (turn !== latest) return;
      var frag = document.createDocumentFragment();
      loaded.forEach(function (row) { frag.appendChild(result(row, found.marked)); });
      list.appendChild(frag);
      found.shown += next.length;
      if (more) more.hidden = found.shown >= found.hits.length;
    });
  }

  function update() {
    var q = input.value;
    var ts = terms(q);
    var turn = ++latest;
    if (ts.length === 0) {
      list.textContent = "";
      if (more) more.hidden = true;
      status.textContent = status.getAttribute("data-hint") || "";
      return;
    }
    load()
      .then(function () { return search(ts); })
      .then(function (found) {
        if (turn !== latest) return null;
        current = { hits: found.hits, marked: found.marked, shown: 0 };
        var n = found.hits.length;
        return showMore(turn).then(function () {
          if (turn !== latest) return;
          if (n === 0) {
            list.textContent = "";
            status.textContent = fill(data.labelNone, q.trim(), 0);
          } else {
            // The first page replaces the last query's results at once.
            while (list.children.length > current.shown) list.removeChild(list.firstChild);
            status.textContent = fill(data.labelCount, q.trim(), n.toLocaleString(lang));
          }
        });
      })
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
  if (more) {
    more.addEventListener("click", function () {
      if (current) showMore(latest).catch(function () { status.textContent = data.labelError || ""; });
    });
  }

  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) {
    input.value = initial;
    update();
  }
})();
