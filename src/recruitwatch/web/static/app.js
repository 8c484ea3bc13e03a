// Small progressive enhancements; every page works without this script.
document.addEventListener("DOMContentLoaded", () => {
  // Ask before the actions that change what the public sees.
  for (const form of document.querySelectorAll('form[action$="/reject"], form[action$="/merge"], form[action$="/split"]')) {
    form.addEventListener("submit", (event) => {
      const verb = form.querySelector("button[type=submit]").textContent.trim();
      if (!window.confirm(verb + "?")) event.preventDefault();
    });
  }
  // Changing the sort applies it at once.
  const sort = document.getElementById("sort");
  if (sort) sort.addEventListener("change", () => sort.form.submit());
});
