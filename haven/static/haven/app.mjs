// GOV.UK Frontend expects the page to say that JavaScript modules run; its template does this
// inline, which our Content Security Policy forbids, so we do it here.
import { initAll } from "/static/vendor/govuk/govuk-frontend.min.js";
import "./idle.mjs";
import "./drafts.mjs";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
