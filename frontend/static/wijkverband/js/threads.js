// Live thread page: the WebSocket client of docs/realtime.md. The page works without this file;
// with it, new messages appear live, posts go over the socket with an outbox, and the page
// catches up by itself after a lost connection or a server restart.

import { Backoff, reopenWhenShown, socketUrl } from "./reconnect.js";

const SIGNED_OUT = 4001;
// Signed in, but the second factor is not set up yet: the pages send the person to set it up.
const SIGN_IN_INCOMPLETE = 4002;
// A post that waits this long in the outbox while the socket is away goes over HTTP instead (the
// same form endpoint and client_id): after a restart every page reconnects at once, and a person
// who is writing should not wait for their page's turn (docs/realtime.md, "Reconnect storm").
const HTTP_FALLBACK_MS = 2000;
// While the server does not answer (a restart takes a few seconds) a post waiting in the outbox is
// tried again over HTTP every 0.5-1 s, so it goes through within a second of the server being back;
// after 30 tries (15-30 s, far longer than a restart takes) the wait doubles up to 30 s. Only pages
// with a post waiting do this, and a refused connection costs the server nothing.
const HTTP_RETRY_MS = 1000;
const HTTP_RETRY_MAX_MS = 30000;
const HTTP_QUICK_TRIES = 30;
// "Who is here" names the people who have the thread in front of them. A page that has been in the
// background this long (another tab in front, a locked phone) tells the server it is away, and is
// no longer shown; it is shown again as soon as it is in view. A quick look at another tab changes
// nothing. A page opened, or reconnecting, in the background subscribes away: after a restart the
// tabs nobody looks at cost the presence store nothing (docs/realtime.md, "Who views a thread").
export const AWAY_AFTER_MS = 60000;
// A request in place (edit, delete, confirm, a post or catch-up over HTTP) that has no answer after
// this long is given up: on a half-dead network fetch waits minutes for the browser, and the
// button stayed disabled all that time. It is said as "no connection", and the button works again.
export const REQUEST_TIMEOUT_MS = 15000;
// What is being typed is kept in the tab this long after the last key, besides whenever the page is
// left or hidden: a crashed browser or a phone that kills a background tab fires no "pagehide".
const KEEP_TYPED_MS = 500;

// A selector that finds `element`'s counterpart in a re-drawn message: the element or its nearest
// ancestor with a data attribute (a[data-edit], form[data-confirm] button), or null.
function focusSelector(element, article) {
  for (let node = element; node && node !== article; node = node.parentElement) {
    const key = Object.keys(node.dataset)[0];
    if (key !== undefined) {
      const marked = `${node.localName}[data-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}]`;
      return node === element ? marked : `${marked} ${element.localName}`;
    }
  }
  return null;
}

function readJson(id) {
  const element = document.getElementById(id);
  return element ? JSON.parse(element.textContent) : null;
}

// Message times as the server writes them (wijkverband/threads/times.py): "vandaag 17:44",
// "gisteren 09:05", "30 november 17:44", "30 november 2025 17:44", always in Amsterdam time and
// with the server's words (strings.today, strings.yesterday, strings.months).
const AMSTERDAM = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/Amsterdam",
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

function amsterdamParts(date) {
  const parts = {};
  for (const { type, value } of AMSTERDAM.formatToParts(date)) parts[type] = value;
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), time: `${parts.hour}:${parts.minute}` };
}

const dayNumber = (p) => Date.UTC(p.year, p.month - 1, p.day) / 86400000;

// A message's time in three parts (times.message_time_parts): before the clock time, the clock
// time, after it: ["vandaag ", "17:44", ""]. The header shows the clock alone (its day is the heading
// above it); the rest is for a screen reader (showTime).
export function timeParts(iso, strings, now = new Date()) {
  const at = amsterdamParts(new Date(iso));
  const today = amsterdamParts(now);
  const daysAgo = dayNumber(today) - dayNumber(at);
  if (daysAgo === 0 || daysAgo === 1) {
    const [before, after = ""] = (daysAgo === 0 ? strings.today : strings.yesterday).split("%(time)s");
    return [before, at.time, after];
  }
  const month = strings.months[at.month - 1];
  return [at.year === today.year ? `${at.day} ${month}, ` : `${at.day} ${month} ${at.year}, `, at.time, ""];
}

export function timeLabel(iso, strings, now = new Date()) {
  return timeParts(iso, strings, now).join("");
}

// A message header's <time>: the clock time shown, the day around it visually hidden, as
// threads_time.message_time_shown writes it.
function showTime(time, iso, strings) {
  const [before, clock, after] = timeParts(iso, strings);
  const hidden = (text) => {
    const span = document.createElement("span");
    span.className = "wv-visually-hidden";
    span.textContent = text;
    return span;
  };
  time.replaceChildren(...(before ? [hidden(before)] : []), clock, ...(after ? [hidden(after)] : []));
}

// The clock time alone, "17:44" (core.days.clock): beside a message that continues a run.
export function clockLabel(iso) {
  return amsterdamParts(new Date(iso)).time;
}

