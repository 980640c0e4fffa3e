// Small progressive enhancements; every page works without this file.

import { Backoff, reopenWhenShown, socketUrl } from "./reconnect.js";

// The team switcher and the phone's "Menu" are <details> disclosures: close them with Escape (focus
// goes back to the summary only from inside), and when focus or a click leaves them: left open,
// they lay over the page. A team's pages on a phone (wv-team-nav__menu) close with Escape only. (The
// decline form in Mijn werk, also a disclosure, stays open until its own summary is used.)
const HEADER_MENUS = ".wv-header :is(details.wv-disclosure, details.wv-menu)";
const CLOSED_BY_ESCAPE = ":is(details.wv-disclosure, details.wv-menu, details.wv-team-nav__menu)";
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const details of document.querySelectorAll(`${CLOSED_BY_ESCAPE}[open]`)) {
    const inside = details.contains(document.activeElement);
    details.open = false;
    if (inside) details.querySelector("summary")?.focus();
  }
});
document.addEventListener("focusout", (event) => {
  const details = event.target.closest?.(`${HEADER_MENUS}[open]`);
  if (details && event.relatedTarget && !details.contains(event.relatedTarget)) details.open = false;
});
document.addEventListener("click", (event) => {
  for (const details of document.querySelectorAll(`${HEADER_MENUS}[open]`)) {
    if (!details.contains(event.target)) details.open = false;
  }
});

// A form posted once is not posted again by a second click or tap while its next page loads (a
// double tap on a slow connection made two bottlenecks). Forms whose submit a script handles
// itself (the composer, htmx) are left alone, and a page shown again from the browser's history
// takes a submit again; so does one whose answer never came (a download), after ten seconds.
const posts = (form) => form instanceof HTMLFormElement && (form.getAttribute("method") || "").toLowerCase() === "post";
document.addEventListener(
  "submit",
  (event) => {
    if (!posts(event.target) || !event.target.dataset.submitting) return;
    event.preventDefault();
    event.stopImmediatePropagation();
  },
  true,
);
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (event.defaultPrevented || !posts(form)) return;
  form.dataset.submitting = "1";
  setTimeout(() => delete form.dataset.submitting, 10_000);
});
window.addEventListener("pageshow", () => {
  for (const form of document.querySelectorAll("form[data-submitting]")) delete form.dataset.submitting;
});

// What someone typed is not lost when their session ended while the form was open: a form posted
// then is led to the sign-in page, which signs in back to the form's page (tenancy/entry.py). The
// text fields of a posted form are kept in this tab (sessionStorage, as the composer keeps a
// message) until the next page: after the sign-in pages they are put back into the same form, with
// a word; on any other page (the form was taken) they are dropped.
const DRAFT_KEY = "wv-form-draft";
const SIGN_IN_PAGES = /^\/accounts\/(login|2fa\/authenticate)\//;
const TEXT_TYPES = new Set(["text", "search", "email", "url", "tel", "number", "date"]);

function typedIn(form) {
  const fields = {};
  for (const field of form.elements) {
    const text = field.tagName === "TEXTAREA" || (field.tagName === "INPUT" && TEXT_TYPES.has(field.type));
    if (text && field.name && field.value.trim()) fields[field.name] = field.value;
  }
  return fields;
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  // Not the account's own pages: their forms ask for the password again and then go on by
  // themselves (allauth), which is no ended session.
  if (event.defaultPrevented || !posts(form) || location.pathname.startsWith("/accounts/")) return;
  if (form.querySelector("input[type=password]")) return;
  const fields = typedIn(form);
  if (!Object.keys(fields).length) return;
  const action = form.getAttribute("action") || location.pathname;
  try {
    sessionStorage.setItem(DRAFT_KEY, JSON.stringify({ page: location.pathname, action, fields, signedIn: false }));
  } catch {
    // storage full or refused: the form is sent as always
  }
});

