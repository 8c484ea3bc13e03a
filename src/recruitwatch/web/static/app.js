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
  // Changing the sort applies it at once.
  const sort = document.getElementById("sort");
  if (sort) sort.addEventListener("change", () => sort.form.submit());
});
