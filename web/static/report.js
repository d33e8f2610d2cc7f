// The report's print button (no inline script: the pages' CSP forbids it).
document.getElementById("print-report")?.addEventListener("click", () => window.print());
