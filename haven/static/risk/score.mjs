// The officer's DASH form: show the running score (number of "yes" answers) and open the
// stalking or honour-based abuse screen when an answer prompts it.
const form = document.querySelector("[data-testid=dash-form]");
const out = document.querySelector("[data-testid=live-score]");
const SCREENS = {
  stalking: "stalking", very_frightened: "stalking", isolation: "hba", control: "hba", hba: "hba",
};

function update() {
  const yes = form.querySelectorAll("input[data-scored][value=yes]:checked").length;
  if (out) out.textContent = `Score so far: ${yes} “yes” answers.`;
  for (const input of form.querySelectorAll("input[data-indicator]:checked")) {
    const screen = SCREENS[input.dataset.indicator];
    if (screen && (input.type === "checkbox" || input.value === "yes")) {
      const details = form.querySelector(`details[data-screen=${screen}]`);
      if (details) details.open = true;
    }
  }
}

if (form) {
  form.addEventListener("change", update);
  update();
}
