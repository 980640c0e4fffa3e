// Thread list: unread counts stay current. The page follows its threads over the socket without
// presence (docs/realtime.md); when one changes, or the person's own read marker moves (read in
// another tab), it fetches the table again (?part=table), at most once every few seconds. It also
// watches its team (watch_team): activity in a thread it does not show (another page's, or a new
// one) moves that thread up and changes the total, which counts every page; the table is fetched
// again a few seconds later (TEAM_WAIT_MS), once for all the activity meanwhile. A list that is
// not in view fetches nothing: it does so once when it is shown again.
// Without this file the list is as fresh as its last load.

import { Backoff, reopenWhenShown, socketUrl } from "./reconnect.js";

const SIGNED_OUT = 4001;
const SIGN_IN_INCOMPLETE = 4002; // set up the second factor first: the next page load says so
const REFRESH_GAP_MS = 2000;
// After activity in a thread the page does not show: a busy team makes one fetch per list every
// few seconds, not one per post (docs/realtime.md, "Fan-out design").
const TEAM_WAIT_MS = 4000;

class ThreadListClient {
  constructor(live) {
    this.user = live.user;
    this.team = live.team;
    this.stale = false; // something changed while the page was not in view
    this.seqs = new Map(live.threads.map((t) => [t.id, t.seq]));
    this.backoff = new Backoff(); // when to try again after a close (reconnect.js)
    this.refreshTimer = null;
    this.lastRefresh = 0;
    this.dropped = new Set(); // answered with reset: follow again once the table tells the seq
    this.status = null;
  }

  connect() {
    this.ensureStatus();
    const socket = new WebSocket(socketUrl());
    this.socket = socket;
    // A socket this page replaced (reopenWhenShown) is not its own any more: its events are ignored.
    const current = () => this.socket === socket;
    socket.addEventListener("open", () => {
      if (!current()) return;
      const back = this.backoff.opened();
      if (this.team) socket.send(JSON.stringify({ type: "watch_team", team: this.team }));
      for (const id of this.seqs.keys()) this.subscribe(id);
      // Back after a close: the person's notices pushed meanwhile never came; the header asks (app.js).
      if (back) document.dispatchEvent(new CustomEvent("wv-work-changed", { detail: back }));
    });
    socket.addEventListener("message", (event) => {
      if (current()) this.receive(JSON.parse(event.data));
    });
    socket.addEventListener("close", (event) => {
      if (!current() || event.code === SIGNED_OUT || event.code === SIGN_IN_INCOMPLETE) return;
      this.backoff.retry(event, () => this.connect());
    });
    reopenWhenShown(socket, () => {
      this.connect();
      socket.close();
    });
  }

