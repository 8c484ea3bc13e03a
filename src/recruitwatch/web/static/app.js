// Small progressive enhancements; every page works without this script.
document.addEventListener("DOMContentLoaded", () => {
  // Ask before the actions that change what the public sees.
  for (const form of document.querySelectorAll('form[action$="/reject"], form[action$="/merge"], form[action$="/split"]')) {
    form.addEventListener("submit", (event) => {
      const verb = form.querySelector("button[type=submit]").textContent.trim();
      if (!window.confirm(verb + "?")) event.preventDefault();
    });
  }
  // On a phone the facets start folded, so the results come right after the search box.
  if (window.matchMedia("(max-width: 760px)").matches) {
    for (const box of document.querySelectorAll("details.facet-box")) box.open = false;
  }
  // The shaded map zooms by redrawing it larger inside its scrolling box, keeping the centre in view.
  for (const tools of document.querySelectorAll(".map-tools")) {
    const box = tools.nextElementSibling;
    const svg = box && box.querySelector("svg");
    if (!svg) continue;
    const width = svg.width.baseVal.value, height = svg.height.baseVal.value;
    let zoom = 1;
    tools.hidden = false;
    tools.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-zoom]");
      if (!button) return;
      const factor = parseFloat(button.dataset.zoom);
      let cx = (box.scrollLeft + box.clientWidth / 2) / (width * zoom);
      let cy = (box.scrollTop + box.clientHeight / 2) / (height * zoom);
      const focus = (svg.dataset.focus || "").split(" ").map(Number);
      if (zoom === 1 && focus.length === 2) {  // the first step in goes to where the incidents are
        const units = svg.viewBox.baseVal;
        cx = focus[0] / units.width;
        cy = focus[1] / units.height;
      }
      zoom = factor === 1 ? 1 : Math.min(8, Math.max(1, zoom * factor));
      svg.style.width = width * zoom + "px";
      svg.style.height = height * zoom + "px";
      box.scrollLeft = cx * width * zoom - box.clientWidth / 2;
      box.scrollTop = cy * height * zoom - box.clientHeight / 2;
    });
  }
  // The time slider: two handles over the months with incidents; letting one go applies the range.
  const slider = document.querySelector(".time-slider");
  if (slider) {
    const months = slider.dataset.months.split(" ");
    const from = document.getElementById("t-from"), to = document.getElementById("t-to");
    const shown = document.getElementById("t-range");
    const show = () => {
      if (+from.value > +to.value) [from.value, to.value] = [to.value, from.value];
      shown.textContent = months[from.value] + " – " + months[to.value];
    };
    const apply = () => {
      show();
      document.getElementById("d-from").value = +from.value === 0 ? "" : months[from.value];
      document.getElementById("d-to").value = +to.value === months.length - 1 ? "" : months[to.value];
      slider.closest("form").requestSubmit();
    };
    for (const handle of [from, to]) {
      handle.addEventListener("input", show);
      handle.addEventListener("change", apply);
    }
    slider.hidden = false;
  }
  // Changing the sort applies it at once.
  const sort = document.getElementById("sort");
  if (sort) sort.addEventListener("change", () => sort.form.submit());
});
