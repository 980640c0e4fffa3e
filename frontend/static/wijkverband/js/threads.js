// Live thread page: the WebSocket client of docs/realtime.md. The page works without this file;
// with it, new messages appear live, posts go over the socket with an outbox, and the page
// catches up by itself after a lost connection or a server restart.

const SIGNED_OUT = 4001;
const MAX_BACKOFF_MS = 30000;

function readJson(id) {
  const element = document.getElementById(id);
  return element ? JSON.parse(element.textContent) : null;
}

export class ThreadClient {
  constructor({ live, strings, root = document }) {
    this.live = live;
    this.strings = strings || {};
    this.thread = live.thread;
    this.seq = live.seq; // the last sequence number this page has
    this.log = root.querySelector("[data-thread-log]");
    this.status = root.querySelector("[data-live-status]");
    this.typingLine = root.querySelector("[data-typing]");
    this.form = root.querySelector("[data-post-form]");
    this.outboxList = root.querySelector("[data-outbox]");
    this.outbox = new Map(); // client_id -> {body, asks_ack, element}
    this.attempt = 0;
    this.socket = null;
    this.subscribed = false;
    this.typingTimer = null;
    this.readTimer = null;
    this.lastTypingSent = 0;
    if (this.form) this.enhanceForm();
    document.addEventListener("visibilitychange", () => this.markRead());
  }