(function putBackWhatWasTyped() {
  let draft = null;
  try {
    draft = JSON.parse(sessionStorage.getItem(DRAFT_KEY) || "null");
  } catch {
    return;
  }
  if (!draft) return;
  if (SIGN_IN_PAGES.test(location.pathname)) {
    draft.signedIn = true; // on the way back in: kept until the form's page
    sessionStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
    // The sign-in page says the session expired (accounts/middleware.py); this says the text waits.
    sayInMessages(document.querySelector("main")?.dataset.keptText);
    return;
  }
  sessionStorage.removeItem(DRAFT_KEY);
  if (!draft.signedIn || location.pathname !== draft.page) return;
  const form = [...document.querySelectorAll("form")].find(
    (candidate) => posts(candidate) && (candidate.getAttribute("action") || location.pathname) === draft.action,
  );
  if (!form) return;
  const names = Object.keys(draft.fields);
  if (names.some((name) => form.elements[name]?.value?.trim())) return; // the page shows its own input
  for (const name of names) {
    const field = form.elements[name];
    if (field && "value" in field) field.value = draft.fields[name];
  }
  sayInMessages(document.querySelector("main")?.dataset.restoredText);
})();

function sayInMessages(text) {
  const messages = document.getElementById("messages");
  if (!text || !messages) return;
  const alert = document.createElement("div");
  alert.className = "utrecht-alert utrecht-alert--info";
  const paragraph = document.createElement("p");
  paragraph.className = "utrecht-paragraph";
  paragraph.textContent = text;
  alert.append(paragraph);
  messages.append(alert);
}

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
  showUnread(unread);
  if (unread !== now) tellDevice(Math.max(0, unread), { more: unread > now });
  // A discussion's page says a new notice in its own status line (threads.js).
  if (unread > now && !document.querySelector("[data-live-status]")) sayInHeader(badge.closest("a"));
});

// The unread count outside the page, as chat apps show it: before the tab's title ("(3) Gesprekken ·
// Wijkverband", as the server writes it) and, in the app installed on the home screen, on its icon
// (the Badging API, where the system has it). The page's own title follows.
function showUnread(unread) {
  const title = document.title.replace(/^\(\d+\) /, "");
  document.title = unread > 0 ? `(${unread}) ${title}` : title;
  if (!("setAppBadge" in navigator)) return;
  const shown = unread > 0 ? navigator.setAppBadge(unread) : navigator.clearAppBadge();
  shown.catch(() => {}); // not allowed here (a browser tab, no permission): the title says it
}

// The icon's count as the page came; none once signed out (no header count).
if ("setAppBadge" in navigator) {
  const count = document.querySelector("[data-unread-notifications] [data-count]");
  showUnread(count ? Number(count.textContent) || 0 : 0);
}

// Notices on this device (docs/frontend.md): once the person turned them on (the notifications
// page, below), every change of the unread count goes to the service worker (sw.js), which shows
// "Je hebt 3 ongelezen meldingen" while no Wijkverband window is in front of them and takes it away
// once they are read. Each open tab sends the same change: the worker says it once.
//
// On for this person in this browser, not for the browser: on a practice's shared computer the
// next person who signs in has it off until they turn it on themselves. (The browser's permission
// is the browser's; the choice is kept per person, `wv-device-notices:<their id>`.)
const DEVICE_NOTICES = "wv-device-notices";

function deviceNoticesPossible() {
  return "serviceWorker" in navigator && "Notification" in window && window.isSecureContext;
}

function deviceNoticesKey() {
  const person = document.querySelector("[data-device-notice-for]")?.dataset.deviceNoticeFor;
  return person ? `${DEVICE_NOTICES}:${person}` : null; // signed out: nobody's
}

function deviceNoticesOn() {
  const key = deviceNoticesKey();
  try {
    return Boolean(key) && deviceNoticesPossible() && Notification.permission === "granted" && localStorage.getItem(key) === "on";
  } catch {
    return false; // storage refused (a private window's settings)
  }
}

try {
  localStorage.removeItem(DEVICE_NOTICES); // the first release kept one "on" for the whole browser
} catch {
  // storage refused: nothing was kept either
}

async function tellDevice(unread, { on = deviceNoticesOn(), more = false, sync = false } = {}) {
  const link = document.querySelector("[data-device-notice-other]");
  if (!link || !deviceNoticesPossible()) return;
  try {
    // The page's own worker at once (a page that is being left, signing out, has no time to wait).
    const worker = navigator.serviceWorker.controller || (await navigator.serviceWorker.getRegistration("/"))?.active;
    if (!worker) return;
    const words = link.dataset;
    worker.postMessage({
      type: "unread",
      unread,
      on,
      more,
      sync,
      title: "Wijkverband",
      // Dutch and English say one and more alike: "1 … melding", "3 … meldingen".
      body: (unread === 1 ? words.deviceNoticeOne : words.deviceNoticeOther).replace("{count}", String(unread)),
      url: link.getAttribute("href"),
      icon: words.deviceNoticeIcon,
      badge: words.deviceNoticeBadge,
      lang: document.documentElement.lang,
    });
  } catch {
    // no worker here (refused, or being replaced): the header and the title still say it
  }
}

