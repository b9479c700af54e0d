// storia serve: live reload. Injected into every page the dev server sends;
// never part of a built site.
(() => {
  "use strict";
  const scriptTag = document.currentScript;
  let version = scriptTag.dataset.version;
  const scrollKey = "storia-scroll:" + location.pathname;

  // A reload puts the reader back where they were.
  const saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    const [x, y] = JSON.parse(saved);
    // "instant": a theme with smooth scrolling would otherwise animate from the top.
    const restore = () => window.scrollTo({ left: x, top: y, behavior: "instant" });
    restore();
    window.addEventListener("load", restore);
  }

  function reload() {
    sessionStorage.setItem(scrollKey, JSON.stringify([window.scrollX, window.scrollY]));
    location.reload();
  }

  // What the page loads and runs: when it changes, only a reload is faithful.
  function resources(doc) {
    const data = (e) => e.type && !/javascript|ecmascript|^module$/i.test(e.type);
    return [...doc.querySelectorAll('link[rel~="stylesheet"], script, base')]
      .filter((e) => !(e.nodeName === "SCRIPT" && (data(e) || e.getAttribute("src") === "/__storia/reload.js")))
      .map((e) => e.outerHTML)
      .join("\n");
  }

  // Makes `old` look like `fresh` (a node of another document), keeping the
  // elements that stay, so the reader's state lives on: scroll position,
  // focus, what they typed (form values are properties, not attributes),
  // which <details> they opened, listeners the page's scripts added.
  function morph(old, fresh) {
    if (old.nodeType !== fresh.nodeType || old.nodeName !== fresh.nodeName) {
      old.replaceWith(document.importNode(fresh, true));
      return;
    }
    if (old.nodeType === Node.TEXT_NODE || old.nodeType === Node.COMMENT_NODE) {
      if (old.nodeValue !== fresh.nodeValue) old.nodeValue = fresh.nodeValue;
      return;
    }
    if (old.nodeType !== Node.ELEMENT_NODE) return;
    for (const a of [...old.attributes]) {
      // An open <details> stays open (the reader opened it), and the marks
      // this script sets stay.
      if (a.name === "open" && old.nodeName === "DETAILS") continue;
      if (a.name.startsWith("data-storia")) continue;
      if (!fresh.hasAttribute(a.name)) old.removeAttribute(a.name);
    }
    for (const a of fresh.attributes) {
      if (old.getAttribute(a.name) !== a.value) old.setAttribute(a.name, a.value);
    }
    const kids = [...old.childNodes];
    const next = [...fresh.childNodes];
    next.forEach((n, i) => {
      if (i < kids.length) morph(kids[i], n);
      else old.append(document.importNode(n, true));
    });
    for (const k of kids.slice(next.length)) k.remove();
  }

  // The open page's output file (and the not-found page's, which any
  // unknown path shows).
  function mine(changed) {
    const path = decodeURIComponent(location.pathname).replace(/^\/+/, "");
    const file = path === "" || path.endsWith("/") ? path + "index.html" : path;
    return changed.includes(file) || changed.includes(path + "/index.html") || changed.includes("404.html");
  }

  // One update at a time; saves that arrive meanwhile make one more.
  let updating = null;
  let again = null;
  function changed(change) {
    if (updating) {
      again = change;
      return;
    }
    updating = update(change).finally(() => {
      updating = null;
      const next = again;
      again = null;
      if (next) changed(next);
    });
  }

  // The open page's new version patched in place (nothing to do when the
  // save did not change it), or a reload when the page loads other
  // stylesheets or scripts, or cannot be fetched.
  async function update(change) {
    if (Array.isArray(change.changed) && !mine(change.changed)) {
      version = change.version;
      scriptTag.dataset.version = version;
      overlay(null);
      return;
    }
    try {
      const response = await fetch(location.href, { cache: "no-store" });
      const html = await response.text();
      const doc = new DOMParser().parseFromString(html, "text/html");
      const script = doc.querySelector('script[src="/__storia/reload.js"]');
      if (!response.ok || !script || resources(doc) !== resources(document)) return reload();
      // This script stays as it is: it is already running.
      script.remove();
      for (const s of document.querySelectorAll('script[src="/__storia/reload.js"]')) s.remove();
      overlay(null);
      morph(document.documentElement, doc.documentElement);
      document.body.append(scriptTag);
      version = script.dataset.version || change.version;
      scriptTag.dataset.version = version;
    } catch (e) {
      reload();
    }
  }

  // Each stylesheet is replaced by a fresh copy, removed only once the new
  // one has loaded, so the page never shows unstyled.
  function swapStylesheets() {
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin) continue;
      url.searchParams.set("storia-reload", Date.now().toString());
      const fresh = link.cloneNode();
      fresh.href = url.href;
      fresh.addEventListener("load", () => link.remove());
      fresh.addEventListener("error", () => link.remove());
      link.after(fresh);
    }
  }

  function overlay(text) {
    let box = document.getElementById("storia-errors");
    if (!text) {
      if (box) box.remove();
      return;
    }
    if (!box) {
      box = document.createElement("div");
      box.id = "storia-errors";
      box.setAttribute("role", "alert");
      box.style.cssText =
        "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:1.5rem;" +
        "background:rgba(20,20,20,.94);color:#f8f8f2;font:14px/1.45 ui-monospace,monospace;";
      document.body.append(box);
    }
    const title = document.createElement("p");
    title.style.cssText = "margin:0 0 1rem;font-weight:bold;color:#ff8a80;";
    // A site that never built has no last good version to show.
    title.textContent = document.documentElement.hasAttribute("data-storia-never-built")
      ? "storia: the site does not build yet. Fix the file and save; this page reloads by itself."
      : "storia: the last save does not build. The page shows the last good version; fix the file and save.";
    const pre = document.createElement("pre");
    pre.style.cssText = "margin:0;white-space:pre-wrap;";
    pre.textContent = text;
    box.replaceChildren(title, pre);
  }

  function connect() {
    const events = new EventSource("/__storia/events");
    events.addEventListener("hello", (e) => {
      const state = JSON.parse(e.data);
      document.documentElement.dataset.storiaLive = "open";
      // Rebuilt while this page was loading or the server was away.
      if (state.version !== version) return reload();
      overlay(state.errors);
    });
    events.addEventListener("reload", (e) => {
      const change = JSON.parse(e.data);
      // A page that never had a site under it has no stylesheet to swap.
      if (change.css && !document.documentElement.hasAttribute("data-storia-never-built")) {
        version = change.version;
        overlay(null);
        swapStylesheets();
      } else if (document.documentElement.hasAttribute("data-storia-never-built")) {
        reload();
      } else {
        changed(change);
      }
    });
    events.addEventListener("errors", (e) => overlay(JSON.parse(e.data).text));
  }
  connect();
})();
