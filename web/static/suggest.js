// Suggestions as a person types in the header's search box: /api/suggest (the ranked list's first hits).
// Local, no library; every text set with textContent (never HTML). Arrow keys move, Enter opens, Esc closes.
(function () {
  const form = document.querySelector("form.search");
  const input = form && form.querySelector("input[name=q]");
  if (!input) return;
  const list = document.createElement("ul");
  list.className = "suggest"; list.id = "suggest"; list.hidden = true; list.setAttribute("role", "listbox");
  form.appendChild(list);
  input.setAttribute("autocomplete", "off");
  input.setAttribute("aria-controls", "suggest");
  let timer = null, shown = "", at = -1, seq = 0;
  function close() { list.hidden = true; list.replaceChildren(); at = -1; }
  function mark() { [...list.querySelectorAll("a")].forEach((a, i) => a.classList.toggle("on", i === at)); }
  async function ask(q) {
    const mine = ++seq;
    try {
      const r = await fetch("/api/suggest?q=" + encodeURIComponent(q), {headers: {Accept: "application/json"}});
      if (!r.ok || mine !== seq) return;
      const data = await r.json();
      if (mine !== seq || input.value.trim() !== q) return;
      list.replaceChildren();
      for (const it of data.items) {
        if (!it.url) continue;
        const li = document.createElement("li"), a = document.createElement("a");
        a.href = it.url; a.setAttribute("role", "option");
        const kind = document.createElement("span"); kind.className = "tag"; kind.textContent = it.kind;
        const name = document.createElement("span"); name.textContent = " " + it.name;
        a.append(kind, name);
        if (it.region) { const m = document.createElement("span"); m.className = "meta"; m.textContent = it.region; a.append(m); }
        li.append(a); list.append(li);
      }
      at = -1; list.hidden = list.children.length === 0; shown = q;
    } catch (e) { close(); }
  }
  input.addEventListener("input", () => {
    const q = input.value.trim();
    clearTimeout(timer);
    if (!q) { close(); return; }
    if (q === shown && !list.hidden) return;
    timer = setTimeout(() => ask(q), 180);
  });
  input.addEventListener("keydown", (e) => {
    const links = [...list.querySelectorAll("a")];
    if (list.hidden || !links.length) return;
    if (e.key === "ArrowDown") { at = Math.min(links.length - 1, at + 1); mark(); e.preventDefault(); }
    else if (e.key === "ArrowUp") { at = Math.max(-1, at - 1); mark(); e.preventDefault(); }
    else if (e.key === "Enter" && at >= 0) { e.preventDefault(); window.location.href = links[at].href; }
    else if (e.key === "Escape") { close(); }
  });
  document.addEventListener("click", (e) => { if (!form.contains(e.target)) close(); });
})();
