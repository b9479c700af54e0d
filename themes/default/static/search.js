/* storia: client-side search over the site's JSON index.
 * The index (URL in the form's data-index) is an array of
 * {t: title, u: url, k: kind, x: folded lower-case text}.
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
  var index = null;
  var pending = null;

  function fold(s) {
    return String(s || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function words(q) {
    return fold(q).split(/[^a-z0-9\u00c0-\uffff]+/).filter(function (w) { return w.length > 0; });
  }

  function kindLabel(k) {
    var key = "kind" + k.charAt(0).toUpperCase() + k.slice(1);
    return data[key] || k;
  }

  function fill(template, q, n) {
    return String(template || "").replace("{q}", q).replace("{n}", String(n));
  }

  function load() {
    if (!pending) {
      pending = fetch(data.index, { credentials: "same-origin" })
        .then(function (r) {
          if (!r.ok) throw new Error(r.status);
          return r.json();
        })
        .then(function (items) {
          index = items.map(function (it) {
            return { t: it.t, u: it.u, k: it.k, x: String(it.x || ""), ft: fold(it.t) };
          });
          return index;
        })
        .catch(function () {
          status.textContent = data.labelError || "";
          pending = null;
          return null;
        });
    }
    return pending;
  }

  function render(q) {
    var ws = words(q);
    list.textContent = "";
    if (ws.length === 0) {
      status.textContent = status.getAttribute("data-hint") || "";
      return;
    }
    var hits = [];
    for (var i = 0; i < index.length && hits.length < MAX; i++) {
      var it = index[i];
      var ok = true;
      for (var j = 0; j < ws.length; j++) {
        if (it.x.indexOf(ws[j]) === -1 && it.ft.indexOf(ws[j]) === -1) { ok = false; break; }
      }
      if (ok) hits.push(it);
    }
    if (hits.length === 0) {
      status.textContent = fill(data.labelNone, q.trim(), 0);
      return;
    }
    status.textContent = fill(data.labelCount, q.trim(), hits.length + (hits.length === MAX ? "+" : ""));
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
    if (index) { render(q); return; }
    load().then(function (ix) { if (ix) render(input.value); });
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
  input.addEventListener("focus", load, { once: true });
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
