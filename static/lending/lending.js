// Lending desk helpers (no inline script: the CSP forbids it).
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-lending-print]")) {
    button.addEventListener("click", () => window.print());
  }
  // A USB scanner types into the focused field and presses Enter: keep focus there.
  const scan = document.querySelector(".lending-scan input[name='code']");
  if (scan) {
    scan.focus();
    scan.select();
  }
});
