// Công dân số: inline the CSS each built page needs for its first paint (citizen_app/ui/first_paint.py).
// usage: node critical_css.mjs STATIC_DIR PAGE.html [PAGE.html ...]
// Beasties (https://github.com/danielroe/beasties) keeps the rules of the global stylesheet that match the page's
// server-rendered elements and puts them in a <style> in its head; the page's own script loads the whole stylesheet
// after the first paint. The classes that scripts put on <html> before the first paint (language, large text,
// colour theme, offline) match nothing in the built page, so their rules are kept by name.
import fs from "node:fs";
import Beasties from "beasties";

const [staticDir, ...pages] = process.argv.slice(2);
const beasties = new Beasties({
  path: staticDir,
  publicPath: "/",
  preload: false, // first_paint.py defers the stylesheet itself (no inline event handler: the CSP allows none)
  pruneSource: false, // the whole stylesheet still loads, for what the app draws later
  reduceInlineStyles: false, // the components' own <style> tags stay as React rendered them
  inlineFonts: true,
  preloadFonts: false,
  keyframes: "critical",
  allowRules: [/\.dark\b/, /\.light\b/, /cds-large/, /cds-offline-user/, /lang="?en/],
  logLevel: "warn",
});

for (const page of pages) {
  const html = fs.readFileSync(page, "utf8");
  fs.writeFileSync(page, await beasties.process(html));
}
