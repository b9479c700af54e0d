// storia serve: live reload. Injected into every page the dev server sends;
// never part of a built site.
(() => {
  "use strict";
  const script = document.currentScript;
  let version = script.dataset.version;
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
      } else {
        reload();
      }
    });
    events.addEventListener("errors", (e) => overlay(JSON.parse(e.data).text));
  }
  connect();
})();
