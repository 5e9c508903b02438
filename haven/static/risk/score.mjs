// The officer's DASH form: keep the running score in view, and show a follow-on screen
// (stalking, honour-based abuse) in the page as soon as an answer calls for it, saying why.
// The server applies the same rules on submit (haven.risk.services.screen_reasons); without
// this script every screen is shown with a note on when to answer it.
const form = document.querySelector("[data-testid=dash-form]");
const out = document.querySelector("[data-testid=live-score]");

function code(input) {
  return input.name.replace(/^answer_/, "");
}

function triggeredBy(screen) {
  const keys = new Set((screen.dataset.triggers || "").split(" ").filter(Boolean));
  const why = [];
  for (const input of form.querySelectorAll("input[data-indicator]:checked")) {
    if (!keys.has(input.dataset.indicator)) continue;
    if (input.type === "checkbox") why.push("honour-based abuse or forced marriage is indicated");
    else if (input.value === "yes") why.push(`${code(input)} was answered yes`);
  }
  if (screen.dataset.recordReason) why.push(screen.dataset.recordReason);
  return why;
}

function update() {
  const yes = form.querySelectorAll("input[data-scored][value=yes]:checked").length;
  if (out) out.textContent = `Score so far: ${yes} “yes” answers.`;
  for (const screen of form.querySelectorAll("[data-screen]")) {
    const why = triggeredBy(screen);
    const shown = why.length > 0;
    screen.hidden = !shown;
    const reason = screen.querySelector("[data-testid^=screen-reason]");
    if (reason && shown) reason.textContent = `Shown because ${why.join("; ")}.`;
  }
}

// A hidden screen sends nothing: answers given before its trigger was taken back are not
// kept. (Disabled only at submit, so that a restored draft can still fill the screen.)
function dropHiddenScreens() {
  for (const screen of form.querySelectorAll("[data-screen][hidden]")) {
    for (const input of screen.querySelectorAll("input, select")) input.disabled = true;
  }
}

if (form) {
  form.addEventListener("change", update);
  form.addEventListener("submit", dropHiddenScreens);
  update();
}
