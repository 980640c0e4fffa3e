// Small progressive enhancements; every page works without this file.

// The team switcher is a <details> disclosure: close it with Escape and give focus back.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const details of document.querySelectorAll("details.wv-disclosure[open]")) {
    details.open = false;
    details.querySelector("summary")?.focus();
  }
});

// The header's count of unread notifications. Pages with a live socket (threads.js,
// thread_list.js) pass on what the server pushes: a new notification adds one, and a
// "notifications" frame (after reading or marking read) gives the exact number.
document.addEventListener("wv:notifications", (event) => {
  const badge = document.querySelector("[data-unread-notifications]");
  const count = badge?.querySelector("[data-count]");
  if (!badge || !count) return;
  const now = Number(count.textContent) || 0;
  const unread = typeof event.detail.unread === "number" ? event.detail.unread : now + (event.detail.added || 0);
  count.textContent = String(Math.max(0, unread));
  badge.hidden = unread <= 0;
});
