// Copies the NHS design system's compiled CSS, JS and assets into ../ui-assets, which the app serves
// from its output folder. Nothing is loaded from the internet at run time, so the @font-face rules
// that point at an external font host are removed: the design system's font stack falls back to
// Arial/Helvetica, as it does wherever Frutiger is unavailable.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "node_modules", "nhsuk-frontend", "dist", "nhsuk");
const out = join(here, "..", "ui-assets");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "nhsuk"), { recursive: true });

const css = readFileSync(join(dist, "nhsuk-frontend.min.css"), "utf8");
const withoutRemoteFonts = css.replace(/@font-face\{[^}]*url\(https?:[^}]*\}/g, "");
if (/url\(https?:/.test(withoutRemoteFonts)) {
  throw new Error("nhsuk-frontend CSS still references a remote URL after removing @font-face rules");
}
writeFileSync(join(out, "nhsuk", "nhsuk-frontend.min.css"), withoutRemoteFonts);
cpSync(join(dist, "nhsuk-frontend.min.js"), join(out, "nhsuk", "nhsuk-frontend.min.js"));
// The CSS refers to /assets/images/…; keep that path.
cpSync(join(dist, "assets"), join(out, "assets"), { recursive: true });
console.log(`nhsuk-frontend bundled into ${out}`);
