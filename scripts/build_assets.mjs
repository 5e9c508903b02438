// Copies the front-end packages Haven serves into haven/static/vendor/ (no CDN: machines are
// offline). The precompiled CSS points at /assets/; we point it at our static path instead.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "haven", "static", "vendor");
const nm = join(root, "node_modules");

rmSync(out, { recursive: true, force: true });

function copyCss(from, to, assetBase) {
  mkdirSync(dirname(to), { recursive: true });
  const css = readFileSync(from, "utf8").replaceAll("url(/assets/", `url(${assetBase}/`);
  writeFileSync(to, css);
}

const govuk = join(nm, "govuk-frontend", "dist", "govuk");
copyCss(join(govuk, "govuk-frontend.min.css"), join(out, "govuk", "govuk-frontend.min.css"),
  "/static/vendor/govuk/assets");
cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk", "govuk-frontend.min.js"));
cpSync(join(govuk, "assets"), join(out, "govuk", "assets"), { recursive: true });

const moj = join(nm, "@ministryofjustice", "frontend", "moj");
copyCss(join(moj, "moj-frontend.min.css"), join(out, "moj", "moj-frontend.min.css"),
  "/static/vendor/moj/assets");
cpSync(join(moj, "moj-frontend.min.js"), join(out, "moj", "moj-frontend.min.js"));
cpSync(join(moj, "assets"), join(out, "moj", "assets"), { recursive: true });

mkdirSync(join(out, "htmx"), { recursive: true });
cpSync(join(nm, "htmx.org", "dist", "htmx.min.js"), join(out, "htmx", "htmx.min.js"));

// Charts (insight): Vega, Vega-Lite and vega-embed as UMD globals, and Vega's expression
// interpreter (no eval: the strict CSP forbids it) rewritten to read vega-util from the global.
mkdirSync(join(out, "vega"), { recursive: true });
cpSync(join(nm, "vega", "build", "vega.min.js"), join(out, "vega", "vega.min.js"));
cpSync(join(nm, "vega-lite", "build", "vega-lite.min.js"), join(out, "vega", "vega-lite.min.js"));
cpSync(join(nm, "vega-embed", "build", "vega-embed.min.js"), join(out, "vega", "vega-embed.min.js"));
writeFileSync(join(out, "vega", "vega-interpreter.mjs"),
  readFileSync(join(nm, "vega-interpreter", "build", "vega-interpreter.js"), "utf8").replace(
    /import \{([^}]*)\} from 'vega-util';/,
    "const {$1} = globalThis.vega;"));

// Maps (insight): Leaflet's ES module and its stylesheet with the images it points at.
mkdirSync(join(out, "leaflet"), { recursive: true });
cpSync(join(nm, "leaflet", "dist", "leaflet-src.esm.js"), join(out, "leaflet", "leaflet.mjs"));
cpSync(join(nm, "leaflet", "dist", "leaflet.css"), join(out, "leaflet", "leaflet.css"));
cpSync(join(nm, "leaflet", "dist", "images"), join(out, "leaflet", "images"), { recursive: true });

console.log(`assets built into ${out}`);
