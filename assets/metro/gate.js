/*
 * Công dân số — camera scanning for the gate page (/metro/gate).
 *
 * MetroGate.start(options): opens the rear camera in a <video>, reads QR codes with the browser's
 * BarcodeDetector (Chrome/Edge on Android, ChromeOS, macOS; Safari 17+) and hands each text to onText. The same
 * code is not handed over again within 3 s (one scan per presentation). Without BarcodeDetector or camera
 * permission it says so in the status element; pasting still works.
 *   options.video, options.status: elements (default #gate-video, #gate-camera-status: the staff form)
 *   options.onText(text): default: the staff form (fills <textarea id="gate-qr">, submits <form id="gate-form">)
 *   options.text: {unsupported, denied, on} in the page's language (default: the staff form's wording)
 * MetroGate.stop() closes the camera.
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
  var stream = null, timer = null, last = { text: "", at: 0 }, current = null;

  function say(key) {
    if (!current || !current.status) return;
    var text = current.text || TEXT[document.documentElement.lang === "en" ? "en" : "vi"];
    current.status.textContent = key ? text[key] : "";
  }

  function staffSubmit(text) {
    var area = document.getElementById("gate-qr"), form = document.getElementById("gate-form");
    if (!area || !form) return;
    area.value = text;
    form.requestSubmit();
  }

  function submit(text) {
    var now = Date.now();
    if (text === last.text && now - last.at < 3000) return;
    last = { text: text, at: now };
    (current && current.onText ? current.onText : staffSubmit)(text);
  }

  async function start(options) {
    stop();
    var opts = options || {};
    current = { video: opts.video || document.getElementById("gate-video"),
                status: opts.status || document.getElementById("gate-camera-status"),
                onText: opts.onText || null, text: opts.text || null };
    var video = current.video;
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
      if (!video.isConnected) { stop(); return; }
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
    if (current && current.video) current.video.style.display = "none";
    say("");
  }

  root.MetroGate = { start: start, stop: stop, submit: submit };
})(window);