  subscribe(id) {
    if (this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify({ type: "subscribe", thread: id, after: this.seqs.get(id), presence: false }));
    }
  }

  receive(frame) {
    if (frame.type === "notification" || frame.type === "notifications") {
      // For the header's count (app.js): a new one adds one; "notifications" is the exact number.
      const detail = frame.type === "notification" ? { added: 1 } : { unread: frame.unread };
      document.dispatchEvent(new CustomEvent("wv:notifications", { detail }));
      return;
    }
    if (frame.type === "team_activity") {
      // A thread this page follows says so itself (its event); another one, or several gathered
      // in one ring (thread null): fetch again, later.
      if (frame.team === this.team && !this.seqs.has(frame.thread)) this.scheduleRefresh(TEAM_WAIT_MS);
      return;
    }
    if (!this.seqs.has(frame.thread)) return;
    if (frame.type === "event" && frame.seq > this.seqs.get(frame.thread)) {
      this.seqs.set(frame.thread, frame.seq);
      this.scheduleRefresh();
    } else if (frame.type === "read_by" && frame.readers.some((r) => r.id === this.user)) {
      this.scheduleRefresh();
    } else if (frame.type === "reset") {
      this.dropped.add(frame.thread);
      this.scheduleRefresh(); // the refreshed table carries the current seqs; follow again from there
    }
  }

  // A fetch already planned goes as planned: it is after this change was committed (the socket
  // says so only after the commit), so its table has it.
  scheduleRefresh(atLeast = 300) {
    if (document.visibilityState === "hidden") {
      this.stale = true; // fetched once when the page is shown again (shown)
      return;
    }
    if (this.refreshTimer) return;
    const wait = Math.max(atLeast, this.lastRefresh + REFRESH_GAP_MS - Date.now());
    this.refreshTimer = setTimeout(() => this.refresh(), wait);
  }

  shown() {
    if (document.visibilityState !== "visible" || !this.stale) return;
    this.stale = false;
    this.scheduleRefresh();
  }

  twinOf(element, oldTable, newTable) {
    const href = element.getAttribute("href");
    if (href) {
      const same = [...newTable.querySelectorAll("a[href]")].find((a) => a.getAttribute("href") === href);
      if (same) return same;
    }
    const row = element.closest("[data-thread]");
    const place = [...(row || oldTable).querySelectorAll("a, button, input, select")].indexOf(element);
    const newRow = row ? newTable.querySelector(`[data-thread="${row.dataset.thread}"]`) : newTable;
    return newRow?.querySelectorAll("a, button, input, select")[place] || null;
  }

  // A polite word for screen readers when the number of unread messages changes (the table is
  // replaced, so its own line cannot be a live region).
  announce(text) {
    if (this.status) this.status.textContent = text;
  }

  // The live region is in the page before anything is said in it (connect), or the first word in it is not read.
  ensureStatus() {
    if (this.status || typeof document === "undefined") return;
    this.status = document.createElement("p");
    this.status.className = "wv-visually-hidden";
    this.status.setAttribute("role", "status");
    document.querySelector("[data-thread-table]")?.before(this.status);
  }

  async refresh() {
    this.lastRefresh = Date.now();
    // A change told while this fetch is on its way may be newer than the table it brings: it plans
    // the next fetch (the timer is free again now). The newest fetch's table is the one shown.
    this.refreshTimer = null;
    const mine = (this.fetches = (this.fetches || 0) + 1);
    const url = new URL(location.href);
    url.searchParams.set("part", "table");
    let text;
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (!response.ok) return;
      text = await response.text();
    } catch {
      return; // the network is away: the next change, or the socket's reconnect, fetches again
    }
    if (mine !== this.fetches) return;
    const template = document.createElement("template");
    template.innerHTML = text;
    const fresh = template.content.querySelector("[data-thread-table]");
    const current = document.querySelector("[data-thread-table]");
    if (!fresh || !current) return;
    // Keep the keyboard's place: the link or control that had focus has its twin in the new
    // table (same address, or the same place in the same thread's row). Replaced without this,
    // focus fell to the page's start whenever a message came in anywhere.
    const focused = current.contains(document.activeElement) ? document.activeElement : null;
    const twin = focused && this.twinOf(focused, current, fresh);
    const before = current.querySelector("p")?.textContent.trim();
    current.replaceWith(fresh);
    twin?.focus({ preventScroll: true });
    const after = fresh.querySelector("p")?.textContent.trim();
    if (after && after !== before) this.announce(after.split("·")[0].trim());
    for (const row of fresh.querySelectorAll("[data-thread]")) {
      const id = Number(row.dataset.thread);
      const seq = Number(row.dataset.seq);
      const known = this.seqs.get(id);
      if (known === undefined && this.seqs.size >= 40) continue;
      if (known === undefined || seq > known || this.dropped.has(id)) {
        // A thread opened since the page loaded, or one to follow again after a reset.
        const follow = known === undefined || this.dropped.delete(id);
        this.seqs.set(id, Math.max(seq, known || 0));
        if (follow) this.subscribe(id);
      }
    }
  }
}

const element = document.getElementById("thread-list-live");
if (element && "WebSocket" in window) {
  const client = new ThreadListClient(JSON.parse(element.textContent));
  client.connect();
  document.addEventListener("visibilitychange", () => client.shown());
  window.wijkverbandThreadList = client; // for the browser tests
}
