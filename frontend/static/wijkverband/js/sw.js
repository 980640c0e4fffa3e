// Wijkverband's service worker (served at /sw.js, core.views.service_worker): it only shows the
// notice on this device that something waits ("Je hebt 3 ongelezen meldingen"), after the person
// turned that on (the notifications page, app.js). It keeps nothing of a page: no fetch handler, no
// cache (pages are no-store). docs/frontend.md, "Notices on this device".
//
// A page sends every change of the unread count it hears over its socket: {type: "unread",
// unread, on, more, sync, title, body, url, icon, badge, lang}, worded by the page in the person's language and
// saying nothing but the count (never who, what or where). Every open tab sends the same change;
// here they meet, one after the other, and the notice itself says which count it showed.

const TAG = "wv-unread";
let queue = Promise.resolve();

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("message", (event) => {
  const data = event.data;
  if (!data || data.type !== "unread" || typeof data.unread !== "number") return;
  queue = queue.then(() => showUnread(data)).catch(() => {});
  event.waitUntil(queue);
});

async function showUnread(data) {
  const shown = await self.registration.getNotifications({ tag: TAG });
  if (data.unread <= 0 || !data.on) {
    // Read (on this device or another), or turned off here: nothing to say any more.
    for (const notice of shown) notice.close();
    return;
  }
  const before = shown.length ? shown[0].data?.unread : undefined;
  if (before === data.unread) return; // another tab said it already
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const looking = windows.some((client) => client.focused);
  // A new notice only for more (`more`: the count went up on the page) while the person has no
  // Wijkverband window in front of them; otherwise the header's count says it, and a notice already
  // on the screen follows quietly. A page that loads only brings a notice on the screen up to date
  // (`sync`): a tab opened in the background is not news.
  if (!shown.length && (looking || data.sync || !data.more)) return;
  const more = shown.length ? data.unread > before : data.more;
  const alert = more && !looking && !data.sync; // a sound and a buzz for more, not for fewer
  await self.registration.showNotification(data.title, {
    body: data.body,
    tag: TAG,
    renotify: alert,
    silent: !alert,
    icon: data.icon,
    badge: data.badge,
    lang: data.lang,
    data: { unread: data.unread, url: data.url },
  });
}

// A tap on the notice opens the notifications page: the tab that shows it if there is one,
// otherwise a new one (never another tab of the person's, where they may be writing).
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL(event.notification.data?.url || "/", self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => client.url === url && "focus" in client);
      return open ? open.focus() : self.clients.openWindow(url);
    }),
  );
});
