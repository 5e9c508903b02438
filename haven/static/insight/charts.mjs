// Draws each chart on the insight pages from its Vega-Lite spec (a json_script element), with
// Vega's expression interpreter: the strict CSP forbids eval, so no generated code runs.
import { expressionInterpreter } from "../vendor/vega/vega-interpreter.mjs";

const embed = globalThis.vegaEmbed;

for (const holder of document.querySelectorAll(".haven-chart[data-spec]")) {
  const source = document.getElementById(holder.dataset.spec);
  if (!source || !embed) continue;
  const spec = JSON.parse(source.textContent);
  embed(holder, spec, {
    actions: false,
    renderer: "svg",
    ast: true,
    expr: expressionInterpreter,
    defaultStyle: false,
    tooltip: false,
  }).then(() => holder.classList.add("haven-chart--drawn"))
    .catch((error) => {
      holder.textContent = "The chart could not be drawn: the figures are in the table below.";
      console.error(error);
    });
}