// The Amsterdam day of an instant, "2026-12-02" (core.days.local_day): 23:30 UTC on 1 December is 2 December.
export function amsterdamDay(iso) {
  const { year, month, day } = amsterdamParts(new Date(iso));
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

// A day's heading as the server writes it (times.day_label): "Vandaag", "Gisteren", else the date
// in DATE_FORMAT ("30 november 2026") with the server's words (strings.day_today, day_yesterday, months).
export function dayLabel(day, strings, now = new Date()) {
  const [year, month, date] = day.split("-").map(Number);
  const daysAgo = dayNumber(amsterdamParts(now)) - dayNumber({ year, month, day: date });
  if (daysAgo === 0) return strings.day_today;
  if (daysAgo === 1) return strings.day_yesterday;
  return `${date} ${strings.months[month - 1]} ${year}`;
}

// Letters without accents, lower case: "Zoë" is found by "zoe" (as threads/mentions.py folds).
export function fold(text) {
  return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

// Names under "Gelezen door" before "en N anderen" (threads.selectors.READ_BY_NAMES).
const READ_BY_NAMES = 5;
// A message of the same person within this time of their previous one continues it (continues;
// threads.selectors.CONTINUES_WITHIN).
const CONTINUES_WITHIN_MS = 5 * 60 * 1000;
// Others' messages that arrive within this time of the first are said as one line (announce), and
// the names in it before "en nog N".
const ANNOUNCE_MS = 500;
const ANNOUNCE_NAMES = 3;
// A send within this time of the last one, with an empty box, is the second tap of a double tap.
const DOUBLE_TAP_MS = 1000;
// The notices that reading a thread reads (threads/services/notifications.py, thread_notifications_read).
const READ_SETTLES = new Set(["mention", "activity"]);

// The order Python's sorted() gives names (code points), so live lines read like the server's.
function compareNames(a, b) {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

// How many texts were kept above the box (setAside): their ids, unique in the page.
let keptTexts = 0;
// The text each item above the box keeps (setAside): what keepUnsent saves of it.
const asidePosts = new WeakMap();
// The names a "Gelezen door" line drawn here shows (drawReadBy): unchanged, it is not redrawn.
const readByNames = new WeakMap();

export class ThreadClient {
  constructor({ live, strings, root = document }) {
    this.live = live;
    this.strings = strings || {};
    this.thread = live.thread;
    this.seq = live.seq; // the last sequence number this page has
    this.log = root.querySelector("[data-thread-log]");
    this.status = root.querySelector("[data-live-status]");
    // New notices are said here, a polite line of their own: the status line keeps the connection's
    // state. (A page from before this line says them in the header's status line.)
    this.noticeLine = root.querySelector("[data-live-notice]") || root.querySelector("[data-header-status]");
    this.connectionNote = root.querySelector("[data-connection]");
    this.typingLine = root.querySelector("[data-typing]");
    this.form = root.querySelector("[data-post-form]");
    this.outboxList = root.querySelector("[data-outbox]");
    this.outbox = new Map(); // client_id -> {body, asks_ack, element}
    this.presenceBox = root.querySelector("[data-presence]");
    this.presenceLine = root.querySelector("[data-presence-line]");
    this.announcer = root.querySelector("[data-announce]");
    this.newButton = root.querySelector("[data-new-messages]");
    this.unseen = []; // others' new messages that arrived below the screen
    // Everyone's read marker (user id -> {name, seq}): "Read by" is derived from these, as on the server.
    this.markers = new Map((live.markers || []).map((m) => [m.id, { name: m.name, seq: m.seq }]));
    this.professionals = live.professionals || [];
    this.backoff = new Backoff(); // when to try again after a close (reconnect.js)
    this.socket = null;
    this.subscribed = false;
    this.typers = new Map(); // user id -> {name, timer}: who is typing now
    this.readTimer = null;
    // The read marker the server confirmed for this person (its "read" answers): a read frame is
    // sent only for more than that. After a reconnect, or when the tab is shown again, with
    // nothing new, the page sends none: after a restart thousands of pages would otherwise each
    // ask the database to move a marker that is already there.
    this.readSeq = -1;
    this.lastTypingSent = 0;
    this.sentAt = 0; // when the composer last sent (a second tap right after is no empty send)
    // Away: in the background for AWAY_AFTER_MS or more (or since it was opened): not shown as here.
    this.away = document.visibilityState === "hidden";
    this.awayTimer = null;
    this.requestTimeoutMs = REQUEST_TIMEOUT_MS; // the browser tests set a short one
    if (this.form) this.enhanceForm();
    // What is written and not yet sent or saved is kept whenever the page is left (a link, a
    // reload, the tab to the background) and is back when the person returns (keepUnsent).
    if (typeof window !== "undefined") window.addEventListener("pagehide", () => this.keepUnsent());
    if (this.log?.hasAttribute("data-follow")) this.followTheEnd();
    this.log?.addEventListener("click", (event) => this.logClick(event));
    this.restoreEdits();
    this.keepUnsent(); // what was kept and is back, as this person's (and a page of before's in today's form)
    // "Bevestigen" confirms in place: the form's own answer is a new page, and it emptied the box.
    this.log?.addEventListener("submit", (event) => {
      const form = event.target.closest("form[data-confirm]");
      if (!form || !this.log.contains(form)) return;
      event.preventDefault();
      this.confirm(form);
    });
    // "vandaag" becomes "gisteren" at midnight, also on a page left open (times and day headings).
    if (this.log && typeof window !== "undefined") setInterval(() => this.relabelTimes(), 60000);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") this.keepUnsent();
      this.relabelTimes();
      this.markRead();
      this.visibilityChanged();
    });
    // The browser knows before the socket does that the network is gone (a socket may stay
    // "open" for minutes on a dead network): say so, and mark what waits in the outbox.
    this.offline = typeof navigator !== "undefined" && navigator.onLine === false;
    if (typeof window !== "undefined") {
      window.addEventListener("offline", () => this.networkLost());
      window.addEventListener("online", () => this.networkBack());
    }
  }

  networkLost() {
    this.offline = true;
    this.setConnection(this.offlineText());
    for (const post of this.outbox.values()) this.labelPending(post);
  }

  // Who may not post (a client representative) sends nothing that could wait.
  offlineText() {
    return (this.live.can_post ? this.strings.offline : this.strings.offline_reading) || this.strings.offline;
  }

  // Back online: the old socket may be dead without knowing it, so a new one is opened at once
  // (it subscribes from the last number this page has; the outbox is sent again with the same
  // client ids, which the server answers without posting twice).
  networkBack() {
    this.offline = false;
    for (const post of this.outbox.values()) this.labelPending(post);
    this.setConnection(this.strings.reconnecting);
    if (this.backoff.pending) {
      this.backoff.hurry(); // closed already and waiting to try again: try now
      return;
    }
    const old = this.socket;
    this.connect();
    if (old) old.close();
  }

  // --- what is written and not yet sent, kept in this tab -------------------------------------

  /** Kept in sessionStorage, never localStorage: on a shared computer no client text outlives the
   * tab. Under `wv-draft-<thread>` the box's text, `wv-outbox-<thread>` the posts still waiting to
   * be sent (with their client ids: sent again, the server posts each once) and the texts set aside
   * above the box, `wv-edit-<thread>` the changes in open editors. Written whenever the page is
   * left or hidden, a moment after typing, and at once when a post is sent, acknowledged, set
   * aside or thrown away: what the tab keeps is always what the page holds. Each names its person:
   * in a tab where someone else signs in next, it is not shown to them (and their page replaces it). */
  keepUnsent() {
    clearTimeout(this.keepTimer);
    this.keepTimer = null;
    if (this.signingOut) return; // signed out on purpose: the tab keeps nothing (forgetUnsent)
    const user = this.live.user;
    const box = this.form?.querySelector("input[name=asks_ack]");
    const draft = this.textarea?.value.trim()
      ? { user, body: this.textarea.value, asks_ack: box?.checked || false }
      : null;
    const waiting = [...this.outbox].map(([clientId, post]) => ({
      client_id: clientId,
      body: post.body,
      asks_ack: post.asksAck,
    }));
    const aside = [...(this.outboxList?.children || [])]
      .map((item) => asidePosts.get(item))
      .filter((post) => post)
      .map((post) => ({ body: post.body, asks_ack: post.asksAck, reason: post.reason || "" }));
    const edits = [...(this.log?.querySelectorAll("form[data-editor]") || [])]
      .map((form) => ({
        message: Number(form.dataset.editor),
        body: form.elements.body.value,
        original: form.wvOriginal,
      }))
      .filter((edit) => edit.message && edit.body !== edit.original);
    this.store("draft", draft);
    this.store("outbox", waiting.length || aside.length ? { user, waiting, aside } : null);
    this.store("edit", edits.length ? { user, edits } : null);
  }

  // Typed: kept a moment after the last key (KEEP_TYPED_MS), not on every key.
  keepSoon() {
    clearTimeout(this.keepTimer);
    this.keepTimer = setTimeout(() => this.keepUnsent(), KEEP_TYPED_MS);
  }

  /** Signing out from this page (the header's "Afmelden"): nothing written stays in the tab for
   * whoever signs in next. (Signed out elsewhere, or the session ended, it is kept for after
   * signing in again.) */
  forgetUnsent() {
    this.signingOut = true;
    clearTimeout(this.keepTimer);
    for (const kind of ["draft", "outbox", "edit"]) this.store(kind, null);
  }

  store(kind, value) {
    try {
      if (value) sessionStorage.setItem(`wv-${kind}-${this.thread}`, JSON.stringify(value));
      else sessionStorage.removeItem(`wv-${kind}-${this.thread}`);
    } catch {
      // No storage (private mode, full): the text stays on the page, the person copies it.
    }
  }

  // What the tab kept of `kind` for this person, or null. (A draft of a page from before these
  // were named is its bare text.)
  kept(kind) {
    let raw = null;
    try {
      raw = sessionStorage.getItem(`wv-${kind}-${this.thread}`);
    } catch {
      return null;
    }
    if (raw === null) return null;
    let value;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    if (value === null || typeof value !== "object") return kind === "draft" ? { body: raw } : null;
    if (value.user !== undefined && value.user !== this.live.user) return null;
    return value;
  }

  // "Wordt verstuurd…" only while the socket is there to send it: without a network it waits for
  // the network, with the socket away (a server restarting or unreachable, the banner says
  // "Verbinding verbroken") for the connection. It said "Wordt verstuurd…" for as long as the
  // server was away.
  labelPending(post) {
    let label = this.strings.sending;
    if (this.offline) label = this.strings.waiting;
    else if (!this.subscribed) label = this.strings.waiting_connection || this.strings.waiting;
    post.element.textContent = `${label} ${post.body.slice(0, 80)}`;
  }

  socketUrl() {
    return socketUrl({ urgent: this.outbox.size > 0 });
  }

  connect() {
    const socket = new WebSocket(this.socketUrl());
    this.socket = socket;
    // A socket this page replaced (reopenWhenShown) is not its own any more: its events are ignored.
    const current = () => this.socket === socket;
    socket.addEventListener("open", () => {
      if (!current()) return;
      const back = this.backoff.opened();
      this.subscribe();
      // Back after a close: the person's notices pushed meanwhile never came; the header asks (app.js).
      if (back) document.dispatchEvent(new CustomEvent("wv-work-changed", { detail: back }));
    });
    socket.addEventListener("message", (event) => {
      if (current()) this.receive(JSON.parse(event.data));
    });
    socket.addEventListener("close", (event) => {
      if (current()) this.closed(event);
    });
    reopenWhenShown(socket, () => {
      this.connect();
      socket.close();
    });
  }

  send(frame) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  subscribe() {
    this.subscribed = false;
    this.send({ type: "subscribe", thread: this.thread, after: this.seq, presence: !this.away });
  }

  closed(event) {
    this.subscribed = false;
    if (this.presenceBox) this.presenceBox.hidden = true; // unknown until subscribed again
    if (event.code === SIGNED_OUT) {
      this.signedOut = true;
      this.keepUnsent();
      // Ended elsewhere: why, in the close's reason (realtime/codes.py), as the sign-in page says it.
      this.setConnection((this.strings.signed_out_why || {})[event.reason] || this.strings.signed_out);
      return;
    }
    if (event.code === SIGN_IN_INCOMPLETE) {
      this.setConnection(this.strings.sign_in_incomplete);
      return;
    }
    // Backoff with jitter; a page in the background waits its turn unless a post waits (reconnect.js).
    this.setConnection(this.offline ? this.offlineText() : this.strings.reconnecting);
    for (const post of this.outbox.values()) this.labelPending(post);
    this.backoff.retry(event, () => this.connect(), { urgent: this.outbox.size > 0 });
    if (this.outbox.size) this.fallbackSoon();
  }

  receive(frame) {
    switch (frame.type) {
      case "event":
        if (frame.thread === this.thread) this.event(frame);
        break;
      case "subscribed":
        if (frame.thread !== this.thread) break;
        this.subscribed = true;
        this.httpTries = 0;
        this.setConnection(this.strings.live, { live: true });
        this.flushOutbox();
        this.markRead();
        break;
      case "reset":
        // Too far behind to catch up: the page loads itself again, keeping what was being written.
        this.keepUnsent();
        location.reload();
        break;
      case "ack":
        this.acknowledged(frame.client_id);
        break;
      case "error":
        this.refused(frame);
        break;
      case "typing":
        if (frame.thread === undefined || frame.thread === this.thread) this.showTyping(frame.user);
        break;
      case "presence":
        if (frame.thread === this.thread) this.showPresence(frame.users, frame.more || 0);
        break;
      case "read_by":
        if (frame.thread === this.thread) this.readBy(frame.readers);
        break;
      case "read":
        if (frame.thread === this.thread) this.readSeq = Math.max(this.readSeq, frame.seq);
        break;
      case "notification":
        // A mention of the person, or new activity, in the thread they are reading now (on screen,
        // live): the message shows itself, and its read marker reads the notice (the server's count
        // follows). Not said, not counted: a chat app does not tell you what you are looking at.
        if (this.readingNow(frame)) {
          this.scheduleRead();
          break;
        }
        // New activity in the thread on screen shows itself; mentions and requests are announced.
        if (!(frame.kind === "activity" && frame.thread === this.thread)) this.sayNotice(this.noticeText(frame));
        document.dispatchEvent(new CustomEvent("wv:notifications", { detail: { added: 1 } }));
        break;
      case "notifications":
        document.dispatchEvent(new CustomEvent("wv:notifications", { detail: { unread: frame.unread } }));
        break;
      default:
        break;
    }
  }

  event(frame) {
    if (frame.seq <= this.seq) return; // already have it
    if (frame.seq > this.seq + 1) {
      // A gap: ask again from what we have; the server replays in order.
      if (this.subscribed) this.subscribe();
      return;
    }
    this.seq = frame.seq;
    if (frame.kind.startsWith("message.")) {
      // Only a new message joins the list. An edit or delete of one this page does not show (older
      // than its first message) has nothing here to change: drawn, it looked like a new message.
      const shown = document.getElementById(`message-${frame.data.id}`);
      if (frame.kind === "message.created" || shown) this.upsertMessage(frame.data);
      // Their message arrived: they are no longer typing it.
      if (frame.kind === "message.created") this.stopTyping(frame.data.author.id);
    }
    else if (frame.kind === "ack.added") this.addAck(frame.data);
    this.scheduleRead();
  }

  // --- messages: built like frontend/templates/threads/_message.html ------------------------

  upsertMessage(data) {
    let article = document.getElementById(`message-${data.id}`);
    const isNew = !article;
    const acked = isNew ? new Map() : this.ackedOf(article);
    if (isNew) {
      article = document.createElement("article");
      article.id = `message-${data.id}`;
      article.dataset.message = String(data.id);
      this.log.querySelector("[data-empty]")?.remove();
    }
    article.dataset.seq = String(data.seq);
    article.dataset.author = String(data.author.id);
    const mine = data.author.id === this.live.user;
    article.className = data.deleted ? "wv-message wv-message--deleted" : mine ? "wv-message wv-message--mine" : "wv-message";
    const clock = this.element("span", "wv-message__clock", clockLabel(data.created_at));
    clock.setAttribute("aria-hidden", "true"); // the header says it to a screen reader (_message.html)
    const parts = [this.header(data), clock];
    if (data.deleted) {
      const body = this.element("p", "utrecht-paragraph wv-muted wv-message__body");
      body.textContent = data.deleted_by_author ? this.strings.deleted_by_author : this.strings.deleted_by_coordinator;
      parts.push(body);
    } else {
      const body = this.element("div", "wv-message__body");
      body.dir = "auto"; // Arabic, Hebrew: right to left, as the server's page
      // Rendered and sanitised on the server (markdown + an allow-list); CSP blocks inline script anyway.
      body.innerHTML = data.html;
      parts.push(body);
      if (data.asks_ack) parts.push(this.ackBlock(data, acked));
      if ((this.live.can_post && mine) || this.live.can_moderate) parts.push(this.actions(data, mine));
    }
    const editor = article.querySelector("[data-editor]");
    // Re-drawn under the person's focus (their own edit's event arriving after the save's answer,
    // an acknowledgement): the focus stays on the same control, not thrown to the top of the page.
    const focused = article.contains(document.activeElement) && !editor?.contains(document.activeElement);
    const refocus = focused ? focusSelector(document.activeElement, article) : null;
    article.replaceChildren(...parts);
    if (editor && !data.deleted) this.keepEditor(article, editor);
    if (!isNew) {
      this.placeReaders(); // its line was redrawn away; a deleted one's readers move up
      this.markContinued(article);
      const next = this.adjacentMessage(article, "nextElementSibling");
      if (next) this.markContinued(next); // a deleted or edited one's next one no longer continues it
    }
    if (refocus) article.querySelector(refocus)?.focus();
    if (isNew) {
      const follow = this.follow && (mine || this.endInView());
      this.startDay(data.created_at);
      this.log.append(article);
      this.markContinued(article);
      if (!data.deleted) this.placeReaders(); // someone's marker may be here already
      const pending = this.outbox.get(data.client_id);
      if (pending && mine) this.acknowledged(data.client_id);
      if (follow) this.toEnd();
      else if (this.follow && !mine && !data.deleted) this.showUnseen(article);
      if (!mine && !data.deleted) this.announce(data);
    }
  }

  /** Whether a message continues the one right before it, as the server decides
   * (threads.selectors.message_continues): the same person, within CONTINUES_WITHIN_MS, neither
   * deleted, this one not edited. A day's heading or the "Nieuw sinds" line between them is not a
   * message: it ends the run. */
  markContinued(article) {
    const previous = this.adjacentMessage(article, "previousElementSibling");
    const at = (message) => Date.parse(message.querySelector("time[data-time]")?.dateTime ?? "");
    const continues =
      previous !== null &&
      previous.dataset.author === article.dataset.author &&
      !previous.classList.contains("wv-message--deleted") &&
      !article.classList.contains("wv-message--deleted") &&
      article.querySelector(".wv-message__edited") === null &&
      at(article) - at(previous) <= CONTINUES_WITHIN_MS;
    article.classList.toggle("wv-message--continued", continues);
  }

  /** The message right before or after `article` in the log ("previousElementSibling" or
   * "nextElementSibling"), past the "#newest" anchor; null when something else is there. */
  adjacentMessage(article, direction) {
    let node = article[direction];
    if (node?.id === "newest") node = node[direction];
    return node?.localName === "article" ? node : null;
  }

  /** A message of another day than the newest heading's (the first after midnight, or the first
   * since "Vandaag" became yesterday on a page left open) starts with that day's heading, built like
   * threads/_day.html. Only the date goes into it, never anything of the message. */
  startDay(createdAt) {
    const day = amsterdamDay(createdAt);
    const days = this.log.querySelectorAll("time[data-day]");
    if (days.length && days[days.length - 1].dateTime === day) return;
    const heading = this.element(this.log.dataset.dayHeading || "h2", "wv-day");
    const time = this.element("time", "", dayLabel(day, this.strings));
    time.dateTime = day;
    time.dataset.day = "";
    heading.append(time);
    this.log.append(heading);
  }

  // --- a chat's place on the screen (the thread page only: data-follow) --------------------------

  /** Opens at the first unread message, or else at the newest (not at the oldest, seven screens up
   * on a phone); keeps the newest in view as messages arrive, and as the screen gets smaller (a
   * phone's keyboard) while it is; otherwise a button says how many new ones are below. */
  followTheEnd() {
    this.follow = true;
    // A short thread's composer at the bottom of the screen, the messages coming in above it
    // (threads.css).
    this.log.closest(".wv-conversation")?.classList.add("wv-conversation--live");
    // What scrolls into sight stays clear of the composer, however tall it is now (threads.css:
    // --wv-composer-block-size; without it 14rem, 42 px short of the desktop's composer). And the
    // end stays in sight when what is there grows while it is: a "Gelezen door" line under the
    // newest message, a second typing line, the box growing with its text. (Grown without a
    // scroll, the newest message went under the composer, and the next one was not followed.)
    const composer = this.form?.closest(".wv-composer--sticky");
    const root = document.documentElement;
    // Rounded down: a margin a fraction taller than the composer left it a fraction above the
    // screen's bottom, in the page rather than stuck there, and "Versturen" moved under the finger.
    const measure = () => root.style.setProperty("--wv-composer-block-size", `${Math.floor(composer.getBoundingClientRect().height)}px`);
    if (composer) measure();
    if (typeof ResizeObserver !== "undefined") {
      const grown = new ResizeObserver(() => {
        if (composer) measure();
        // Not while the person works in a message (its editor opened, a button of it): the browser
        // keeps what has the focus in sight itself.
        if (this.atEnd && !this.log?.contains(document.activeElement)) this.toEnd();
      });
      for (const part of [composer, this.log, this.typingLine]) if (part) grown.observe(part);
    }
    // #newest (the thread list's link when nothing is unread) is the end as well: the script's end,
    // with the sticky composer and the typing line, rather than the last message's top.
    if (!location.hash || location.hash === "#newest") {
      const unread = document.getElementById("unread");
      // A short thread that shows its first unread message and its end as it opens stays as it is:
      // scrolled to the top of the screen, "Nieuw sinds je vorige bezoek" hid the thread's title and
      // left the composer halfway up the screen (the conversation fills at least the screen).
      if (unread && !(unread.getBoundingClientRect().top >= 0 && this.endInView(0))) this.toTheTop(unread);
      else if (!unread) this.toEnd();
      // The browser's own scroll to "#newest" would come after this, as the page finishes loading:
      // as far down as the page goes, the composer halfway up the screen over the footer.
      if (location.hash) history.replaceState(history.state, "", location.pathname + location.search);
    }
    // Led to "#newest" on this page itself (a link to the thread from its own page): the same end.
    window.addEventListener("hashchange", () => {
      if (location.hash !== "#newest") return;
      this.toEnd();
      history.replaceState(history.state, "", location.pathname + location.search);
    });
    this.atEnd = this.endInView();
    window.addEventListener(
      "scroll",
      () => {
        this.atEnd = this.endInView();
        if (this.atEnd) this.clearUnseen();
      },
      { passive: true },
    );
    const resized = () => {
      if (this.atEnd) this.toEnd();
    };
    window.addEventListener("resize", resized);
    window.visualViewport?.addEventListener("resize", resized);
    this.newButton?.addEventListener("click", () => {
      const first = this.unseen[0];
      this.clearUnseen();
      if (!first) return;
      this.toTheTop(first);
      first.tabIndex = -1;
      first.focus({ preventScroll: true });
    });
  }

  /** `element` at the top of the screen, but the page no further than where the conversation ends
   * at the screen's bottom: scrolled past it, the composer (the conversation's last part) stood
   * halfway up the screen, the page's footer under it. */
  toTheTop(element) {
    const conversation = this.log.closest(".wv-conversation");
    let top = window.scrollY + element.getBoundingClientRect().top;
    if (conversation) top = Math.min(top, window.scrollY + conversation.getBoundingClientRect().bottom - window.innerHeight);
    window.scrollTo({ top: Math.max(0, top) });
  }

  lastMessage() {
    const messages = this.log.querySelectorAll("article.wv-message");
    return messages[messages.length - 1] || null;
  }

  /** Whether the newest message ends above the composer (which sticks to the bottom of the screen). */
  endInView(slack = 48) {
    const last = this.lastMessage();
    if (!last) return true;
    const composer = this.form?.closest(".wv-composer--sticky");
    const bottom = composer && getComputedStyle(composer).position === "sticky" ? composer.getBoundingClientRect().top : window.innerHeight;
    return last.getBoundingClientRect().bottom <= Math.min(bottom, window.innerHeight) + slack;
  }

  /** The newest message and the typing line under it in sight above the composer: at once, as a
   * chat app keeps its end. (Gliding there, the page's smooth scrolling, it was not at the end
   * for a while: what grew meanwhile, a "Gelezen door" line or the presence line above, was not
   * followed, and the page came to rest with the typing line under the composer.) */
  toEnd() {
    (this.typingLine || this.lastMessage())?.scrollIntoView({ block: "end", behavior: "instant" });
    this.atEnd = true;
    this.clearUnseen();
  }

  showUnseen(article) {
    this.unseen.push(article);
    if (!this.newButton) return;
    const count = this.unseen.length;
    const text = count === 1 ? this.strings.new_messages_one : this.strings.new_messages_other;
    this.newButton.textContent = `${(text || "%(count)s").replace("%(count)s", String(count))} ↓`;
    this.newButton.hidden = false;
  }

  clearUnseen() {
    this.unseen = [];
    if (this.newButton) this.newButton.hidden = true;
  }

  /** A screen reader hears who wrote and what (the list is not a live region: see the template).
   * Messages that arrive together (a reconnect's replay, a busy moment) are said as one line,
   * "8 nieuwe berichten van Sofie en Carla": one after the other, each overwrote the one announcer
   * before it was read. What arrives within ANNOUNCE_MS of the first is one burst. */
  announce(data) {
    if (!this.announcer || !this.strings.new_message) return;
    this.heard = this.heard || [];
    this.heard.push(data);
    if (!this.announceTimer) this.announceTimer = setTimeout(() => this.sayHeard(), ANNOUNCE_MS);
  }

  sayHeard() {
    this.announceTimer = null;
    const heard = this.heard || [];
    this.heard = [];
    if (!heard.length) return;
    this.announcer.textContent = heard.length === 1 ? this.oneMessage(heard[0]) : this.manyMessages(heard);
  }

  oneMessage(data) {
    // Parsed in a document of its own: inert (no image loads, no handler runs), only its text is used.
    const body = new DOMParser().parseFromString(data.html, "text/html").body;
    let text = (body.textContent || "").replace(/\s+/g, " ").trim();
    if (text.length > 300) text = `${text.slice(0, 300)}…`;
    return this.strings.new_message.replace("%(author)s", data.author.name || "").replace("%(text)s", text);
  }

  // "3 nieuwe berichten van Sofie, Bram en Carla": who, in the order they wrote; after
  // ANNOUNCE_NAMES names "en nog 2" (as "Gelezen door" counts the rest).
  manyMessages(heard) {
    const names = [...new Set(heard.map((data) => data.author.name || ""))];
    let who = names[0];
    if (names.length > ANNOUNCE_NAMES) {
      const more = names.length - ANNOUNCE_NAMES;
      const text = more === 1 ? this.strings.read_by_more_one : this.strings.read_by_more_other;
      who = `${names.slice(0, ANNOUNCE_NAMES).join(", ")} ${text.replace("%(counter)s", String(more))}`;
    } else if (names.length > 1) {
      const last = names.at(-1);
      who = this.strings.names_and.replace("%(names)s", names.slice(0, -1).join(", ")).replace("%(last)s", last);
    }
    const count = heard.length;
    const template = count === 1 ? this.strings.new_messages_from_one : this.strings.new_messages_from_other;
    return template.replace("%(count)s", String(count)).replace("%(names)s", who);
  }

  element(tag, className, text) {
    const element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined) element.textContent = text;
    return element;
  }

  url(name, messageId) {
    return this.live.urls[name].replace("MESSAGE_ID", String(messageId));
  }

  // After an action's name, for a screen reader: whose message and when, as the page says it.
  hiddenLabel(data) {
    const label = this.strings.of_message
      .replace("%(author)s", data.author.name)
      .replace("%(time)s", timeLabel(data.created_at, this.strings));
    return this.element("span", "wv-visually-hidden", label);
  }

  postForm(action, className, label, data) {
    const form = this.element("form", "wv-inline-form");
    form.method = "post";
    form.action = action;
    const token = document.createElement("input");
    token.type = "hidden";
    token.name = "csrfmiddlewaretoken";
    token.value = this.live.csrf_token;
    const button = this.element("button", `utrecht-button ${className}`, label);
    button.type = "submit";
    button.append(this.hiddenLabel(data));
    form.append(token, button);
    return form;
  }

  header(data) {
    const header = this.element("header", "wv-message__meta");
    const author = this.element("strong", "wv-message__author", data.author.name);
    const time = document.createElement("time");
    time.dateTime = data.created_at;
    time.dataset.time = "";
    showTime(time, data.created_at, this.strings);
    header.append(author, " ", time);
    if (data.edited_at && !data.deleted) {
      const edited = this.element("a", "utrecht-link wv-muted wv-message__edited", this.strings.edited);
      edited.href = this.url("history", data.id);
      header.append(" ", edited);
    }
    return header;
  }

  actions(data, mine) {
    const actions = this.element("div", "wv-message__actions");
    if (this.live.can_post && mine) {
      const edit = this.element("a", "utrecht-link", this.strings.edit);
      edit.href = this.url("edit", data.id);
      edit.dataset.edit = "";
      edit.append(this.hiddenLabel(data));
      actions.append(edit);
    }
    // Its short word is what the eye reads (the three fit one line on a phone); its full name what
    // a screen reader hears (_message.html the same).
    const redact = this.element("a", "utrecht-link");
    redact.href = this.url("redact", data.id);
    const shown = this.element("span", "", this.strings.redact_short || this.strings.redact);
    shown.setAttribute("aria-hidden", "true");
    const named = this.hiddenLabel(data);
    named.textContent = this.strings.redact + named.textContent;
    redact.append(shown, named);
    actions.append(redact);
    const remove = this.element("a", "utrecht-link", this.strings.delete);
    remove.href = this.url("delete", data.id);
    remove.dataset.delete = "";
    remove.append(this.hiddenLabel(data));
    actions.append(remove);
    return actions;
  }

  // --- acknowledgements ------------------------------------------------------------------------

  ackedOf(article) {
    const acked = new Map();
    for (const span of article.querySelectorAll("[data-acked] [data-user]")) {
      acked.set(Number(span.dataset.user), span.textContent);
    }
    return acked;
  }

  ackBlock(data, acked) {
    const block = this.element("div", "wv-message__ack");
    block.dataset.ack = "";
    block.append(this.ackLine(data.author.id, acked));
    const me = this.live.user;
    if (this.live.can_post && data.author.id !== me && !acked.has(me)) {
      const form = this.postForm(this.url("ack", data.id), "utrecht-button--secondary-action", this.strings.confirm, data);
      form.dataset.confirm = "";
      block.append(form);
    }
    return block;
  }

  names(users) {
    // "<span data-user>A</span>, <span data-user>B</span>", as the template writes them.
    const nodes = [];
    users.forEach(([id, name], index) => {
      if (index) nodes.push(", ");
      const span = this.element("span", "", name);
      span.dataset.user = String(id);
      nodes.push(span);
    });
    return nodes;
  }

  ackLine(authorId, acked) {
    const line = this.element("p", "utrecht-paragraph");
    line.dataset.ackLine = "";
    const count = acked.size;
    const countText = (count === 1 ? this.strings.confirmed_one : this.strings.confirmed_other).replace(
      "%(counter)s",
      String(count),
    );
    const countSpan = this.element("span", "", countText);
    countSpan.dataset.ackCount = "";
    line.append(this.element("strong", "", this.strings.asks_ack), " ", countSpan);
    const sorted = [...acked.entries()].sort((a, b) => compareNames(a[1], b[1]));
    if (sorted.length) {
      const names = document.createElement("span");
      names.dataset.acked = "";
      names.append(": ", ...this.names(sorted));
      line.append(names);
    }
    line.append(".");
    if (authorId === this.live.user) {
      const notYet = this.professionals.filter((p) => p.id !== authorId && !acked.has(p.id)).map((p) => [p.id, p.name]);
      if (notYet.length) {
        const span = document.createElement("span");
        span.dataset.notYet = "";
        span.append(` ${this.strings.not_yet} `, ...this.names(notYet), ".");
        line.append(span);
      }
    }
    return line;
  }

  addAck(data) {
    const article = document.getElementById(`message-${data.message}`);
    const block = article?.querySelector("[data-ack]");
    if (!block) return;
    const acked = this.ackedOf(article);
    acked.set(data.user.id, data.user.name);
    const old = block.querySelector("[data-ack-line]");
    const line = this.ackLine(Number(article.dataset.author), acked);
    const focused = old.contains(document.activeElement);
    old.replaceWith(line);
    if (data.user.id === this.live.user) block.querySelector("[data-confirm]")?.remove();
    if (focused) this.focusAckLine(line);
  }

  // Focus on the line that says who confirmed (read out), where the gone "Bevestigen" was.
  focusAckLine(line) {
    line.tabIndex = -1;
    line.focus();
  }

  /** "Bevestigen" in place (its form with Accept: application/json): the box and the place on the
   * page stay. Refused or unanswered, the reason is said at the button, which stays for another try. */
  async confirm(form) {
    const button = form.querySelector("button");
    if (button.disabled) return;
    // Its message's article stays when the ack.added event (which may come first) re-draws the block.
    const article = form.closest("article");
    button.disabled = true;
    let answer;
    try {
      answer = await this.request(form.action, { method: "POST", body: new URLSearchParams() });
    } catch {
      answer = { ok: false, status: 0, json: {} }; // no answer: no network, or the server is away
    }
    button.disabled = false;
    if (answer.ok && answer.json.ack) {
      this.addAck(answer.json.ack);
      const line = article?.querySelector("[data-ack-line]");
      if (line && !form.isConnected) this.focusAckLine(line);
      return;
    }
    let detail = answer.json.detail || String(answer.status);
    if (!answer.status || answer.status >= 500) detail = this.strings.unreachable;
    else detail = this.signedOutText(answer) || detail;
    let error = form.querySelector("[data-confirm-error]");
    if (!error) {
      error = this.element("p", "utrecht-form-field-error-message");
      error.dataset.confirmError = "";
      error.id = `${form.closest("article")?.id || "message"}-confirm-error`;
      form.prepend(error);
      button.setAttribute("aria-describedby", error.id);
    }
    error.textContent = `${this.strings.confirm_failed} ${detail}`;
    button.focus();
  }

  // --- read by ---------------------------------------------------------------------------------

  readBy(readers) {
    let moved = false;
    for (const reader of readers) {
      const known = this.markers.get(reader.id);
      if (known && known.seq >= reader.seq) continue;
      this.markers.set(reader.id, { name: reader.name, seq: reader.seq });
      moved = true;
    }
    if (moved) this.placeReaders();
  }

  /** "Gelezen door" names each reader once, under the last message of someone else's they have
   * read (the newest one at or before their marker, not deleted), as the server's page does
   * (threads.selectors._readers_resting); not the person viewing. A line is only redrawn when its
   * names change. */
  placeReaders() {
    const articles = [...this.log.querySelectorAll("article.wv-message:not(.wv-message--deleted)")];
    const seqs = articles.map((article) => Number(article.dataset.seq));
    const resting = new Map();
    for (const [id, marker] of this.markers) {
      if (id === this.live.user) continue;
      let low = 0;
      let high = seqs.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (seqs[middle] <= marker.seq) low = middle + 1;
        else high = middle;
      }
      let at = low - 1;
      while (at >= 0 && Number(articles[at].dataset.author) === id) at -= 1; // their own: read before
      const article = articles[at];
      if (!article) continue;
      if (!resting.has(article)) resting.set(article, []);
      resting.get(article).push([id, marker.name]);
    }
    for (const article of articles) this.drawReadBy(article, resting.get(article) || []);
  }

  drawReadBy(article, readers) {
    readers.sort((a, b) => compareNames(a[1], b[1]));
    const names = JSON.stringify(readers);
    const old = article.querySelector("[data-read-by]");
    if (old ? readByNames.get(old) === names : !readers.length) return;
    if (!readers.length) {
      old.remove();
      return;
    }
    const line = this.element("p", "utrecht-paragraph wv-muted wv-message__read");
    line.dataset.readBy = "";
    readByNames.set(line, names);
    // At most READ_BY_NAMES names, then "en 113 anderen", as the server's page (_message.html).
    line.append(`${this.strings.read_by} `, ...this.names(readers.slice(0, READ_BY_NAMES)));
    const more = readers.length - READ_BY_NAMES;
    if (more > 0) {
      const text = more === 1 ? this.strings.read_by_more_one : this.strings.read_by_more_other;
      line.append(` ${text.replace("%(counter)s", String(more))}`);
    }
    if (old) old.replaceWith(line);
    else article.insertBefore(line, article.querySelector(".wv-message__actions"));
  }

  // --- who is here -------------------------------------------------------------------------------

  visibilityChanged() {
    if (document.visibilityState === "visible") {
      clearTimeout(this.awayTimer);
      this.awayTimer = null;
      if (this.away) {
        this.away = false;
        // Answered with who is there. Not open: the next subscribe says it.
        this.send({ type: "presence", thread: this.thread, presence: true });
      }
    } else if (!this.away && this.awayTimer === null) {
      this.awayTimer = setTimeout(() => {
        this.awayTimer = null;
        if (document.visibilityState === "visible") return;
        this.away = true;
        if (this.presenceBox) this.presenceBox.hidden = true; // not told who is here while away
        this.send({ type: "presence", thread: this.thread, presence: false });
      }, AWAY_AFTER_MS);
    }
  }

  showPresence(users, more) {
    if (!this.presenceBox) return;
    const others = users.filter((u) => u.id !== this.live.user);
    const names = others.map((u) => (u.read_only ? this.strings.reads_along.replace("%(name)s", u.name) : u.name));
    if (more > 0) names.push(this.strings.presence_more.replace("%(count)s", String(more)));
    this.presenceLine.textContent = names.length
      ? this.strings.presence_others.replace("%(names)s", names.join(", "))
      : this.strings.presence_alone;
    this.presenceBox.hidden = false;
  }

  // --- posting with an outbox ----------------------------------------------------------------

  enhanceForm() {
    const textarea = this.form.querySelector("textarea[name=body]");
    this.textarea = textarea;
    // What was in the box when the person left the page (a link, a reload, signed out) is back, and
    // says so: nothing is sent until they send it.
    const draft = this.kept("draft");
    if (draft?.body && !textarea.value) {
      textarea.value = draft.body;
      const box = this.form.querySelector("input[name=asks_ack]");
      if (box && draft.asks_ack) box.checked = true;
      this.restoredNote(this.strings.draft_restored);
    }
    // What waited to be sent (sent now, once), or was set aside, when the page was left.
    const kept = this.kept("outbox") || {};
    for (const post of kept.aside || []) {
      this.setAside({ body: post.body, asksAck: post.asks_ack, element: document.createElement("li") }, post.reason);
    }
    for (const post of kept.waiting || []) this.queuePost(post.client_id, post.body, post.asks_ack);
    // The box is marked invalid only after a send attempt without text (never before typing).
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = textarea.value;
      if (!body.trim()) {
        // The second tap of a double tap on "Versturen": the first sent the text and emptied the
        // box. Nothing to say (it turned the box red right after a good send); an empty box sent
        // later, or after typing, is still told.
        if (Date.now() - this.sentAt < DOUBLE_TAP_MS) return;
        this.composerError(this.strings.empty);
        textarea.focus();
        return;
      }
      // As the server counts it (characters: code points, threads.services.body_length). Sent
      // anyway, it would be refused after the box was emptied.
      const maxChars = Number(textarea.dataset.maxChars);
      const length = [...body].length;
      if (maxChars && length > maxChars) {
        const count = new Intl.NumberFormat(document.documentElement.lang || undefined).format(length);
        this.composerError(this.strings.too_long.replace("%(count)s", count));
        textarea.focus();
        return;
      }
      if (this.accessEnded) {
        // This person can no longer read the thread: nothing is sent, the text stays in the box.
        this.composerError(`${this.strings.failed} ${this.strings.no_access}`);
        textarea.focus();
        return;
      }
      if (this.signedOut) {
        // Nothing can be sent: the text stays in the box (and is kept for after signing in).
        this.keepUnsent();
        this.composerError(`${this.strings.failed} ${this.strings.signed_out}`);
        textarea.focus();
        return;
      }
      this.composerError("");
      this.restoredNote("");
      const idField = this.form.querySelector("input[name=client_id]");
      const clientId = idField.value;
      const asksAck = this.form.querySelector("input[name=asks_ack]")?.checked || false;
      this.queuePost(clientId, body, asksAck);
      this.sentAt = Date.now();
      textarea.value = "";
      idField.value = crypto.randomUUID();
      const box = this.form.querySelector("input[name=asks_ack]");
      if (box) box.checked = false;
      this.keepUnsent(); // out of the box, into the outbox: kept until the server has it
      // Back in the box for the next message (a click on "Versturen" left focus on the button).
      textarea.focus();
    });
    // Ctrl+Enter (⌘+Enter on a Mac) sends; Enter alone starts a new line, as in a mail.
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !event.isComposing) {
        event.preventDefault();
        this.form.requestSubmit();
      }
    });
    textarea.addEventListener("input", () => {
      this.sentAt = 0;
      if (textarea.value.trim()) this.composerError("");
      else this.restoredNote("");
      this.keepSoon();
      const now = Date.now();
      if (now - this.lastTypingSent > 3000 && this.subscribed) {
        this.lastTypingSent = now;
        this.send({ type: "typing", thread: this.thread });
      }
    });
    this.form.querySelector("input[name=asks_ack]")?.addEventListener("change", () => this.keepSoon());
    if (this.live.mentions?.length) this.mentions = new MentionCombobox(textarea, this.live.mentions, this.strings);
    // Signing out from this page on purpose keeps nothing in the tab (forgetUnsent).
    document.addEventListener("submit", (event) => {
      if (event.target.matches?.("form[data-sign-out]")) this.forgetUnsent();
    });
  }

  /** Under the box's label: that its text was kept from before and is not sent yet (a quiet line,
   * read with the box). Gone once it is sent or the box is emptied. */
  restoredNote(text) {
    const textarea = this.textarea;
    const id = `${textarea.id}_restored`;
    let note = document.getElementById(id);
    const described = (textarea.getAttribute("aria-describedby") || "").split(" ").filter((v) => v && v !== id);
    if (!text) {
      note?.remove();
      if (described.length) textarea.setAttribute("aria-describedby", described.join(" "));
      else textarea.removeAttribute("aria-describedby");
      return;
    }
    if (!note) {
      note = this.element("p", "utrecht-form-field-description wv-muted");
      note.id = id;
      textarea.before(note);
    }
    note.textContent = text;
    textarea.setAttribute("aria-describedby", [...described, id].join(" "));
  }

  composerError(text) {
    this.boxReason = ""; // what the box shows now is not (or no longer) why its text was refused
    const textarea = this.textarea;
    const id = `${textarea.id}_live_error`;
    let message = document.getElementById(id);
    const described = (textarea.getAttribute("aria-describedby") || "").split(" ").filter((v) => v && v !== id);
    if (!text) {
      message?.remove();
      if (textarea.getAttribute("aria-invalid") === "true" && !textarea.closest(".utrecht-form-field--invalid")) {
        textarea.removeAttribute("aria-invalid");
      }
      if (described.length) textarea.setAttribute("aria-describedby", described.join(" "));
      else textarea.removeAttribute("aria-describedby");
      return;
    }
    if (!message) {
      message = this.element("p", "utrecht-form-field-error-message wv-composer-error");
      message.id = id;
      textarea.before(message);
    }
    message.textContent = text;
    textarea.setAttribute("aria-invalid", "true");
    textarea.setAttribute("aria-describedby", [...described, id].join(" "));
  }

  // --- editing and deleting in place ------------------------------------------------------------

  logClick(event) {
    const edit = event.target.closest("a[data-edit]");
    if (edit && this.log.contains(edit)) {
      event.preventDefault();
      this.openEditor(edit.closest("article"), edit.href);
      return;
    }
    const remove = event.target.closest("a[data-delete]");
    if (remove && this.log.contains(remove)) {
      event.preventDefault();
      this.askDelete(remove.closest("article"), remove.href);
    }
  }

  // No answer at all (no network, a server that is restarting) is status 0: never thrown, so
  // every caller says so and gives its buttons back (an uncaught "Failed to fetch" left them disabled).
  // Nor an answer that takes longer than requestTimeoutMs (a half-dead network): given up, status 0.
  async request(url, options = {}) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.requestTimeoutMs);
    try {
      let response;
      try {
        response = await fetch(url, {
          credentials: "same-origin",
          ...options,
          signal: controller.signal,
          headers: { Accept: "application/json", "X-CSRFToken": this.live.csrf_token, ...(options.headers || {}) },
        });
      } catch {
        return { ok: false, status: 0, json: {} };
      }
      let json = {};
      try {
        json = await response.json();
      } catch {
        json = {};
      }
      // The answer stopped halfway: as good as none (its status said nothing of what was done).
      if (controller.signal.aborted) return { ok: false, status: 0, json: {} };
      // Followed to the sign-in page (the session ended in another tab): not an answer, and no post.
      if (response.redirected) return { ok: false, status: 401, json: {} };
      return { ok: response.ok, status: response.status, json };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Why an edit or delete in place failed, after "Niet opgeslagen:": that nothing answered (no
   * network; a restart, where a proxy answers 502-504 or nothing does), that the session ended
   * (signedOutText), or what the server said. */
  failure(answer) {
    if (answer.status === 0 || answer.status >= 500) return this.strings.no_connection;
    return this.signedOutText(answer) || answer.json.detail || String(answer.status);
  }

  /** A 401 (led to the sign-in page: the session ended) or a 403 without a reason of ours (the
   * form's token is of a session that ended, or was renewed by signing in elsewhere): what is
   * written here is kept in the tab (keepUnsent), and the person is told to sign in again.
   * Otherwise null. */
  signedOutText(answer) {
    if (answer.status === 401) {
      this.keepUnsent();
      return this.strings.signed_out;
    }
    if (answer.status === 403 && !answer.json.detail && !answer.json.errors) {
      this.keepUnsent();
      return this.strings.refused_sign_in || this.strings.signed_out;
    }
    return null;
  }

  /** An action on a message that failed before anything opened ("Bewerken" without an answer):
   * said at the message (an alert: the focus stays on the link), gone at the next try. */
  actionError(article, text) {
    let error = article.querySelector("[data-action-error]");
    if (!text) {
      error?.remove();
      return;
    }
    if (!error) {
      error = this.element("p", "utrecht-form-field-error-message");
      error.dataset.actionError = "";
      error.setAttribute("role", "alert");
      article.insertBefore(error, article.querySelector(".wv-message__actions"));
    }
    error.textContent = text;
  }

  /** The editor in place. `kept`: a change not yet saved when the page was left ({body, original},
   * restoreEdits): shown again as it was, with a word that it is not saved yet. */
  async openEditor(article, url, kept = null) {
    if (!article || article.querySelector("[data-editor]") || this.opening === article) return;
    let json = kept ? { body: kept.body } : null;
    if (!kept) {
      this.opening = article; // a second tap while the first waits opens nothing twice
      const answer = await this.request(url);
      this.opening = null;
      json = answer.json;
      const signedOut = answer.status === 0 || answer.status >= 500 ? null : this.signedOutText(answer);
      if (answer.status === 0 || answer.status >= 500 || signedOut) {
        this.actionError(article, `${this.strings.edit_unavailable} ${signedOut || this.failure(answer)}`);
        return;
      }
      this.actionError(article, "");
      if (!answer.ok) {
        location.href = url; // the edit page says what is wrong
        return;
      }
    }
    const id = `edit-${article.dataset.message}`;
    const form = this.element("form", "wv-form wv-editor");
    form.dataset.editor = article.dataset.message;
    // What the message said when editing began: only a change from it is kept when the page is left.
    form.wvOriginal = kept ? kept.original : json.body;
    form.method = "post";
    form.action = url;
    const label = this.element("label", "utrecht-form-label", this.strings.edit_label);
    label.htmlFor = id;
    const textarea = this.element("textarea", "utrecht-textarea utrecht-textarea--html-textarea");
    textarea.id = id;
    textarea.name = "body";
    textarea.dir = "auto";
    textarea.rows = 4;
    textarea.value = json.body;
    const error = this.element("p", "utrecht-form-field-error-message");
    error.id = `${id}-error`;
    error.hidden = true;
    textarea.addEventListener("input", () => this.keepSoon());
    const buttons = this.element("div", "wv-actions");
    const save = this.element("button", "utrecht-button utrecht-button--primary-action", this.strings.save);
    save.type = "submit";
    const cancel = this.element("button", "utrecht-button utrecht-button--secondary-action", this.strings.cancel);
    cancel.type = "button";
    buttons.append(save, cancel);
    // Escape or "Annuleren" with a change not saved keeps the box and says how to throw the change
    // away (each closed the box and the change was gone, without a word); the same press again, or
    // either with nothing changed, closes it. A polite status, there from the start, so the words are
    // read out. The words name the press that throws the change away: after Escape asked,
    // "Annuleren" asks in its own words (and the other way round).
    const discard = this.element("p", "utrecht-form-field-description wv-editor__discard");
    discard.id = `${id}-discard`;
    discard.setAttribute("role", "status");
    form.append(label, error, textarea, discard, buttons);
    if (kept) {
      const note = this.element("p", "utrecht-form-field-description wv-muted", this.strings.edit_restored);
      note.id = `${id}-restored`;
      error.before(note);
      textarea.setAttribute("aria-describedby", note.id);
    }
    const close = () => this.closeEditor(article);
    const asked = { escape: this.strings.edit_escape_again, cancel: this.strings.edit_cancel_again };
    const unask = () => {
      discard.textContent = "";
      delete discard.dataset.asked;
    };
    // True when the box closed; else the question is asked (or stands) in the words of `press`.
    const leave = (press) => {
      if (textarea.value === form.wvOriginal || discard.dataset.asked === press) {
        close();
        return true;
      }
      discard.dataset.asked = press;
      discard.textContent = asked[press];
      return false;
    };
    cancel.addEventListener("click", () => {
      // The focus stays on "Annuleren" (a click does not move it there in every browser), so the
      // same press, a click, a tap or Enter, throws the change away.
      if (!leave("cancel")) cancel.focus();
    });
    textarea.addEventListener("input", unask);
    form.addEventListener("keydown", (event) => {
      if (event.key !== "Escape") return;
      event.preventDefault();
      leave("escape");
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      unask();
      // An empty box is not sent: it is told in the composer's words (threads.live "empty").
      const problem = textarea.value.trim() ? "" : this.strings.empty;
      if (problem) {
        error.textContent = problem;
        error.hidden = false;
        textarea.setAttribute("aria-invalid", "true");
        textarea.setAttribute("aria-describedby", error.id);
        textarea.focus();
        return;
      }
      save.disabled = true;
      const body = new URLSearchParams({ body: textarea.value });
      const answer = await this.request(url, { method: "POST", body });
      save.disabled = false;
      if (answer.ok) {
        form.remove();
        this.upsertMessage(answer.json.message);
        this.closeEditor(article);
        this.keepUnsent(); // saved: no longer kept
        return;
      }
      // What was typed stays in the box, to be saved again with the same button.
      const errors = answer.json.errors || {};
      const detail = (errors.body || errors.__all__ || [this.failure(answer)]).join(" ");
      error.textContent = `${this.strings.edit_failed} ${detail}`;
      error.hidden = false;
      textarea.setAttribute("aria-invalid", "true");
      textarea.setAttribute("aria-describedby", error.id);
      textarea.focus();
    });
    this.keepEditor(article, form);
    // One opened again on the page's load leaves the focus (and the page's place) where it is.
    if (!kept) textarea.focus();
  }

  // The changes open in editors when the page was left (keepUnsent), for messages this page shows
  // and this person may still edit (its "Bewerken" link).
  restoreEdits() {
    for (const edit of this.kept("edit")?.edits || []) {
      const article = document.getElementById(`message-${edit.message}`);
      const link = article?.querySelector("a[data-edit]");
      if (link && typeof edit.body === "string") this.openEditor(article, link.href, edit);
    }
  }

  keepEditor(article, editor) {
    const body = article.querySelector(".wv-message__body");
    const actions = article.querySelector(".wv-message__actions");
    if (body) {
      body.hidden = true;
      body.after(editor);
    } else {
      article.append(editor);
    }
    if (actions) actions.hidden = true;
  }

  closeEditor(article) {
    const editor = article.querySelector("[data-editor]");
    editor?.remove();
    if (editor) this.keepUnsent(); // cancelled: the change is not kept either
    const body = article.querySelector(".wv-message__body");
    if (body) body.hidden = false;
    const actions = article.querySelector(".wv-message__actions");
    if (actions) actions.hidden = false;
    article.querySelector("a[data-edit]")?.focus();
  }

  deleteDialog() {
    if (this.dialog) return this.dialog;
    const dialog = this.element("dialog", "wv-dialog");
    dialog.setAttribute("aria-labelledby", "delete-dialog-heading");
    dialog.setAttribute("aria-describedby", "delete-dialog-text");
    const heading = this.element("h2", "utrecht-heading-2", this.strings.delete_question);
    heading.id = "delete-dialog-heading";
    const text = this.element("p", "utrecht-paragraph");
    text.id = "delete-dialog-text";
    const error = this.element("p", "utrecht-form-field-error-message");
    error.setAttribute("role", "alert"); // the focus stays on "Ja, verwijder het bericht"
    error.hidden = true;
    const buttons = this.element("div", "wv-actions");
    const yes = this.element("button", "utrecht-button utrecht-button--primary-action", this.strings.delete_yes);
    yes.type = "button";
    const no = this.element("button", "utrecht-button utrecht-button--secondary-action", this.strings.delete_no);
    no.type = "button";
    no.autofocus = true; // the safe choice has the focus: Enter or a second click keeps the message
    buttons.append(yes, no);
    dialog.append(heading, text, error, buttons);
    no.addEventListener("click", () => dialog.close());
    document.body.append(dialog);
    this.dialog = { dialog, text, error, yes, no };
    return this.dialog;
  }

  askDelete(article, url) {
    if (!article) return;
    const { dialog, text, error, yes, no } = this.deleteDialog();
    const own = Number(article.dataset.author) === this.live.user;
    text.textContent = own ? this.strings.delete_own : this.strings.delete_other;
    error.hidden = true;
    error.textContent = "";
    // The one dialog serves every delete on the page: each question starts with its button usable.
    yes.disabled = false;
    this.deleting = url;
    yes.onclick = async () => {
      yes.disabled = true;
      // An empty form body (an empty multipart one is refused with 400).
      const answer = await this.request(url, { method: "POST", body: new URLSearchParams() });
      if (this.deleting !== url) {
        // Closed (Escape) and asked about another message meanwhile: that question stays open.
        if (answer.ok) this.upsertMessage(answer.json.message);
        return;
      }
      yes.disabled = false;
      if (!answer.ok) {
        error.textContent = `${this.strings.delete_failed} ${this.failure(answer)}`;
        error.hidden = false;
        return;
      }
      dialog.close();
      this.upsertMessage(answer.json.message);
    };
    dialog.onclose = () => {
      // Back to the message (its Delete link, or the message itself once it is gone).
      const link = article.querySelector("a[data-delete]");
      if (link) {
        link.focus();
      } else {
        article.tabIndex = -1;
        article.focus();
      }
    };
    dialog.showModal();
    no.focus();
  }

  queuePost(clientId, body, asksAck) {
    const item = document.createElement("li");
    item.className = "wv-outbox__item";
    const post = { body, asksAck, element: item };
    this.labelPending(post);
    this.outboxList?.append(item);
    this.outbox.set(clientId, post);
    if (this.subscribed) this.sendPost(clientId);
    else this.fallbackSoon();
  }

  // --- while the socket is away: posts over HTTP --------------------------------------------

  // The outbox goes over HTTP after `delay`, or sooner if a try is due sooner already.
  fallbackSoon(delay = HTTP_FALLBACK_MS) {
    if (!this.form) return;
    const due = Date.now() + delay;
    if (this.fallbackTimer) {
      if (this.fallbackDue <= due) return;
      clearTimeout(this.fallbackTimer);
    }
    this.fallbackDue = due;
    this.fallbackTimer = setTimeout(() => {
      this.fallbackTimer = null;
      this.postOverHttp();
    }, delay);
  }

  // The server did not answer the post over HTTP: try again soon (HTTP_RETRY_MS).
  retryOverHttp() {
    this.httpTries = (this.httpTries || 0) + 1;
    const over = Math.max(0, this.httpTries - HTTP_QUICK_TRIES);
    const ceiling = Math.min(HTTP_RETRY_MAX_MS, HTTP_RETRY_MS * 2 ** over);
    this.fallbackSoon(ceiling / 2 + Math.random() * (ceiling / 2));
  }

  // The form's own endpoint answers JSON with the same ack the socket would send. The client_id
  // stays the post's: when the socket is back, its resend from the outbox gets that same ack and
  // nothing is posted twice. A refusal (the text, the rights) is left to the socket, which says
  // why at the post; an unreachable server is tried again after a while.
  async postOverHttp() {
    if (this.subscribed) return;
    let unreachable = false;
    let posted = false;
    for (const [clientId, post] of [...this.outbox]) {
      if (post.overHttp || post.refusedOverHttp) continue;
      post.overHttp = true;
      const data = new FormData();
      data.set("body", post.body);
      data.set("client_id", clientId);
      if (post.asksAck) data.set("asks_ack", "on");
      let result = { ok: false, status: 0 };
      try {
        result = await this.request(this.form.action, { method: "POST", body: data });
      } catch {
        unreachable = true;
      }
      post.overHttp = false;
      if (result.ok) {
        this.acknowledged(clientId);
        posted = true;
      } else if (result.status === 401) {
        this.signedOut = true;
        this.setConnection(this.strings.signed_out);
        // Back in the box (or set aside), and kept there for after signing in again (notSent).
        this.refused({ code: "invalid", detail: this.strings.signed_out, ref: clientId });
      } else if (result.status >= 400 && result.status < 500) {
        const errors = result.json.errors;
        if (errors && result.status !== 429) {
          // Refused for what it says (client data, too long): why, now, and the text back in the box.
          this.refused({ code: "invalid", detail: Object.values(errors).flat().join(" "), ref: clientId });
        } else {
          post.refusedOverHttp = true; // the socket sends it again once it is back
        }
      } else {
        unreachable = true;
      }
    }
    if (posted) this.httpTries = 0;
    if (posted && !this.subscribed) {
      await this.catchUpOverHttp();
      // The server is back: the socket's next try is made now, not after its backoff (reconnect.js).
      if (!this.subscribed) this.backoff.hurry();
    }
    if (unreachable && !this.subscribed && this.outbox.size) this.retryOverHttp();
  }

  // The events since this page's seq (the socket's replay, over HTTP), so a post sent over HTTP
  // shows in the thread before the socket is back.
  async catchUpOverHttp() {
    if (!this.live.events_url) return;
    try {
      const { ok, json } = await this.request(`${this.live.events_url}?after=${this.seq}`);
      if (!ok || this.subscribed) return;
      if (json.type === "reset") return; // too far behind: the socket's subscribe resets the page
      for (const frame of json.events || []) this.event({ ...frame, thread: this.thread });
    } catch {
      // The socket's replay brings them when it is back.
    }
  }

  sendPost(clientId) {
    const post = this.outbox.get(clientId);
    if (!post) return;
    this.labelPending(post); // sent now (no longer waiting for the connection)
    // The same client_id on every retry: the server answers a repeat with the same ack.
    this.send({ type: "post", thread: this.thread, client_id: clientId, body: post.body, asks_ack: post.asksAck });
  }

  flushOutbox() {
    for (const clientId of this.outbox.keys()) this.sendPost(clientId);
  }

  acknowledged(clientId) {
    const post = this.outbox.get(clientId);
    if (!post) return;
    post.element.remove();
    this.outbox.delete(clientId);
    this.keepUnsent(); // the server has it: the tab no longer keeps it
  }

  refused(frame) {
    if (frame.code === "not_found" && frame.ref === this.thread) {
      // Access to this thread ended (a role or the thread's readers changed): say so and stop;
      // a reload shows the page as it is now for this person. What waits to be sent never will
      // be: it comes back into the box (or is marked not sent), and nothing more is taken.
      this.subscribed = false;
      this.accessEnded = true;
      this.setConnection(this.strings.no_access);
      for (const clientId of [...this.outbox.keys()]) {
        this.notSent(clientId, `${this.strings.failed} ${this.strings.no_access}`);
      }
      return;
    }
    if (!this.outbox.has(frame.ref)) return;
    if (frame.code === "rate_limited") {
      setTimeout(() => this.sendPost(frame.ref), 5000);
      return;
    }
    this.notSent(frame.ref, `${this.strings.failed} ${frame.detail}`);
  }

  notSent(clientId, reason) {
    const post = this.outbox.get(clientId);
    if (!post) return;
    this.outbox.delete(clientId);
    if (this.textarea && !this.textarea.value.trim()) {
      // Back in the box, with why it was not sent: the person takes the client data out (or
      // shortens it) instead of typing it all again.
      post.element.remove();
      this.intoTheBox(post, reason);
      this.keepUnsent();
      return;
    }
    // Not over something they typed since: the refused text waits above the box, whole, under why
    // it was not sent (only the text told which message it was: the reason alone, above a box
    // with other text in it, read as if that text was refused), until they put it back.
    this.setAside(post, reason);
    this.keepUnsent();
  }

  // The text of `post` in the box (and its "asks for confirmation"), with `reason` at the box.
  // The box remembers that reason while it shows it (`boxReason`): set aside again by a swap, the
  // text goes with it, however often it is swapped.
  intoTheBox(post, reason) {
    this.textarea.value = post.body;
    const box = this.form?.querySelector("input[name=asks_ack]");
    if (box) box.checked = post.asksAck;
    this.composerError(reason || "");
    this.boxReason = reason || "";
    this.textarea.focus();
  }

  /** A text kept above the box, in an item of the outbox list: why (`reason`: "Niet verstuurd: …"),
   * or else that it was set aside from the box; the text itself; "Terugzetten in het berichtvak"
   * and "Weggooien". Nothing is lost unless the person throws it away: what the box holds is set
   * aside in its place (a swap), with the reason it was refused for if it was (`boxReason`). */
  setAside(post, reason) {
    const item = post.element;
    post.reason = reason || "";
    asidePosts.set(item, post);
    item.className = reason ? "wv-outbox__item wv-outbox__item--failed" : "wv-outbox__item wv-outbox__item--aside";
    const why = this.element("p", "wv-outbox__reason", reason || this.strings.set_aside);
    const text = this.element("p", "wv-outbox__text", post.body);
    text.dir = "auto";
    // Which text each button is for, with several kept (the buttons' names are the same).
    keptTexts += 1;
    text.id = `wv-outbox-text-${keptTexts}`;
    const back = this.element("button", "utrecht-button utrecht-button--secondary-action", this.strings.put_back);
    back.type = "button";
    back.setAttribute("aria-describedby", text.id);
    back.addEventListener("click", () => {
      const swapped = this.textarea.value.trim()
        ? {
            body: this.textarea.value,
            asksAck: this.form.querySelector("input[name=asks_ack]")?.checked || false,
            reason: this.boxReason || "",
          }
        : null;
      item.remove();
      this.intoTheBox(post, post.reason);
      if (swapped) {
        swapped.element = document.createElement("li");
        this.outboxList?.append(swapped.element);
        this.setAside(swapped, swapped.reason);
      }
      this.keepUnsent();
    });
    const discard = this.element("button", "utrecht-button utrecht-button--subtle", this.strings.discard);
    discard.type = "button";
    discard.setAttribute("aria-describedby", text.id);
    discard.addEventListener("click", () => {
      // Focus goes to the next text kept (or the one before), else back to the box: never to the
      // page's start, where a removed button leaves it.
      const items = [...(this.outboxList?.querySelectorAll(".wv-outbox__item--failed, .wv-outbox__item--aside") || [])];
      const at = items.indexOf(item);
      const next = items[at + 1] || items[at - 1];
      item.remove();
      this.keepUnsent();
      const target = next?.querySelector("button") || this.textarea;
      target?.focus();
    });
    const actions = this.element("span", "wv-outbox__actions");
    actions.append(back, discard);
    item.replaceChildren(why, text, actions);
    if (!item.isConnected) this.outboxList?.append(item);
  }

  // --- read markers, typing, status ------------------------------------------------------------

  scheduleRead() {
    if (this.readTimer) return;
    this.readTimer = setTimeout(() => {
      this.readTimer = null;
      this.markRead();
    }, 1500);
  }

  /** Whether a notice is one that reading this thread, as the page does now, reads (threads/services/
   * notifications.py, thread_notifications_read): a mention or new activity in this thread, on a page
   * in sight and live. A confirmation request stays until it is confirmed: still said and counted. */
  readingNow(frame) {
    return (
      frame.thread === this.thread &&
      READ_SETTLES.has(frame.kind) &&
      document.visibilityState === "visible" &&
      this.subscribed
    );
  }

  markRead() {
    if (document.visibilityState === "visible" && this.subscribed && this.seq > this.readSeq) {
      this.send({ type: "read", thread: this.thread, seq: this.seq });
    }
  }

  showTyping(user) {
    if (!this.typingLine || !user) return;
    const known = this.typers.get(user.id);
    if (known) clearTimeout(known.timer);
    const timer = setTimeout(() => this.stopTyping(user.id), 4000);
    this.typers.set(user.id, { name: user.name, timer });
    this.renderTyping();
  }

  stopTyping(userId) {
    const known = this.typers.get(userId);
    if (!known) return;
    clearTimeout(known.timer);
    this.typers.delete(userId);
    this.renderTyping();
  }

  renderTyping() {
    const names = [...this.typers.values()].map((t) => t.name);
    if (!names.length) this.typingLine.textContent = "";
    else if (names.length === 1) this.typingLine.textContent = this.strings.typing.replace("%(name)s", names[0]);
    else this.typingLine.textContent = this.strings.typing_many.replace("%(names)s", names.join(", "));
  }

  relabelTimes() {
    for (const time of this.log?.querySelectorAll("time[data-time]") || []) {
      if (time.textContent !== timeLabel(time.dateTime, this.strings)) showTime(time, time.dateTime, this.strings);
    }
    for (const time of this.log?.querySelectorAll("time[data-day]") || []) {
      const label = dayLabel(time.dateTime, this.strings);
      if (time.textContent !== label) time.textContent = label;
    }
  }

  noticeText(frame) {
    // What the notice says on the notifications page. One read by its label (the server wrote it in
    // the reader's language): "Wacht na twee herinneringen nog steeds op de regio · “Wachtlijst”",
    // with who did it first when someone did ("Carla · Vraagt je eigenaar te worden · “…”").
    if (frame.label) {
      const what = `${frame.label} · “${frame.title || ""}”`;
      return frame.actor ? `${frame.actor} · ${what}` : what;
    }
    // "Carla noemde je in “Medicatieoverdracht”.": who, what and which thread; never the message.
    // What nobody did names nobody ("Nieuwe melding van  over …"); a frame without a label comes
    // from a server of before labels (a deploy in progress).
    const unsigned = !frame.actor && this.strings.notification_unsigned;
    const template =
      unsigned ||
      this.strings[`notification_${frame.kind}`] ||
      this.strings.notification_other ||
      this.strings.notification;
    return template.replace("%(actor)s", frame.actor).replace("%(title)s", frame.title || "");
  }

  /** The connection's state ("Live", "Geen netwerk", "Verbinding verbroken", "afgemeld"): said by
   * the status line, and while it is not live shown again at the composer, at the bottom of the
   * screen where a person reads and writes (the status line is at the top of the page, on a phone
   * thousands of pixels up). That copy is no live region: a screen reader hears it once. */
  setConnection(text, { live = false } = {}) {
    this.setStatus(text);
    if (!this.connectionNote) return;
    this.connectionNote.textContent = live ? "" : text;
    this.connectionNote.hidden = live;
  }

  // A new notice, in its own polite line (role=status): never in the status line, whose
  // "Live: …" it replaced until the connection changed.
  sayNotice(text) {
    if (!this.noticeLine || !text) return;
    this.noticeLine.hidden = false;
    this.noticeLine.textContent = text;
  }

  // The status line is a live region (role=status): a screen reader reads what it says now.
  setStatus(text) {
    if (!this.status || !text) return;
    this.status.hidden = false; // an older page's template hid the line until it had something to say
    this.status.textContent = text;
  }
}

