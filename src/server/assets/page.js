// Search as you type, facets, the passage dialog and the keyboard. The server renders every
// view, so without this script the page still works; with it, the same server-rendered
// fragments are fetched and swapped in, and the address bar keeps the query and filters.
"use strict";
(function () {
  const form = document.getElementById("search");
  const box = document.getElementById("q");
  const results = document.getElementById("results");
  const facets = document.getElementById("facets");
  const hidden = document.getElementById("hidden");
  const dialog = document.getElementById("reader");
  const readerBody = document.getElementById("reader-body");
  if (!form || !box) return;
  // The view tabs have no results list: there the header's form is an ordinary search form.
  const live = results !== null;
  let timer = 0, pending = null, selected = -1;

  function paramsFromForm() {
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (String(v).trim() !== "") p.append(k, v);
    return p.toString();
  }

  async function load(query, push) {
    if (pending) pending.abort();
    pending = new AbortController();
    results.setAttribute("aria-busy", "true");
    try {
      const r = await fetch("/fragment/search?" + query, { signal: pending.signal });
      const html = await r.text();
      const t = document.createElement("template");
      t.innerHTML = html;
      const part = (n) => t.content.querySelector('[data-part="' + n + '"]');
      if (facets && part("facets")) facets.innerHTML = part("facets").innerHTML;
      if (part("results")) results.innerHTML = part("results").innerHTML;
      if (hidden && part("hidden")) hidden.innerHTML = part("hidden").innerHTML;
      const title = t.content.querySelector("title");
      if (title) document.title = title.textContent;
      const url = query ? "/?" + query : "/";
      if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
      selected = -1;
    } catch (e) {
      if (e.name !== "AbortError") results.innerHTML = '<p class="error" role="alert">The server did not answer.</p>';
    } finally {
      results.setAttribute("aria-busy", "false");
    }
  }

  if (live) {
    box.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => load(paramsFromForm(), false), 180);
    });
    form.addEventListener("submit", (e) => { e.preventDefault(); clearTimeout(timer); load(paramsFromForm(), true); });
  }

  async function openPassage(id, href) {
    if (!dialog || typeof dialog.showModal !== "function") { location.href = href; return; }
    const q = href.includes("?") ? href.slice(href.indexOf("?")) : "";
    const r = await fetch("/fragment/passage/" + encodeURIComponent(id) + q);
    readerBody.innerHTML = await r.text();
    dialog.showModal();
  }

  document.addEventListener("click", (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const a = e.target.closest("a");
    if (!a) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin) return;
    if (a.classList.contains("open") && a.dataset.id) {
      e.preventDefault();
      if (dialog && dialog.open) dialog.close();
      openPassage(a.dataset.id, a.getAttribute("href"));
    } else if (live && url.pathname === "/" && (a.closest("#facets") || a.classList.contains("chip") || a.closest(".intro") || a.closest(".back"))) {
      e.preventDefault();
      if (dialog && dialog.open) dialog.close();
      const q = url.search.slice(1);
      box.value = new URLSearchParams(q).get("q") || "";
      load(q, true);
    }
  });

  if (live) window.addEventListener("popstate", () => {
    const q = location.search.slice(1);
    box.value = new URLSearchParams(q).get("q") || "";
    load(q, false);
  });

  function hits() { return live ? Array.from(results.querySelectorAll(".hit")) : []; }
  function select(i) {
    const list = hits();
    if (!list.length) return;
    selected = Math.max(0, Math.min(list.length - 1, i));
    list.forEach((h, j) => h.classList.toggle("sel", j === selected));
    const link = list[selected].querySelector("a.open");
    if (link) link.focus();
  }

  document.addEventListener("keydown", (e) => {
    const typing = e.target === box || /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName);
    if (e.key === "/" && !typing && !(dialog && dialog.open)) { e.preventDefault(); box.focus(); box.select(); return; }
    if (dialog && dialog.open) return; // the dialog closes itself on Esc
    if (e.key === "ArrowDown") { e.preventDefault(); select(selected + 1); }
    else if (e.key === "ArrowUp") {
      if (selected <= 0) { if (selected === 0) { e.preventDefault(); selected = -1; hits().forEach((h) => h.classList.remove("sel")); box.focus(); } }
      else { e.preventDefault(); select(selected - 1); }
    } else if (e.key === "Escape" && box.value !== "" && live) {
      e.preventDefault(); box.value = ""; box.focus(); load(paramsFromForm(), false);
    }
  });
  if (dialog) dialog.addEventListener("close", () => { const l = hits()[selected]; if (l) { const a = l.querySelector("a.open"); if (a) a.focus(); } });
})();
