/* Applies the remembered language and large-text choice before the app hydrates (no flash). */
(function () {
  function read(name, fallback) {
    try {
      var raw = window.localStorage.getItem(name);
      if (raw === null) return fallback;
      try { return JSON.parse(raw); } catch (e) { return raw; }
    } catch (e) { return fallback; }
  }
  var lang = read("cds_lang", "vi");
  document.documentElement.lang = lang === "en" ? "en" : "vi";
  if (String(read("cds_large", "0")) === "1") document.documentElement.classList.add("cds-large");
})();
