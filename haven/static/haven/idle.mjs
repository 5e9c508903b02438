// Warn before the idle sign-out (HAVEN_IDLE_TIMEOUT_SECONDS) and offer "Stay signed in".
// When the time is up the page is fetched again: the server signs the user out and sends them to sign
// in with next= this page, where any saved form draft is restored (drafts.mjs).

const body = document.body;
const timeout = Number(body.dataset.idleTimeout || 0) * 1000;
const warning = Number(body.dataset.idleWarning || 0) * 1000;
let lastServerTouch = Date.now();

export function touched() {
  lastServerTouch = Date.now();
  hideWarning();
}

export function csrfToken(form) {
  const input = (form || document).querySelector("input[name=csrfmiddlewaretoken]");
  if (input) return input.value;
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

const panel = document.getElementById("idle-warning");
const countdown = panel && panel.querySelector("[data-idle-countdown]");

function showWarning(secondsLeft) {
  if (!panel) return;
  const minutes = Math.floor(secondsLeft / 60);
  const seconds = secondsLeft % 60;
  const parts = [];
  if (minutes) parts.push(`${minutes} minute${minutes === 1 ? "" : "s"}`);
  if (seconds || !minutes) parts.push(`${seconds} second${seconds === 1 ? "" : "s"}`);
  countdown.textContent = `Time left: ${parts.join(" ")}.`;
  if (panel.hidden) {
    panel.hidden = false;
    panel.querySelector("button").focus();
  }
}

function hideWarning() {
  if (panel) panel.hidden = true;
}

async function stayIn(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const response = await fetch(form.action, {
    method: "POST", credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken(form), "X-Haven-Background": "1" },
  });
  if (response.ok) touched();
  else window.location.assign(window.location.pathname + window.location.search);
}

if (timeout > 0) {
  const pingForm = panel && panel.querySelector("form[data-idle-ping]");
  if (pingForm) pingForm.addEventListener("submit", stayIn);
  document.addEventListener("haven:server-touch", touched);
  document.addEventListener("htmx:afterRequest", touched);
  let reloading = false;
  window.setInterval(() => {
    const idle = Date.now() - lastServerTouch;
    if (idle > timeout + 1000) {
      if (!reloading) {
        reloading = true;
        // A GET of this page, never a re-POST: the server signs out and asks to sign in.
        window.location.assign(window.location.pathname + window.location.search);
      }
    } else if (idle >= timeout - warning) {
      showWarning(Math.max(0, Math.ceil((timeout - idle) / 1000)));
    }
  }, 1000);
}
