// When a page's live socket tries again after it closed: the one rule of threads.js,
// thread_list.js and app.js (docs/realtime.md, "Reconnect storm").
//
// - Exponential backoff with jitter (half the ceiling plus a random part), so a restarted server
//   is not hit by everyone at once; the ceiling doubles from 0.5 s up to 30 s.
// - A server that says it is restarting (1012, uvicorn on SIGTERM; 1001 going away) is back within
//   seconds, so the ceiling stops at 4 s until a socket opens again (docs/deploy.md).
// - A page in the background is not being looked at. When its socket closes it waits its turn:
//   its first try comes 2 to 20 s later (at random), or at once when the page is shown. After a
//   restart every open tab reconnects; this way the pages people look at, and the people who
//   are writing, get back first instead of queueing behind every background tab.
// - A page in the background also says so when it connects (`/ws/?background=1`, socketUrl): the
//   server takes the handshakes and subscribes of pages in view first (realtime/pools.py), so the
//   background tabs that come back early do not hold up the pages people look at. Shown while that
//   socket still waits to be let in, the page opens another one as a page in view (reopenWhenShown).
// - A page with a post waiting in its outbox says that (`/ws/?writing=1`): the server takes it
//   before the pages in view. When its post gets through over HTTP, the server is back, and the
//   socket's waiting try is made at once (Backoff.hurry).

const MAX_BACKOFF_MS = 30000;
const RESTART_CODES = [1012, 1001];
const RESTART_BACKOFF_MS = 4000;
const HIDDEN_MIN_MS = 2000;
const HIDDEN_MAX_MS = 20000;
// The hints of a page in the background and of a page with a post waiting (realtime/consumers.py
// `_in_background`, `_writing`).
const BACKGROUND_QUERY = "?background=1";
const WRITING_QUERY = "?writing=1";

// The live socket's address. `urgent`: something waits on the socket (a post in the outbox), so the
// page asks for its turn before the pages in view, even in the background: its person is writing.
export function socketUrl({ urgent = false } = {}) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const hidden = document.visibilityState === "hidden";
  const hint = urgent ? WRITING_QUERY : hidden ? BACKGROUND_QUERY : "";
  return `${scheme}//${location.host}/ws/${hint}`;
}

// A socket opened from the background waits behind the pages in view until the server lets it in.
// If the page is shown while that socket is still waiting, `reopen` is called: it opens a socket as
// a page in view (the server takes it first) in place of this one. Once the socket is open, or
// closed, nothing happens.
export function reopenWhenShown(socket, reopen) {
  if (!socket.url.endsWith(BACKGROUND_QUERY)) return;
  const stop = () => document.removeEventListener("visibilitychange", onVisible);
  const onVisible = () => {
    if (document.visibilityState !== "visible") return;
    stop();
    if (socket.readyState === WebSocket.CONNECTING) reopen();
  };
  document.addEventListener("visibilitychange", onVisible);
  socket.addEventListener("open", stop);
  socket.addEventListener("close", stop);
}

export class Backoff {
  constructor() {
    this.attempt = 0;
    this.restarting = false;
    this.timer = null;
    this.pending = null;
    this.onVisible = null;
  }

  // The socket opened: the next close starts from the shortest wait again. Returns, for a socket back
  // after a close (one or more tries), what the page needs to ask what it missed meanwhile:
  // `{ afterRestart }` (the servers restarted: app.js spreads the ask); null when it first opened.
  opened() {
    const back = this.attempt > 0 ? { afterRestart: this.restarting } : null;
    this.attempt = 0;
    this.restarting = false;
    return back;
  }

  // Call `connect` again after the socket closed with `event`. `urgent`: something waits on the
  // socket (a post in the outbox), so a page in the background does not wait its turn.
  retry(event, connect, { urgent = false } = {}) {
    this.cancel();
    if (RESTART_CODES.includes(event.code)) this.restarting = true;
    const ceiling = Math.min(this.restarting ? RESTART_BACKOFF_MS : MAX_BACKOFF_MS, 500 * 2 ** this.attempt);
    let delay = ceiling / 2 + Math.random() * (ceiling / 2);
    const hidden = document.visibilityState === "hidden";
    if (hidden && this.attempt === 0 && !urgent) {
      delay = Math.max(delay, HIDDEN_MIN_MS + Math.random() * (HIDDEN_MAX_MS - HIDDEN_MIN_MS));
    }
    this.attempt += 1;
    const go = () => {
      this.cancel();
      connect();
    };
    this.pending = go;
    this.timer = setTimeout(go, delay);
    if (hidden) {
      // Shown again while waiting: the person is looking now, so try at once.
      this.onVisible = () => {
        if (document.visibilityState === "visible") go();
      };
      document.addEventListener("visibilitychange", this.onVisible);
    }
  }

  // The server answered again (threads.js: a post over HTTP went through): the try that waits is
  // made now instead of up to 4 s later. Only a page with a post waiting asks this, so the person
  // who is writing is live again at once, and the other pages keep their backoff.
  hurry() {
    if (this.pending) this.pending();
  }

  cancel() {
    clearTimeout(this.timer);
    this.timer = null;
    this.pending = null;
    if (this.onVisible) document.removeEventListener("visibilitychange", this.onVisible);
    this.onVisible = null;
  }
}