  url() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${location.host}/ws/`;
  }

  connect() {
    const socket = new WebSocket(this.url());
    this.socket = socket;
    socket.addEventListener("open", () => {
      this.attempt = 0;
      this.subscribe();
    });
    socket.addEventListener("message", (event) => this.receive(JSON.parse(event.data)));
    socket.addEventListener("close", (event) => this.closed(event));
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
    this.send({ type: "subscribe", thread: this.thread, after: this.seq });
  }

  closed(event) {
    this.subscribed = false;
    if (event.code === SIGNED_OUT) {
      this.setStatus(this.strings.signed_out);
      return;
    }
    // Exponential backoff with full jitter, so a restarted server is not hit by everyone at once.
    const ceiling = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempt);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.attempt += 1;
    this.setStatus(this.strings.reconnecting);
    setTimeout(() => this.connect(), delay);
  }

  receive(frame) {
    switch (frame.type) {
      case "event":
        if (frame.thread === this.thread) this.event(frame);
        break;
      case "subscribed":
        if (frame.thread !== this.thread) break;
        this.subscribed = true;
        this.setStatus(this.strings.live);
        this.flushOutbox();
        this.markRead();
        break;
      case "reset":
        location.reload();
        break;
      case "ack":
        this.acknowledged(frame.client_id);
        break;
      case "error":
        this.refused(frame);
        break;
      case "typing":
        this.showTyping(frame.user.name);
        break;
      case "notification":
        this.setStatus(this.strings.notification.replace("%(actor)s", frame.actor));
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
    if (frame.kind.startsWith("message.")) this.upsertMessage(frame.data);
    else if (frame.kind === "ack.added") this.addAck(frame.data);
    this.scheduleRead();
  }

  upsertMessage(data) {
    let article = document.getElementById(`message-${data.id}`);
    const isNew = !article;
    if (isNew) {
      article = document.createElement("article");
      article.id = `message-${data.id}`;
      article.dataset.message = String(data.id);
      this.log.querySelector("[data-empty]")?.remove();
    }
    article.dataset.seq = String(data.seq);
    article.className = data.deleted ? "wv-message wv-message--deleted" : "wv-message";
    article.replaceChildren(this.header(data), this.body(data));
    if (isNew) {
      this.log.append(article);
      const pending = this.outbox.get(data.client_id);
      if (pending && data.author.id === this.live.user) this.acknowledged(data.client_id);
    }
  }

  header(data) {
    const header = document.createElement("header");
    header.className = "wv-message__meta";
    const author = document.createElement("strong");
    author.className = "wv-message__author";
    author.textContent = data.author.name;
    const time = document.createElement("time");
    time.dateTime = data.created_at;
    time.textContent = new Date(data.created_at).toLocaleString(document.documentElement.lang || "nl", {
      day: "numeric",
      month: "short",
      hour: "2-digit",
      minute: "2-digit",
    });
    header.append(author, " ", time);
    if (data.edited_at && !data.deleted) {
      const edited = document.createElement("span");
      edited.className = "wv-muted wv-message__edited";
      edited.textContent = ` ${this.strings.edited}`;
      header.append(edited);
    }
    return header;
  }

  body(data) {
    const body = document.createElement("div");
    body.className = "wv-message__body";
    if (data.deleted) {
      body.classList.add("wv-muted");
      body.textContent = this.strings.deleted;
    } else {
      // Rendered and sanitised on the server (markdown + an allow-list); CSP blocks inline script anyway.
      body.innerHTML = data.html;
    }
    if (data.asks_ack && !data.deleted) {
      const ack = document.createElement("p");
      ack.className = "utrecht-paragraph wv-message__ack";
      ack.dataset.acks = "";
      ack.textContent = this.strings.asks_ack;
      body.append(ack);
    }
    return body;
  }

  addAck(data) {
    const line = document.querySelector(`#message-${data.message} .wv-message__ack`);
    if (line) line.append(` ✓ ${data.user.name}`);
  }

  // --- posting with an outbox ----------------------------------------------------------------

  enhanceForm() {
    const textarea = this.form.querySelector("textarea[name=body]");
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = textarea.value;
      if (!body.trim()) return;
      const idField = this.form.querySelector("input[name=client_id]");
      const clientId = idField.value;
      const asksAck = this.form.querySelector("input[name=asks_ack]")?.checked || false;
      this.queuePost(clientId, body, asksAck);
      textarea.value = "";
      idField.value = crypto.randomUUID();
      const box = this.form.querySelector("input[name=asks_ack]");
      if (box) box.checked = false;
    });
    textarea.addEventListener("input", () => {
      const now = Date.now();
      if (now - this.lastTypingSent > 3000 && this.subscribed) {
        this.lastTypingSent = now;
        this.send({ type: "typing", thread: this.thread });
      }
    });
  }

  queuePost(clientId, body, asksAck) {
    const item = document.createElement("li");
    item.className = "wv-outbox__item";
    item.textContent = `${this.strings.sending} ${body.slice(0, 80)}`;
    this.outboxList?.append(item);
    this.outbox.set(clientId, { body, asksAck, element: item });
    if (this.subscribed) this.sendPost(clientId);
  }

  sendPost(clientId) {
    const post = this.outbox.get(clientId);
    if (!post) return;
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
  }

  refused(frame) {
    const post = this.outbox.get(frame.ref);
    if (!post) return;
    if (frame.code === "rate_limited") {
      setTimeout(() => this.sendPost(frame.ref), 5000);
      return;
    }
    post.element.textContent = `${this.strings.failed} ${frame.detail}`;
    post.element.classList.add("wv-outbox__item--failed");
    this.outbox.delete(frame.ref);
  }

  // --- read markers, typing, status ------------------------------------------------------------

  scheduleRead() {
    if (this.readTimer) return;
    this.readTimer = setTimeout(() => {
      this.readTimer = null;
      this.markRead();
    }, 1500);
  }

  markRead() {
    if (document.visibilityState === "visible" && this.subscribed) {
      this.send({ type: "read", thread: this.thread, seq: this.seq });
    }
  }

  showTyping(name) {
    if (!this.typingLine) return;
    this.typingLine.textContent = this.strings.typing.replace("%(name)s", name);
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => {
      this.typingLine.textContent = "";
    }, 4000);
  }

  setStatus(text) {
    if (!this.status || !text) return;
    this.status.hidden = false;
    this.status.textContent = text;
  }
}

const live = readJson("thread-live");
if (live && "WebSocket" in window) {
  const client = new ThreadClient({ live, strings: readJson("thread-strings") });
  client.connect();
  window.wijkverbandThread = client; // for the browser tests
}
