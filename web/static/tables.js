// Sort, filter and page a table whose rows are all on the page (query results): table[data-enhance=N]
// gets a filter box, headings that sort (click again: descending) and pages of N rows with totals.
// The server's CSV link stays the download. No library; text only through textContent.
(function () {
  const T = document.documentElement.lang === "en"
    ? {filter: "Filter these rows", prev: "‹ Previous", next: "Next ›", of: "of"}
    : {filter: "筛选这些行", prev: "‹ 上一页", next: "下一页 ›", of: "共"};
  function key(text) {
    const t = text.trim();
    if (t === "" || t === "—") return [2, 0, ""];
    const n = Number(t.replace(/,/g, ""));
    return Number.isFinite(n) && /^-?[\d,.]+$/.test(t) ? [0, n, ""] : [1, 0, t];
  }
  function cmp(a, b) { return a[0] - b[0] || a[1] - b[1] || a[2].localeCompare(b[2], "zh-Hans-CN"); }
  document.querySelectorAll("table[data-enhance]").forEach((table) => {
    const size = parseInt(table.dataset.enhance, 10) || 50;
    const body = table.tBodies[0];
    const rows = [...body.rows].filter((r) => !r.querySelector("td.none"));
    if (rows.length < 2) return;
    let shown = rows, page = 1, sortCol = -1, desc = false;
    const bar = document.createElement("div"); bar.className = "tbl-tools";
    const q = document.createElement("input"); q.type = "search"; q.className = "tbl-q"; q.placeholder = T.filter;
    q.setAttribute("aria-label", T.filter);
    const count = document.createElement("span"); count.className = "tbl-count";
    const prev = document.createElement("button"); prev.type = "button"; prev.textContent = T.prev; prev.className = "pager-prev";
    const next = document.createElement("button"); next.type = "button"; next.textContent = T.next; next.className = "pager-next";
    bar.append(q, count, prev, next);
    (table.parentElement.classList.contains("table-wrap") ? table.parentElement : table).before(bar);
    function draw() {
      const pages = Math.max(1, Math.ceil(shown.length / size));
      page = Math.min(Math.max(1, page), pages);
      const from = (page - 1) * size;
      body.replaceChildren(...shown.slice(from, from + size));
      count.textContent = shown.length ? `${from + 1}–${Math.min(shown.length, from + size)} / ${shown.length}` +
        (shown.length < rows.length ? ` (${T.of} ${rows.length})` : "") : `0 / ${rows.length}`;
      prev.hidden = page <= 1; next.hidden = page >= pages;
    }
    q.addEventListener("input", () => {
      const needle = q.value.trim().toLowerCase();
      shown = needle ? rows.filter((r) => r.textContent.toLowerCase().includes(needle)) : rows.slice();
      if (sortCol >= 0) sort();
      page = 1; draw();
    });
    function sort() {
      shown.sort((a, b) => cmp(key(a.cells[sortCol]?.textContent || ""), key(b.cells[sortCol]?.textContent || "")) * (desc ? -1 : 1));
    }
    [...table.tHead.rows[0].cells].forEach((th, i) => {
      th.classList.add("sortable"); th.tabIndex = 0;
      const go = () => {
        desc = sortCol === i ? !desc : false; sortCol = i;
        table.tHead.querySelectorAll("th").forEach((h) => h.removeAttribute("aria-sort"));
        th.setAttribute("aria-sort", desc ? "descending" : "ascending");
        sort(); page = 1; draw();
      };
      th.addEventListener("click", go);
      th.addEventListener("keydown", (e) => { if (e.key === "Enter") go(); });
    });
    prev.addEventListener("click", () => { page -= 1; draw(); });
    next.addEventListener("click", () => { page += 1; draw(); });
    draw();
  });
})();