// --- mentions: suggestions for the composer's text box -----------------------------------------
// Typing "@" and letters offers the people, kinds of organisation and roles of the thread's team
// that the page was given (live.mentions: only people who may read the thread). Arrow keys move
// through the list, Enter or Tab inserts the choice, Escape closes it. Without this the text box
// is a plain text box and "@name" still works.
// The box stays a text box: a <textarea> may not take role="combobox" (ARIA in HTML; axe's
// aria-allowed-role), nor so aria-expanded. It says it offers a list (aria-autocomplete,
// aria-controls), the suggestion under the arrows is its active descendant (a screen reader reads
// it as it moves), and a status line says how many there are when the list opens.

const MENTION_QUERY = /(?:^|[^\p{L}\p{N}_@])@([\p{L}\p{N}_.\-]*)$/u;
// An "@" in an address or in code mentions nobody (threads/mentions.py): no suggestions there.
const IN_ADDRESS = /(?:https?:\/\/|www\.|\]\()\S*$/i;
const MAX_SUGGESTIONS = 8;

// What "@" and `typed` offers, best first, at most MAX_SUGGESTIONS: the candidates one of whose
// words (a word of the name, the e-mail name, the @handle) starts with what was typed, then those
// whose name holds it elsewhere ("Ma": Maarten before Fatima), each group in the server's order.
// The cut comes after that ordering: in a large team, the person whose name starts with it was
// cut off behind eight others that only hold it somewhere.
export function mentionMatches(candidates, typed) {
  const needle = fold(typed);
  if (!needle) return candidates.slice(0, MAX_SUGGESTIONS);
  const starts = [];
  const holds = [];
  for (const candidate of candidates) {
    if (candidate.search.some((word) => word.startsWith(needle))) starts.push(candidate);
    else if (fold(candidate.label).includes(needle)) holds.push(candidate);
  }
  return [...starts, ...holds].slice(0, MAX_SUGGESTIONS);
}

