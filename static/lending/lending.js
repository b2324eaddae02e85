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

// The camera button of a scan form (the stocktake): where the browser has
// BarcodeDetector, a phone or tablet camera reads the QR label, fills the code
// field and sends the form, as the kiosk does. Without it the button stays hidden.
document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector(".lending-scan [data-scan-camera]");
  if (!button || !("BarcodeDetector" in window)) return;
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  const form = button.closest("form");
  const field = form.querySelector("input[name='code']");
  const video = form.querySelector("[data-scan-video]");
  let stream = null;

  const stop = () => {
    if (!stream) return;
    stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.hidden = true;
    video.srcObject = null;
    button.textContent = button.dataset.labelStart;
    button.setAttribute("aria-pressed", "false");
  };

  const start = async () => {
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: "environment" },
        audio: false,
      });
    } catch (error) {
      const note = form.querySelector("[data-scan-camera-failed]");
      if (note) note.hidden = false;
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    button.textContent = button.dataset.labelStop;
    button.setAttribute("aria-pressed", "true");
    await video.play();
    const look = async () => {
      if (!stream) return;
      try {
        const codes = await detector.detect(video);
        if (codes.length) {
          field.value = codes[0].rawValue;
          stop();
          form.submit();
          return;
        }
      } catch (error) {
        // A frame that could not be read: try the next one.
      }
      window.setTimeout(look, 250);
    };
    look();
  };

  const reveal = () => {
    button.hidden = false;
    button.addEventListener("click", () => (stream ? stop() : start()));
  };
  if (typeof window.BarcodeDetector.getSupportedFormats === "function") {
    window.BarcodeDetector.getSupportedFormats().then(
      (formats) => formats.includes("qr_code") && reveal(),
      () => {},
    );
  } else {
    reveal();
  }
});
