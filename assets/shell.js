/* Applies the remembered language and large-text choice before the app hydrates (no flash, and <html lang>
   matches the language the server renders) and after it (hydration resets them), and keeps the cookie copy the server reads when a tab connects
   in step with localStorage (older versions kept only localStorage; the offline verifier writes only
   localStorage). */
(function () {
  var ALLOWED = { cds_lang: ["vi", "en"], cds_large: ["0", "1"] };
  var MAX_AGE = 400 * 86400;
  function read(name, fallback) {
    try {
      var raw = window.localStorage.getItem(name);
      if (raw === null) return fallback;
      try { raw = JSON.parse(raw); } catch (e) { /* a plain string */ }
      return ALLOWED[name].indexOf(String(raw)) >= 0 ? String(raw) : fallback;
    } catch (e) { return fallback; }
  }
  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? match[1] : null;
  }
  function keep(name, value) {
    if (value === null || cookie(name) === value) return;
    document.cookie = name + "=" + value + "; path=/; max-age=" + MAX_AGE + "; samesite=lax" +
      (location.protocol === "https:" ? "; secure" : "");
  }
  function remembered(name) {  // localStorage first; the cookie alone if storage was cleared
    var stored = read(name, null);
    if (stored !== null) {
      keep(name, stored);
      return stored;
    }
    var fromCookie = cookie(name);
    return ALLOWED[name].indexOf(fromCookie) >= 0 ? fromCookie : null;
  }
  var root = document.documentElement;
  function apply() {
    var lang = remembered("cds_lang") === "en" ? "en" : "vi";
    var large = remembered("cds_large") === "1";
    if (root.lang !== lang) root.lang = lang;
    if (root.classList.contains("cds-large") !== large) root.classList.toggle("cds-large", large);
  }
  apply();
  // React's hydration of the document puts back the <html> attributes it rendered (lang="vi", the colour theme's
  // class): apply the remembered choices again whenever they are replaced. The switches write localStorage first.
  new MutationObserver(apply).observe(root, { attributes: true, attributeFilter: ["lang", "class"] });
})();