export class MentionCombobox {
  constructor(textarea, candidates, strings) {
    this.textarea = textarea;
    this.candidates = candidates;
    this.strings = strings;
    this.matches = [];
    this.active = -1;
    this.dismissed = null; // the "@" position whose list Escape closed
    const id = `${textarea.id}-mentions`;
    this.listbox = document.createElement("ul");
    this.listbox.id = id;
    this.listbox.className = "wv-mentions";
    this.listbox.setAttribute("role", "listbox");
    this.listbox.setAttribute("aria-label", strings.suggestions);
    this.listbox.hidden = true;
    this.status = document.createElement("p");
    this.status.className = "wv-visually-hidden";
    this.status.setAttribute("role", "status");
    textarea.parentElement.classList.add("wv-mention-anchor");
    textarea.after(this.listbox, this.status);
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-controls", id);
    textarea.addEventListener("input", () => this.update());
    textarea.addEventListener("keydown", (event) => this.key(event));
    textarea.addEventListener("click", () => this.update());
    textarea.addEventListener("blur", () => this.close());
    // A click chooses without taking the focus from the text box.
    this.listbox.addEventListener("mousedown", (event) => event.preventDefault());
    this.listbox.addEventListener("click", (event) => {
      const option = event.target.closest("[role=option]");
      if (option) this.choose(Number(option.dataset.index));
    });
  }