// Kept registered, and a new release's worker fetched, on every page of someone who has it on; a
// notice on the screen follows the count the page came with (all read on the notifications page,
// which loads again without JavaScript: it goes).
if (deviceNoticesOn()) {
  navigator.serviceWorker.register("/sw.js").catch(() => {});
  const count = document.querySelector("[data-unread-notifications] [data-count]");
  if (count) tellDevice(Number(count.textContent) || 0, { sync: true });
} else if (deviceNoticesPossible() && navigator.serviceWorker.controller) {
  // Off for whoever is here now (another person on this browser, whose predecessor's session ran
  // out without signing out): a notice still on the screen goes.
  tellDevice(0, { on: false });
}

// Signed out: a notice of this person's stays on no shared screen.
document.addEventListener("submit", (event) => {
  if (event.target.matches?.("form[data-sign-out]")) tellDevice(0);
});

// The notifications page's "Op dit apparaat": the section says what this browser can and does, and
// turns it on (the browser asks the person's permission first) or off, for this browser only.
(() => {
  const section = document.querySelector("[data-device-notices]");
  if (!section) return;
  const turnOn = section.querySelector('[data-device-turn="on"]');
  const turnOff = section.querySelector('[data-device-turn="off"]');
  function state() {
    if (!deviceNoticesPossible()) return "unsupported";
    if (Notification.permission === "denied") return "blocked";
    return deviceNoticesOn() ? "on" : "off";
  }
  function show() {
    const now = state();
    for (const line of section.querySelectorAll("[data-device-state]")) line.hidden = line.dataset.deviceState !== now;
    turnOn.hidden = now !== "off";
    turnOff.hidden = now !== "on";
    return now;
  }
  function remember(value) {
    try {
      localStorage.setItem(deviceNoticesKey(), value);
    } catch {
      // storage refused: the state shown says it stayed off
    }
  }
  section.hidden = false;
  show();
  turnOn.addEventListener("click", async () => {
    if ((await Notification.requestPermission()) === "granted") {
      remember("on");
      try {
        await navigator.serviceWorker.register("/sw.js");
        await navigator.serviceWorker.ready;
      } catch {
        remember("off");
      }
    }
    // The keyboard stays in the section: on the button that undoes it, or the sentence that says why not.
    const now = show();
    if (now === "on") turnOff.focus();
    else if (now === "blocked") section.querySelector('[data-device-state="blocked"]').focus();
  });
  turnOff.addEventListener("click", () => {
    remember("off");
    tellDevice(0, { on: false }); // a notice on the screen goes too
    show();
    turnOn.focus();
  });
})();

// Said politely to a screen reader: a count in the header that changed ("Meldingen 3 nieuw").
function sayInHeader(link) {
  const status = document.querySelector("[data-header-status]");
  if (status && link) status.textContent = link.textContent.replace(/\s+/g, " ").trim();
}

// "Mijn werk": the header's count of what is asked of you, and the Mijn werk page's list, follow
// your notices. Any notice frame (a new one, or the exact unread number after something was
// done) makes the page ask the server again: the count from /my-work/count/ (one query), and
// the list through htmx (the "wv-work" event on <body>, see mywork/page.html). At most one
// fetch per burst. Without JavaScript both are as fresh as the page.
const WORK_REFRESH_MS = 250;
let workTimer = null;

async function refreshWork() {
  workTimer = null;
  document.body.dispatchEvent(new CustomEvent("wv-work"));
  const badge = document.querySelector("[data-my-work-count]");
  const link = document.querySelector("[data-my-work-link]");
  if (!badge || !link) return;
  try {
    const response = await fetch(`${link.getAttribute("href")}count/`, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) return;
    const { count, unread } = await response.json();
    // The unread notices as the server counts them: after a socket came back, what was pushed
    // while it was down (the header, the title and the notice on the device follow).
    const shown = document.querySelector("[data-unread-notifications] [data-count]");
    if (shown && typeof unread === "number" && unread !== (Number(shown.textContent) || 0)) {
      document.dispatchEvent(new CustomEvent("wv:notifications", { detail: { unread, counted: true } }));
    }
    const before = Number(badge.querySelector("[data-count]").textContent) || 0;
    badge.querySelector("[data-count]").textContent = String(count);
    badge.hidden = count <= 0;
    // The start page's "Mijn werk: 2 gevraagd van jou" follows too (one number in that sentence).
    for (const total of document.querySelectorAll("[data-my-work-total]")) {
      total.textContent = total.textContent.replace(/\d+/, String(count));
    }
    if (count !== before) sayInHeader(link);
  } catch {
    // offline: the next notice or page load brings the number
  }
}

