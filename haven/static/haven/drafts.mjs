// Server-side drafts of long forms: any <form data-haven-draft="KEY"> is saved as the user
// types (debounced) to /account/drafts/ and restored into empty fields when the page loads.
// Nothing is kept in the browser's storage: drafts can hold DASH answers.

import { csrfToken } from "./idle.mjs";

const DRAFT_URL = document.body.dataset.draftUrl;
const DELAY_MS = 800;
const SKIPPED_TYPES = new Set(["password", "file", "submit", "button", "reset", "image"]);
const SKIPPED_NAMES = new Set(["csrfmiddlewaretoken", "version", "next"]);

function fieldsOf(form) {
  return Array.from(form.elements).filter((el) => el.name && !el.disabled
    && !SKIPPED_NAMES.has(el.name) && !SKIPPED_TYPES.has(el.type)
    && (el.type !== "hidden" || el.hasAttribute("data-haven-draft-field")));
}

function collect(form) {
  const values = {};
  for (const el of fieldsOf(form)) {
    let picked = [];
    if (el.type === "radio" || el.type === "checkbox") picked = el.checked ? [el.value] : [];
    else if (el.type === "select-multiple") picked = Array.from(el.selectedOptions, (o) => o.value);
    else picked = [el.value];
    if (!(el.name in values)) values[el.name] = [];
    values[el.name].push(...picked);
  }
  return values;
}

function restore(form, saved) {
  let restored = 0;
  const changed = new Set();
  const byName = new Map();
  for (const el of fieldsOf(form)) {
    if (!byName.has(el.name)) byName.set(el.name, []);
    byName.get(el.name).push(el);
  }
  for (const [name, values] of Object.entries(saved)) {
    const els = byName.get(name);
    if (!els || !values.length) continue;
    const choices = els.filter((el) => el.type === "radio" || el.type === "checkbox");
    if (choices.length) {
      if (choices.some((el) => el.checked)) continue;
      for (const el of choices) {
        if (values.includes(el.value)) { el.checked = true; changed.add(el); restored += 1; }
      }
      continue;
    }
    els.forEach((el, index) => {
      const value = values[index];
      if (value === undefined || value === "") return;
      if (el.type === "select-multiple") {
        if (el.selectedOptions.length) return;
        for (const option of el.options) option.selected = values.includes(option.value);
      } else {
        if (el.value !== "") return;
        el.value = value;
      }
      changed.add(el);
      restored += 1;
    });
  }
  for (const el of changed) {
    el.dispatchEvent(new Event("input", { bubbles: true }));
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }
  return restored;
}

function banner(key) {
  const wrapper = document.createElement("div");
  wrapper.className = "govuk-notification-banner govuk-notification-banner--success";
  wrapper.setAttribute("role", "alert");
  wrapper.dataset.testid = "draft-restored";
  const header = document.createElement("div");
  header.className = "govuk-notification-banner__header";
  const title = document.createElement("h2");
  title.className = "govuk-notification-banner__title";
  title.textContent = "Draft";
  header.append(title);
  const content = document.createElement("div");
  content.className = "govuk-notification-banner__content";
  const heading = document.createElement("p");
  heading.className = "govuk-notification-banner__heading";
  heading.textContent = "We restored your unsaved answers";
  const text = document.createElement("p");
  text.className = "govuk-body";
  text.textContent = "Check them before you continue.";
  // A draft from an earlier, abandoned form (another caller's people, say) must not be carried
  // into new work unnoticed: offer to throw it away and start with an empty form.
  const discard = document.createElement("button");
  discard.type = "button";
  discard.className = "govuk-button govuk-button--secondary govuk-!-margin-bottom-0";
  discard.dataset.testid = "discard-draft";
  discard.textContent = "Discard these answers and start again";
  discard.addEventListener("click", async () => {
    discard.disabled = true;
    const form = document.querySelector(`form[data-haven-draft="${CSS.escape(key)}"]`);
    const response = await fetch(DRAFT_URL, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(form),
                 "X-Haven-Background": "1" },
      body: JSON.stringify({ key, path: pagePath(), fields: {} }),
    });
    if (response.ok) window.location.reload();
    else discard.disabled = false;
  });
  content.append(heading, text, discard);
  wrapper.append(header, content);
  return wrapper;
}

function pagePath() {
  return window.location.pathname + window.location.search;
}

async function load(form, key) {
  const url = `${DRAFT_URL}?${new URLSearchParams({ key, path: pagePath() })}`;
  const response = await fetch(url, {
    credentials: "same-origin", headers: { "X-Haven-Background": "1", Accept: "application/json" },
  });
  if (response.status !== 200) return;
  const data = await response.json();
  if (restore(form, data.fields || {}) > 0) form.before(banner(key));
  document.dispatchEvent(new CustomEvent("haven:server-touch"));
}

function watch(form, key) {
  let timer = null;
  let sending = false;
  const save = async () => {
    timer = null;
    if (sending) return;
    const response = await fetch(DRAFT_URL, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(form),
                 "X-Haven-Background": "1" },
      body: JSON.stringify({ key, path: pagePath(), fields: collect(form) }),
    });
    if (response.ok) {
      form.dataset.havenDraftSaved = String(Date.now());
      // Still pending if the user changed something while this save was on its way.
      if (!timer) delete form.dataset.havenDraftPending;
      document.dispatchEvent(new CustomEvent("haven:server-touch"));
    }
  };
  const schedule = () => {
    if (sending) return;
    form.dataset.havenDraftPending = "1";  // what the page shows is not saved yet
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(save, DELAY_MS);
  };
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  form.addEventListener("submit", () => {
    // The server deletes the draft once the form is accepted; stop saving over it.
    sending = true;
    if (timer) window.clearTimeout(timer);
  });
}

if (DRAFT_URL) {
  for (const form of document.querySelectorAll("form[data-haven-draft]")) {
    const key = form.dataset.havenDraft;
    load(form, key).finally(() => watch(form, key));
  }
}
