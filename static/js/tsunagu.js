/* Shared behaviour of every page (no third-party code).

   A wide table scrolls sideways inside its .table-scroll box on a narrow screen.
   Keyboard users can only scroll it if the box can take focus, and screen-reader
   users need to know what the box is: so when the table really is wider than
   its box, the box becomes a focusable, named region (WCAG 2.1.1). Templates
   that already set tabindex keep their own. */
(function () {
  "use strict";

  function nameOf(box) {
    var caption = box.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    var el = box.previousElementSibling;
    while (el && !/^H[1-6]$/.test(el.tagName)) el = el.previousElementSibling;
    if (el) return el.textContent.trim();
    var heading = document.querySelector("h1");
    return heading ? heading.textContent.trim() : "";
  }

  function update() {
    document.querySelectorAll(".table-scroll").forEach(function (box) {
      if (box.hasAttribute("data-tsunagu-own")) return;
      if (box.hasAttribute("tabindex") && !box.hasAttribute("data-tsunagu-scroll")) {
        box.setAttribute("data-tsunagu-own", "");
        return;
      }
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-tsunagu-scroll", "");
        if (!box.hasAttribute("role")) box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
          box.setAttribute("aria-label", nameOf(box));
        }
      } else if (box.hasAttribute("data-tsunagu-scroll")) {
        box.removeAttribute("tabindex");
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
  window.addEventListener("resize", update);
})();

/* After a form comes back with errors, the error summary is the first thing the
   person meets: scrolled into view and focused (screen readers read it), with a
   link to each field. */
(function () {
  "use strict";
  function focusSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    // A little room above, so its focus outline is not cut off at the top of a phone.
    var top = summary.getBoundingClientRect().top + window.scrollY - 16;
    window.scrollTo(0, Math.max(0, top));
    summary.focus({ preventScroll: true });
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) return;
      event.preventDefault();
      target.scrollIntoView({ block: "center" });
      target.focus();
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
})();

/* A copy button (data-copy="<id of the field>"): copies the field's text and says so in
   the status beside it, for people who cannot select text on a phone. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) return;
    var status = button.parentElement.querySelector(".copy-status");
    function done() {
      if (status) status.textContent = button.getAttribute("data-copied") || "";
    }
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {
        document.execCommand("copy");
        done();
      });
    } else {
      document.execCommand("copy");
      done();
    }
  });
})();

/* A filter folded in <details data-open-wide>: closed on a phone so the results come
   first, opened on a screen wide enough to show both. */
(function () {
  "use strict";
  function openWide() {
    if (!window.matchMedia("(min-width: 48rem)").matches) return;
    document.querySelectorAll("details[data-open-wide]").forEach(function (box) {
      box.open = true;
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", openWide);
  } else {
    openWide();
  }
})();