// A socket back after a release restarted the servers: every open page comes back within seconds,
// and what it missed (what was pushed in the seconds the servers were down) is rarely anything, so
// its ask waits until the reconnect storm is over, spread over two and a half minutes: 5,000 pages
// asking within a minute made the storm's pages miss their 500 ms (docs/my-work.md). After any
// other close (a network gone, a laptop asleep) it asks at once.
const AFTER_RESTART_MIN_MS = 30000;
const AFTER_RESTART_MAX_MS = 180000;
let workDue = 0;

function scheduleWorkRefresh(event) {
  if (event?.detail?.counted) return; // the refresh's own answer: nothing more to ask
  const wait = event?.detail?.afterRestart
    ? AFTER_RESTART_MIN_MS + Math.random() * (AFTER_RESTART_MAX_MS - AFTER_RESTART_MIN_MS)
    : WORK_REFRESH_MS;
  if (workTimer && workDue <= Date.now() + wait) return; // one asks already, as soon or sooner
  clearTimeout(workTimer);
  workDue = Date.now() + wait;
  workTimer = setTimeout(refreshWork, wait);
}

document.addEventListener("wv:notifications", scheduleWorkRefresh);
// An action done in place (htmx answers with this trigger).
document.addEventListener("wv-work-changed", scheduleWorkRefresh);

// An action done in place answers in the page's messages (mywork/_answer.html), while its item
// leaves the list: focus goes to the answer, so it is read out and shown even when the person had
// scrolled down, and the keyboard goes on from there rather than from the top of the page.
document.addEventListener("htmx:load", (event) => {
  if (event.target.matches?.("[data-work-answer]")) event.target.focus();
  // A notice marked read in place (work/_notice_read.html) stays in its list without its button:
  // the focus goes to its link, where the person is, not to the top of the page; the word that it
  // is done is read out from the page's messages (a live region).
  if (event.target.matches?.("[data-notice-marked]")) event.target.querySelector("a")?.focus();
});

// Pages without a live client of their own (the thread pages have one, and pass notices on as
// "wv:notifications") open the tab's one socket here, only to hear the person's own pushes.
const SIGNED_OUT = 4001;
const SIGN_IN_INCOMPLETE = 4002;
const userSocketBackoff = new Backoff(); // when to try again after a close (reconnect.js)

function hasOwnLiveClient() {
  return Boolean(document.getElementById("thread-live") || document.getElementById("thread-list-live"));
}

let userSocket = null;

function connectUserSocket() {
  const socket = new WebSocket(socketUrl());
  userSocket = socket;
  window.wijkverbandUserSocket = socket; // for the browser tests
  socket.addEventListener("open", () => {
    const back = userSocketBackoff.opened();
    // Back after a close: whatever was pushed while the socket was down never came; ask once.
    if (back) scheduleWorkRefresh({ detail: back });
  });
  socket.addEventListener("message", (event) => {
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch {
      return;
    }
    if (frame.type === "notification") {
      document.dispatchEvent(new CustomEvent("wv:notifications", { detail: { added: 1 } }));
    } else if (frame.type === "notifications") {
      document.dispatchEvent(new CustomEvent("wv:notifications", { detail: { unread: frame.unread } }));
    }
  });
  socket.addEventListener("close", (event) => {
    // A socket replaced while it waited to be let in (reopenWhenShown) is not the page's any more.
    if (userSocket !== socket || event.code === SIGNED_OUT || event.code === SIGN_IN_INCOMPLETE) return;
    userSocketBackoff.retry(event, connectUserSocket);
  });
  reopenWhenShown(socket, () => {
    connectUserSocket();
    socket.close();
  });
}

if (document.querySelector("[data-my-work-link]") && "WebSocket" in window && !hasOwnLiveClient()) {
  connectUserSocket();
}

// A form came back with errors: move focus to its error summary, so a screen reader reads the
// problems first and a keyboard user can follow their links to the fields.
const errorSummary = document.querySelector("[data-error-summary]");
if (errorSummary) errorSummary.focus();