  get isOpen() {
    return !this.listbox.hidden;
  }

  query() {
    const { value, selectionStart, selectionEnd } = this.textarea;
    if (selectionStart !== selectionEnd) return null;
    const before = value.slice(0, selectionStart);
    const match = before.match(MENTION_QUERY);
    if (!match || IN_ADDRESS.test(before) || (before.match(/`/g) || []).length % 2) return null;
    return { text: match[1], start: selectionStart - match[1].length - 1, end: selectionStart };
  }

  update() {
    const query = this.query();
    if (!query || query.start === this.dismissed) {
      if (!query) this.dismissed = null;
      this.close();
      return;
    }
    this.matches = mentionMatches(this.candidates, query.text);
    if (!this.matches.length) {
      this.close();
      this.status.textContent = this.strings.suggestions_none;
      return;
    }
    this.render();
    this.open();
    this.move(0);
    this.status.textContent =
      this.matches.length === 1
        ? this.strings.suggestions_one
        : this.strings.suggestions_count.replace("%(count)s", String(this.matches.length));
  }

  render() {
    const options = this.matches.map((candidate, index) => {
      const option = document.createElement("li");
      option.id = `${this.listbox.id}-${index}`;
      option.className = "wv-mentions__option";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.index = String(index);
      const label = document.createElement("span");
      label.className = "wv-mentions__label";
      label.textContent = candidate.kind === "person" ? `${candidate.label} (@${candidate.token})` : candidate.label;
      const detail = document.createElement("span");
      detail.className = "wv-mentions__detail";
      detail.textContent = candidate.detail;
      option.append(label, " ", detail);
      return option;
    });
    this.listbox.replaceChildren(...options);
  }

  open() {
    this.listbox.hidden = false;
  }

  close() {
    this.listbox.hidden = true;
    this.active = -1;
    this.textarea.removeAttribute("aria-activedescendant");
  }

  move(index) {
    const options = this.listbox.querySelectorAll("[role=option]");
    if (!options.length) return;
    this.active = (index + options.length) % options.length;
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === this.active)));
    const current = options[this.active];
    this.textarea.setAttribute("aria-activedescendant", current.id);
    current.scrollIntoView({ block: "nearest" });
  }

  key(event) {
    if (!this.isOpen) {
      if (event.key === "ArrowDown" && event.altKey) this.update();
      return;
    }
    switch (event.key) {
      case "ArrowDown":
        this.move(this.active + 1);
        break;
      case "ArrowUp":
        this.move(this.active - 1);
        break;
      case "Enter":
      case "Tab":
        if (this.active < 0) return;
        this.choose(this.active);
        break;
      case "Escape":
        this.dismissed = this.query()?.start ?? null;
        this.close();
        break;
      default:
        return;
    }
    event.preventDefault();
    event.stopPropagation();
  }

  choose(index) {
    const candidate = this.matches[index];
    const query = this.query();
    if (!candidate || !query) return;
    const { value } = this.textarea;
    const insert = `@${candidate.token} `;
    this.textarea.value = value.slice(0, query.start) + insert + value.slice(query.end);
    const caret = query.start + insert.length;
    this.textarea.setSelectionRange(caret, caret);
    this.close();
    this.status.textContent = "";
    this.textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }
}

const live = typeof document === "undefined" ? null : readJson("thread-live");
if (live && "WebSocket" in window) {
  const client = new ThreadClient({ live, strings: readJson("thread-strings") });
  client.connect();
  window.wijkverbandThread = client; // for the browser tests
}
