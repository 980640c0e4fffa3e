// Small progressive enhancements; every page works without this file.

// The team switcher is a <details> disclosure: close it with Escape and give focus back.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const details of document.querySelectorAll("details.wv-disclosure[open]")) {
    details.open = false;
    details.querySelector("summary")?.focus();
  }
});
