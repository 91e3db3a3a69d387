/*
 * Công dân số — camera scanning for the gate page (/metro/gate).
 *
 * MetroGate.start(): opens the rear camera in <video id="gate-video">, reads QR codes with the
 * browser's BarcodeDetector (Chrome/Edge on Android, ChromeOS, macOS; Safari 17+), puts the text into
 * <textarea id="gate-qr"> and submits <form id="gate-form">, so the server-side validation runs exactly
 * as for a pasted code. The same code is not resubmitted within 3 s (one scan per presentation).
 * Without BarcodeDetector or camera permission it says so in #gate-camera-status; pasting still works.
 */
(function (root) {
  "use strict";
  if (root.MetroGate) return;

  var TEXT = {
    vi: { unsupported: "Trình duyệt này không đọc được mã QR từ camera. Hãy dán nội dung mã.",
          denied: "Không mở được camera (chưa cấp quyền?). Hãy dán nội dung mã.", on: "Camera đang quét…" },
    en: { unsupported: "This browser cannot read QR codes from the camera. Please paste the code.",
          denied: "The camera could not be opened (permission?). Please paste the code.", on: "Camera scanning…" },
  };
  var stream = null, timer = null, last = { text: "", at: 0 };

  function say(key) {
    var status = document.getElementById("gate-camera-status");
    if (status) status.textContent = key ? TEXT[document.documentElement.lang === "en" ? "en" : "vi"][key] : "";
  }

  function submit(text) {
    var now = Date.now();
    if (text === last.text && now - last.at < 3000) return;
    last = { text: text, at: now };
    var area = document.getElementById("gate-qr"), form = document.getElementById("gate-form");
    if (!area || !form) return;
    area.value = text;
    form.requestSubmit();
  }

  async function start() {
    var video = document.getElementById("gate-video");
    if (!video) return;
    if (!("BarcodeDetector" in root)) { say("unsupported"); return; }
    var detector = new root.BarcodeDetector({ formats: ["qr_code"] });
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch (e) {
      say("denied");
      return;
    }
    video.srcObject = stream;
    video.style.display = "block";
    await video.play();
    say("on");
    timer = setInterval(async function () {
      if (!document.getElementById("gate-video")) { stop(); return; }
      try {
        var codes = await detector.detect(video);
        if (codes.length && codes[0].rawValue) submit(codes[0].rawValue);
      } catch (e) { /* a frame that cannot be read: try the next one */ }
    }, 150);
  }

  function stop() {
    if (timer) clearInterval(timer);
    timer = null;
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    var video = document.getElementById("gate-video");
    if (video) video.style.display = "none";
    say("");
  }

  root.MetroGate = { start: start, stop: stop, submit: submit };
})(window);