// After an action on a message (confirmed, edited, client data removed) the page comes back at
// that message (#message-12): focus goes there too, so a keyboard or screen-reader user goes on
// from where they were instead of from the top of the page.
const returnedTo = !errorSummary && location.hash.startsWith("#message-") && document.getElementById(location.hash.slice(1));
if (returnedTo) {
  returnedTo.tabIndex = -1;
  returnedTo.focus();
}

// Run `focus` after the load: Chromium's own move to the address's fragment (#entry-12), which
// comes later, takes the focus (to the fragment's element, or to <body>) from what had it.
function afterFragment(focus) {
  if (document.readyState === "complete") setTimeout(focus);
  else window.addEventListener("load", () => setTimeout(focus), { once: true });
}

// A page that came back at one item with word of what was done to it, in that item (the wijk card
// at #entry-12 after "Bevestigen: klopt nog": core/done_at.py): focus goes to that word, where the
// page landed. At the top of the page it was 2,600 px away, and the focus ended on <body>.
const doneHere = !errorSummary && !returnedTo && document.querySelector("[data-done-here]");
if (doneHere) afterFragment(() => doneHere.focus());

// A page that came back with word of what was just done ("Verzoek verstuurd", after a redirect):
// focus goes to that word, so a screen reader reads it and the keyboard goes on from there (it
// started at the top of the page, and the message, in the page from the start, was not read out).
const doneWord = !errorSummary && !returnedTo && !doneHere && !location.hash.startsWith("#action-") && document.querySelector("#messages .utrecht-alert");
if (doneWord) {
  doneWord.tabIndex = -1;
  doneWord.focus({ preventScroll: false });
}

// A link to an action of a page (Mijn werk's "Iemand vragen eigenaar te worden" goes to
// #action-ask-owner) opens that action's form and puts the focus on its first field. After the
// load: Chromium's own move to the fragment, which comes later, took the focus away again.
const actionAsked = !errorSummary && location.hash.startsWith("#action-") && document.getElementById(location.hash.slice(1));
if (actionAsked && actionAsked.tagName === "DETAILS") {
  actionAsked.open = true;
  afterFragment(() => actionAsked.querySelector("select, input:not([type=hidden]), textarea")?.focus());
}

// A table wider than a phone scrolls sideways in its container: that container can then be
// reached with Tab and scrolled with the arrow keys, and a screen reader names it by the table's
// caption (WCAG 2.1.1; axe "scrollable-region-focusable"). Templates whose tables may scroll set this
// themselves (so it holds without script too); for the others it is set while the table does not
// fit, and taken off when it does. Either way a box that does not scroll is no tab stop: a stacked
// table on a phone (wv-table--stacked), or a table that fits a desktop, was one that did nothing.
const SCROLLER_MARK = "data-wv-scroller";
const TEMPLATE_STOP = "data-wv-tabindex"; // the template's tabindex, kept while the box fits

function markScrollingTables() {
  for (const box of document.querySelectorAll(".utrecht-table-container")) {
    const ours = box.hasAttribute(SCROLLER_MARK);
    const scrolls = box.scrollWidth > box.clientWidth + 1;
    // A box that fits takes down the line above it that says to scroll (includes/scroll_hint.html);
    // one that scrolls puts it up at any width: on a desktop too a wide table ran off the box's
    // edge with nothing telling there was more. Again on every resize (below).
    box.toggleAttribute("data-wv-fits", !scrolls);
    box.toggleAttribute("data-wv-scrolls", scrolls);
    if (!ours && (box.hasAttribute(TEMPLATE_STOP) || box.hasAttribute("tabindex"))) {
      // The template's own: its name stays, its tab stop only while the table scrolls.
      if (!box.hasAttribute(TEMPLATE_STOP)) box.setAttribute(TEMPLATE_STOP, box.getAttribute("tabindex"));
      if (scrolls) box.setAttribute("tabindex", box.getAttribute(TEMPLATE_STOP));
      else box.removeAttribute("tabindex");
      continue;
    }
    if (scrolls && !ours) {
      const caption = box.querySelector("caption")?.textContent.trim();
      box.setAttribute(SCROLLER_MARK, "");
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", caption || document.title);
    } else if (!scrolls && ours) {
      for (const name of [SCROLLER_MARK, "tabindex", "role", "aria-label"]) box.removeAttribute(name);
    }
  }
}

markScrollingTables();
let scrollersTimer = null;
window.addEventListener("resize", () => {
  clearTimeout(scrollersTimer);
  scrollersTimer = setTimeout(markScrollingTables, 150);
});
