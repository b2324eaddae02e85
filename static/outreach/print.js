// Print buttons on the flyer and the register page (no inline script: CSP).
document.querySelectorAll(".print-button").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
