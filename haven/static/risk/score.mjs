// Show the officer the running DASH score (number of "yes" answers) as they answer.
const form = document.querySelector("[data-testid=dash-form]");
const out = document.querySelector("[data-testid=live-score]");
if (form && out) {
  const update = () => {
    const yes = form.querySelectorAll("input[data-scored][value=yes]:checked").length;
    out.textContent = `Score so far: ${yes} “yes” answers.`;
  };
  form.addEventListener("change", update);
  update();
}
