// Återföring: the realtime client shared by the phone, the console and the projector.
// The database is the truth; socket messages are hints. On every (re)connect the client asks
// for a snapshot; each later change carries the next sequence number and is applied in seq
// order, exactly once. A change that arrives early (its predecessor was sent by another
// server process and is still on its way) waits in a short reorder window; only a gap that
// outlasts the window is a lost change, and that means "ask for a fresh snapshot".
// Submissions wait in an outbox (kept in sessionStorage, so a
// reload keeps them too) until the server acknowledges them after its commit, or refuses them
// for a reason the person must see (validation, intake closed, too many at once). Not stored
// yet (no answer in time, `busy`, `server`): resent by itself after a pause; offline: resent
// after the reconnect. Always with the same client id, so a retry is never a duplicate.
(function (global) {
  "use strict";

  var ACK_TIMEOUT_MS = 8000;
  // Answers that mean "not stored, send it again"; `offline` waits for the reconnect instead.
  var RETRIED = { timeout: 1, busy: 1, server: 1, empty: 1 };
  // The pause before a resend doubles with each try (1, 2, 4, 8, 16, then 30 s), and is drawn
  // between half of it and all of it, so that a room of phones that met the same hiccup does
  // not come back in one wave.
  var RETRY_FIRST_MS = 1000;
  var RETRY_MAX_MS = 30000;

  function retryDelay(attempt) {
    var ceiling = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * Math.pow(2, attempt - 1));
    return ceiling / 2 + Math.random() * ceiling / 2;
  }

  // True when the outbox keeps the item and sends it again by itself.
  function retried(ack) { return !ack.ok && (ack.error === "offline" || !!RETRIED[ack.error]); }

  // How long a change ahead of the next seq waits for the missing ones before the client
  // treats them as lost and takes a snapshot. Through Redis a busy process's change can come
  // a second or more after the other's; a real loss is rare (a reconnect takes a snapshot
  // anyway), so waiting a little longer costs less than a snapshot for every late change.
  var REORDER_WINDOW_MS = 2500;

  function uuid() {
    if (global.crypto && global.crypto.randomUUID) { return global.crypto.randomUUID(); }
    var b = new Uint8Array(16);
    global.crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }

  function Live(options) {
    this.options = options;
    this.seq = null;
    this.early = {};        // seq -> change that came before its predecessor
    this.gapTimer = null;
    this.stats = { applied: 0, late: 0, lost: 0 };
    this.outboxKey = "aterforing-outbox-" + options.dialogue + "-" + (options.as || "participant");
    this.outbox = this._loadOutbox();
    this.retries = {};  // client id -> {attempt, timer}: the pending resend of an outbox item
    this.sending = {};  // client id -> true while its submit waits for an answer
    this.connected = false;
    this.heard = 0;  // the highest seq the server's heartbeat has told of
    var auth = { dialogue: options.dialogue, as: options.as };
    if (options.token) { auth.token = options.token; }
    this.socket = global.io({ auth: auth, transports: ["websocket", "polling"], reconnectionDelayMax: 2000 });
    var self = this;
    this.connectAttempt = 0;  // refusals for a passing reason in a row
    this.socket.on("connect", function () {
      self.connected = true;
      self.connectAttempt = 0;
      self._status("connected");
      self.refresh().then(function () { self._flushOutbox(); });
    });
    this.socket.on("disconnect", function () { self.connected = false; self._status("disconnected"); });
    this.socket.on("connect_error", function (err) {
      self._status("disconnected");
      // The server was there but refused for a passing reason (`retry`, e.g. a busy database
      // right after a restart): socket.io does not try again after a refusal, so we do, with
      // the same pause as a resend. Other refusals (an unknown participant) stay refused.
      if (!self.socket.active && err && err.data && err.data.retry) {
        self.connectAttempt += 1;
        global.setTimeout(function () { self.socket.connect(); }, retryDelay(self.connectAttempt));
      }
    });
    this.socket.on("session_ended", function () { self._status("ended"); self.socket.disconnect(); });
    this.socket.on("change", function (msg) { self._change(msg); });
    this.socket.on("seq", function (msg) { self._heard(msg); });
    this.socket.on("tally", function (msg) { if (options.onTally) { options.onTally(msg); } });
    this.socket.on("queue", function (msg) { if (options.onQueue) { options.onQueue(msg); } });
    this.socket.on("own", function (msg) { if (options.onOwn) { options.onOwn(msg); } });
  }

  Live.prototype._status = function (state) {
    if (this.options.onStatus) { this.options.onStatus(state, this.outbox.length); }
  };

  Live.prototype.refresh = function () {
    var self = this;
    return this.emit("snapshot", {}).then(function (ack) {
      if (ack.ok) {
        self.seq = ack.snapshot.seq;
        self.options.onSnapshot(ack.snapshot);
        self._applyEarly();  // what came during the snapshot and follows it
      }
      return ack;
    });
  };

  Live.prototype._change = function (msg) {
    if (!msg || typeof msg.seq !== "number") { return; }
    if (this.seq === null) {
      // The first snapshot is on its way: a change committed after the snapshot read its seq
      // arrives before the snapshot's answer. Kept, and applied once the snapshot says where
      // it stands; dropping it would leave a gap that only a second snapshot fills.
      this.early[msg.seq] = msg;
      return;
    }
    if (msg.seq <= this.seq) { return; }            // already part of the snapshot, or a repeat
    if (msg.seq !== this.seq + 1) {
      // Ahead of the next one: keep it until the missing ones arrive, or the window ends.
      this.early[msg.seq] = msg;
      this._armGapTimer();
      return;
    }
    this._apply(msg);
    this._applyEarly();
  };

  // The server's heartbeat: the dialogue is at this seq. A client behind it waits the
  // reorder window for the missing changes (they may be on their way), then takes a snapshot:
  // a change lost while the processes' queue was away is noticed even when nothing else
  // happens.
  Live.prototype._heard = function (msg) {
    if (this.seq === null || !msg || typeof msg.seq !== "number") { return; }
    if (msg.seq > this.heard) { this.heard = msg.seq; }
    if (this._behind()) { this._armGapTimer(); }
  };

  Live.prototype._behind = function () {
    return Object.keys(this.early).length > 0 || this.heard > this.seq;
  };

  Live.prototype._apply = function (msg) {
    this.seq = msg.seq;
    this.stats.applied += 1;
    // A new status (live, closed, ...) or edited reflections and agenda change what every
    // screen shows: take a snapshot.
    if (msg.type === "status" || msg.type === "content") { this.refresh(); return; }
    this.options.onChange(msg);
  };

  // Apply the kept changes that now follow in order; drop those a snapshot already covers.
  Live.prototype._applyEarly = function () {
    var self = this;
    Object.keys(this.early).forEach(function (k) { if (+k <= self.seq) { delete self.early[k]; } });
    while (this.early[this.seq + 1]) {
      var next = this.early[this.seq + 1];
      delete this.early[this.seq + 1];
      this.stats.late += 1;
      this._apply(next);
    }
    if (this._behind()) {
      this._armGapTimer();
    } else if (this.gapTimer) {
      clearTimeout(this.gapTimer);
      this.gapTimer = null;
    }
  };

  Live.prototype._armGapTimer = function () {
    if (this.gapTimer) { return; }
    var self = this;
    this.gapTimer = setTimeout(function () {
      self.gapTimer = null;
      if (!self._behind()) { return; }
      // Still missing after the window: really lost. The snapshot is the truth; the kept
      // changes it already covers are dropped when it arrives.
      self.stats.lost += 1;
      self.refresh();
    }, REORDER_WINDOW_MS);
  };

  // Emit with an acknowledgement; resolves with the ack, or a clean failure on timeout.
  Live.prototype.emit = function (event, payload) {
    var socket = this.socket;
    return new Promise(function (resolve) {
      if (!socket.connected) { resolve({ ok: false, error: "offline" }); return; }
      socket.timeout(ACK_TIMEOUT_MS).emit(event, payload, function (err, ack) {
        resolve(err ? { ok: false, error: "timeout" } : (ack || { ok: false, error: "empty" }));
      });
    });
  };

  Live.prototype._loadOutbox = function () {
    try { return JSON.parse(global.sessionStorage.getItem(this.outboxKey) || "[]"); } catch (e) { return []; }
  };

  Live.prototype._saveOutbox = function () {
    try { global.sessionStorage.setItem(this.outboxKey, JSON.stringify(this.outbox)); } catch (e) { /* private mode */ }
    this._status(this.connected ? "connected" : "disconnected");
  };

  // Queue a submission; it is sent now if possible, and again (after a pause, or after the
  // reconnect) until the server has stored it or refused it. Resolves with the first answer;
  // the answers to later resends go to `onResent`.
  Live.prototype.submit = function (payload) {
    payload.client_id = payload.client_id || uuid();
    this._stopRetry(payload.client_id);
    this.outbox.push(payload);
    this._saveOutbox();
    if (this.options.onPending) { this.options.onPending(this.outbox); }
    return this._send(payload);
  };

  Live.prototype._inOutbox = function (clientId) {
    return this.outbox.some(function (p) { return p.client_id === clientId; });
  };

  Live.prototype._send = function (payload) {
    var self = this;
    var id = payload.client_id;
    this.sending[id] = true;
    return this.emit("submit", payload).then(function (ack) {
      delete self.sending[id];
      if (retried(ack)) {
        if (ack.error !== "offline" && self._inOutbox(id)) { self._retryLater(payload); }
      } else {
        self._stopRetry(id);
        self.outbox = self.outbox.filter(function (p) { return p.client_id !== id; });
        self._saveOutbox();
        if (self.options.onPending) { self.options.onPending(self.outbox); }
      }
      return ack;
    });
  };

  Live.prototype._resend = function (payload) {
    var self = this;
    this._send(payload).then(function (ack) {
      if (self.options.onResent) { self.options.onResent(payload, ack); }
    });
  };

  Live.prototype._retryLater = function (payload) {
    var self = this;
    var id = payload.client_id;
    var retry = this.retries[id] || (this.retries[id] = { attempt: 0, timer: null });
    retry.attempt += 1;
    global.clearTimeout(retry.timer);
    retry.timer = global.setTimeout(function () {
      retry.timer = null;
      if (self._inOutbox(id) && !self.sending[id]) { self._resend(payload); }
    }, retryDelay(retry.attempt));
  };

  Live.prototype._stopRetry = function (clientId) {
    var retry = this.retries[clientId];
    if (retry) { global.clearTimeout(retry.timer); delete this.retries[clientId]; }
  };

  // After a (re)connect: everything waiting goes now, except what is already on its way.
  Live.prototype._flushOutbox = function () {
    var self = this;
    this.outbox.slice().forEach(function (payload) {
      if (self.sending[payload.client_id]) { return; }
      var retry = self.retries[payload.client_id];
      if (retry) { global.clearTimeout(retry.timer); retry.timer = null; }
      self._resend(payload);
    });
  };

  global.AterforingLive = { Live: Live, uuid: uuid, retried: retried };
})(window);
