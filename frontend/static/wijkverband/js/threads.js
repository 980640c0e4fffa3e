// Live thread page: the WebSocket client of docs/realtime.md. The page works without this file;
// with it, new messages appear live, posts go over the socket with an outbox, and the page
// catches up by itself after a lost connection or a server restart.

const SIGNED_OUT = 4001;
// Signed in, but the second factor is not set up yet: the pages send the person to set it up.
const SIGN_IN_INCOMPLETE = 4002;
const MAX_BACKOFF_MS = 30000;

function readJson(id) {
  const element = document.getElementById(id);
  return element ? JSON.parse(element.textContent) : null;
}

// The order Python's sorted() gives names (code points), so live lines read like the server's.
function compareNames(a, b) {
  if (a < b) return -1;
  return a > b ? 1 : 0;
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
    this.presenceBox = root.querySelector("[data-presence]");
    this.presenceLine = root.querySelector("[data-presence-line]");
    // Everyone's read marker (user id -> {name, seq}): "Read by" is derived from these, as on the server.
    this.markers = new Map((live.markers || []).map((m) => [m.id, { name: m.name, seq: m.seq }]));
    this.professionals = live.professionals || [];
    this.attempt = 0;
    this.socket = null;
    this.subscribed = false;
    this.typingTimer = null;
    this.readTimer = null;
    this.lastTypingSent = 0;
    if (this.form) this.enhanceForm();
    document.addEventListener("visibilitychange", () => this.markRead());
  }

  socketUrl() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${location.host}/ws/`;
  }

  connect() {
    const socket = new WebSocket(this.socketUrl());
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
    if (this.presenceBox) this.presenceBox.hidden = true; // unknown until subscribed again
    if (event.code === SIGNED_OUT) {
      this.setStatus(this.strings.signed_out);
      return;
    }
    if (event.code === SIGN_IN_INCOMPLETE) {
      this.setStatus(this.strings.sign_in_incomplete);
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
      case "presence":
        if (frame.thread === this.thread) this.showPresence(frame.users, frame.more || 0);
        break;
      case "read_by":
        if (frame.thread === this.thread) this.readBy(frame.readers);
        break;
      case "notification":
        // New activity in the thread on screen shows itself; mentions and requests are announced.
        if (!(frame.kind === "activity" && frame.thread === this.thread)) {
          this.setStatus(this.strings.notification.replace("%(actor)s", frame.actor));
        }
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
    if (frame.kind.startsWith("message.")) this.upsertMessage(frame.data);
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
    article.className = data.deleted ? "wv-message wv-message--deleted" : "wv-message";
    const parts = [this.header(data)];
    if (data.deleted) {
      const body = this.element("p", "utrecht-paragraph wv-muted wv-message__body");
      body.textContent = data.deleted_by_author ? this.strings.deleted_by_author : this.strings.deleted_by_coordinator;
      parts.push(body);
    } else {
      const body = this.element("div", "wv-message__body");
      // Rendered and sanitised on the server (markdown + an allow-list); CSP blocks inline script anyway.
      body.innerHTML = data.html;
      parts.push(body);
      if (data.asks_ack) parts.push(this.ackBlock(data.id, data.seq, data.author.id, acked));
      const mine = data.author.id === this.live.user;
      if ((this.live.can_post && mine) || this.live.can_moderate) parts.push(this.actions(data, mine));
    }
    article.replaceChildren(...parts);
    if (!data.deleted) this.updateReadBy(article);
    if (isNew) {
      this.log.append(article);
      const pending = this.outbox.get(data.client_id);
      if (pending && data.author.id === this.live.user) this.acknowledged(data.client_id);
    }
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

  hiddenLabel(seq) {
    return this.element("span", "wv-visually-hidden", ` ${this.strings.message} ${seq}`);
  }

  postForm(action, className, label, seq) {
    const form = this.element("form", "wv-inline-form");
    form.method = "post";
    form.action = action;
    const token = document.createElement("input");
    token.type = "hidden";
    token.name = "csrfmiddlewaretoken";
    token.value = this.live.csrf_token;
    const button = this.element("button", `utrecht-button ${className}`, label);
    button.type = "submit";
    button.append(this.hiddenLabel(seq));
    form.append(token, button);
    return form;
  }

  header(data) {
    const header = this.element("header", "wv-message__meta");
    const author = this.element("strong", "wv-message__author", data.author.name);
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
      edit.append(this.hiddenLabel(data.seq));
      actions.append(edit);
    }
    const redact = this.element("a", "utrecht-link", this.strings.redact);
    redact.href = this.url("redact", data.id);
    redact.append(this.element("span", "wv-visually-hidden", ` ${this.strings.from_message} ${data.seq}`));
    actions.append(redact);
    actions.append(this.postForm(this.url("delete", data.id), "utrecht-button--subtle", this.strings.delete, data.seq));
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

  ackBlock(messageId, seq, authorId, acked) {
    const block = this.element("div", "wv-message__ack");
    block.dataset.ack = "";
    block.append(this.ackLine(authorId, acked));
    const me = this.live.user;
    if (this.live.can_post && authorId !== me && !acked.has(me)) {
      const form = this.postForm(this.url("ack", messageId), "utrecht-button--secondary-action", this.strings.confirm, seq);
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
    block.querySelector("[data-ack-line]").replaceWith(this.ackLine(Number(article.dataset.author), acked));
    if (data.user.id === this.live.user) block.querySelector("[data-confirm]")?.remove();
  }

  // --- read by ---------------------------------------------------------------------------------

  readBy(readers) {
    let lowest = Infinity;
    for (const reader of readers) {
      const known = this.markers.get(reader.id);
      if (known && known.seq >= reader.seq) continue;
      lowest = Math.min(lowest, known ? known.seq : 0);
      this.markers.set(reader.id, { name: reader.name, seq: reader.seq });
    }
    if (lowest === Infinity) return;
    for (const article of this.log.querySelectorAll("article.wv-message:not(.wv-message--deleted)")) {
      if (Number(article.dataset.seq) > lowest) this.updateReadBy(article);
    }
  }

  updateReadBy(article) {
    const seq = Number(article.dataset.seq);
    const author = Number(article.dataset.author);
    const readers = [...this.markers.entries()]
      .filter(([id, marker]) => marker.seq >= seq && id !== author)
      .map(([id, marker]) => [id, marker.name])
      .sort((a, b) => compareNames(a[1], b[1]));
    const old = article.querySelector("[data-read-by]");
    if (!readers.length) {
      old?.remove();
      return;
    }
    const line = this.element("p", "utrecht-paragraph wv-muted wv-message__read");
    line.dataset.readBy = "";
    line.append(`${this.strings.read_by} `, ...this.names(readers));
    if (old) old.replaceWith(line);
    else article.insertBefore(line, article.querySelector(".wv-message__actions"));
  }

  // --- who is here -------------------------------------------------------------------------------

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
    if (frame.code === "not_found" && frame.ref === this.thread) {
      // Access to this thread ended (a role or the thread's readers changed): say so and stop;
      // a reload shows the page as it is now for this person.
      this.subscribed = false;
      this.setStatus(this.strings.no_access);
      return;
    }
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
