/* The return kiosk: keeps the scan field focused, sends scans without leaving
   the page, says plainly when the network is down (the return was NOT
   recorded), goes back to the scan screen by itself, and offers the camera
   where the browser has BarcodeDetector. No third-party code.

   The page works without this file too: the forms post normally. */
(function () {
  "use strict";

  var resetTimer = null;
  var busy = false;
  var camera = null; // {stream, video, running}

  function root() {
    return document.querySelector("[data-kiosk]");
  }

  function codeField() {
    var r = root();
    return r ? r.querySelector("input[name='code']") : null;
  }

  function announce(text) {
    var live = document.querySelector("[data-kiosk-live]");
    if (!live) return;
    live.textContent = "";
    // A fresh text node after a tick makes screen readers read it even when it repeats.
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  function showProblem(kind) {
    var r = root();
    if (!r) return;
    stopCamera();
    clearTimer();
    var shown = null;
    r.querySelectorAll("[data-kiosk-problem]").forEach(function (el) {
      var match = el.getAttribute("data-kiosk-problem") === kind;
      el.hidden = !match;
      if (match) shown = el;
    });
    if (shown) {
      announce(shown.textContent.trim());
    }
    busy = false;
    setBusy(false);
    // After the message has been read, try again from the scan screen.
    startTimer(Math.max(readSeconds() * 2, 10));
  }

  function setBusy(on) {
    var r = root();
    if (!r) return;
    r.classList.toggle("kiosk--busy", on);
    r.setAttribute("aria-busy", on ? "true" : "false");
  }

  function readSeconds() {
    var r = root();
    var value = r ? parseFloat(r.getAttribute("data-reset-seconds")) : NaN;
    return isNaN(value) ? 0 : value;
  }

  function clearTimer() {
    if (resetTimer) {
      window.clearTimeout(resetTimer);
      resetTimer = null;
    }
  }

  function startTimer(seconds) {
    clearTimer();
    if (!seconds || seconds <= 0) return;
    resetTimer = window.setTimeout(resetToScan, seconds * 1000);
  }

  function resetToScan() {
    var r = root();
    if (!r) return;
    if (camera) {
      startTimer(readSeconds());
      return;
    }
    if (navigator.onLine === false) {
      showProblem("offline");
      return;
    }
    // The reset address also puts the language back to Japanese: the next person
    // should not find the English someone else chose.
    window.location.assign(r.getAttribute("data-reset-url") || r.getAttribute("data-scan-url") || "/kiosk/");
  }

  // Focus without scrolling: the outcome above the field must stay on the screen.
  function focusField(field) {
    try {
      field.focus({ preventScroll: true });
    } catch (error) {
      field.focus();
    }
  }

  function swapIn(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.querySelector("[data-kiosk]");
    var current = root();
    if (!fresh || !current) return false;
    current.replaceWith(document.adoptNode(fresh));
    if (doc.title) document.title = doc.title;
    // The outcome is the first thing to read: start at the top of the page.
    window.scrollTo(0, 0);
    var heading = fresh.querySelector("h1");
    if (heading) announce(heading.textContent.trim());
    init();
    return true;
  }

  function send(form, submitter) {
    if (busy) return;
    if (navigator.onLine === false) {
      showProblem("offline");
      return;
    }
    busy = true;
    setBusy(true);
    clearTimer();
    stopCamera();
    var data = new FormData(form);
    // FormData leaves out the button that was pressed; the server needs its name.
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    fetch(form.action, {
      method: "POST",
      // As a plain form body (the forms carry no files): cheaper for the server to read
      // than the multipart body FormData would send.
      body: new URLSearchParams(data),
      credentials: "same-origin",
      cache: "no-store",
      headers: { "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        var path = new URL(response.url, window.location.href).pathname;
        var scanPath = new URL(root().getAttribute("data-scan-url") || "/kiosk/", window.location.href).pathname;
        if (response.redirected && path.indexOf(scanPath) !== 0) {
          // Signed out (the kiosk's day ended): go where the server sends us.
          window.location.assign(response.url);
          return null;
        }
        if (response.status >= 500) throw new Error("server " + response.status);
        return response.text().then(function (html) {
          busy = false;
          if (!swapIn(html)) showProblem("failed");
        });
      })
      .catch(function () {
        busy = false;
        showProblem(navigator.onLine === false ? "offline" : "failed");
      });
  }

  function keepFocus() {
    var field = codeField();
    if (!field || camera) return;
    var active = document.activeElement;
    if (!active || active === document.body || active === document.documentElement) {
      focusField(field);
    }
  }

  function stopCamera() {
    if (!camera) return;
    camera.running = false;
    camera.stream.getTracks().forEach(function (track) { track.stop(); });
    camera.video.hidden = true;
    camera.video.srcObject = null;
    var button = camera.button;
    button.textContent = button.getAttribute("data-label-start");
    button.setAttribute("aria-pressed", "false");
    camera = null;
  }

  function startCamera(button) {
    var r = root();
    var video = r.querySelector("[data-kiosk-video]");
    var field = codeField();
    if (!video || !field) return;
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        camera = { stream: stream, video: video, button: button, running: true };
        video.srcObject = stream;
        video.hidden = false;
        button.textContent = button.getAttribute("data-label-stop");
        button.setAttribute("aria-pressed", "true");
        return video.play().then(function () {
          var look = function () {
            if (!camera || !camera.running) return;
            detector
              .detect(video)
              .then(function (codes) {
                if (codes.length && camera && camera.running) {
                  field.value = codes[0].rawValue;
                  stopCamera();
                  send(field.form);
                } else {
                  window.setTimeout(look, 250);
                }
              })
              .catch(function () { window.setTimeout(look, 500); });
          };
          look();
        });
      })
      .catch(function () {
        stopCamera();
        var note = r.querySelector("[data-kiosk-camera-failed]");
        if (note) note.hidden = false;
      });
  }

  function offerCamera() {
    var r = root();
    var button = r && r.querySelector("[data-kiosk-camera]");
    if (!button) return;
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
    var reveal = function () {
      button.hidden = false;
      button.addEventListener("click", function () {
        if (camera) {
          stopCamera();
          keepFocus();
        } else {
          startCamera(button);
        }
      });
    };
    if (typeof window.BarcodeDetector.getSupportedFormats === "function") {
      window.BarcodeDetector.getSupportedFormats().then(function (formats) {
        if (formats.indexOf("qr_code") !== -1) reveal();
      }, function () {});
    } else {
      reveal();
    }
  }

  function init() {
    var r = root();
    if (!r) return;
    r.querySelectorAll("form[data-kiosk-form]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        send(form, event.submitter);
      });
    });
    offerCamera();
    var field = codeField();
    if (field) focusField(field);
    startTimer(readSeconds());
  }

  // Any touch or key press means someone is still busy at the screen: wait for them.
  ["keydown", "pointerdown", "change"].forEach(function (name) {
    document.addEventListener(name, function () {
      if (resetTimer && !busy) startTimer(readSeconds());
    }, true);
  });
  window.addEventListener("offline", function () { showProblem("offline"); });
  window.addEventListener("online", function () {
    var r = root();
    if (r) r.querySelectorAll("[data-kiosk-problem='offline']").forEach(function (el) { el.hidden = true; });
  });
  window.setInterval(keepFocus, 1000);
  document.addEventListener("DOMContentLoaded", init);
})();
