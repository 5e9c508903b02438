// GOV.UK Frontend expects the page to say that JavaScript modules run; its template does this
// inline, which our Content Security Policy forbids, so we do it here.
import { initAll } from "/static/vendor/govuk/govuk-frontend.min.js";
import "./idle.mjs";
import "./drafts.mjs";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// A table wider than the screen scrolls inside itself (haven.css); let the keyboard reach it.
function focusableWideTables() {
  for (const table of document.querySelectorAll("main .govuk-table")) {
    if (table.scrollWidth > table.clientWidth + 1) {
      table.setAttribute("tabindex", "0");
    } else if (table.getAttribute("tabindex") === "0") {
      table.removeAttribute("tabindex");
    }
  }
}
focusableWideTables();
window.addEventListener("resize", focusableWideTables);
document.body.addEventListener("htmx:afterSettle", focusableWideTables);
