// Återföring: the participant's phone during the meeting.
// Draws the current agenda item, the open stance poll and the questions from the socket
// snapshot and its changes (live-core.js). Lists are drawn into their own containers only;
// the forms are never re-rendered, so a live update cannot touch what someone is typing.
// What is typed is kept in sessionStorage until the server has acknowledged it.
(function () {
  "use strict";

  var root = document.getElementById("phone");
  if (!root || !window.AterforingLive) { return; }

  var T = JSON.parse(root.getAttribute("data-texts") || "{}");
  // The enums' labels, from the models (live/_live.html).
  var L = JSON.parse(document.getElementById("live-labels").textContent);
  var DIALOGUE = Number(root.getAttribute("data-dialogue"));
  var PREFIX = "aterforing-phone-" + DIALOGUE + "-";
  // Refused for now, not for good: the text stays for the person to send again later.
  var TRANSIENT = { rate_limited: 1 };

  function $(id) { return document.getElementById(id); }

  function fmt(text, values) {
    return String(text || "").replace(/\{(\w+)\}/g, function (m, k) {
      return Object.prototype.hasOwnProperty.call(values, k) ? values[k] : m;
    });
  }

  function storage() { try { return window.sessionStorage; } catch (e) { return null; } }

  function load(key) {
    var s = storage();
    if (!s) { return null; }
    try { return JSON.parse(s.getItem(PREFIX + key) || "null"); } catch (e) { return null; }
  }

  function store(key, value) {
    var s = storage();
    if (!s) { return; }
    try {
      if (value === null) { s.removeItem(PREFIX + key); } else { s.setItem(PREFIX + key, JSON.stringify(value)); }
    } catch (e) { /* full or switched off: the page still works */ }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function clip(text, n) {
    text = String(text || "").replace(/\s+/g, " ").trim();
    return text.length > n ? text.slice(0, n - 1) + "…" : text;
  }

  // --- one polite live region; messages close together are read as one -----------------
  var announcer = $("phone-announcer");
  var queued = [];
  var announceTimer = null;

  function announce(text) {
    if (!text) { return; }
    queued.push(text);
    window.clearTimeout(announceTimer);
    announceTimer = window.setTimeout(function () {
      announcer.textContent = "";
      var message = queued.join(" ");
      queued = [];
      window.setTimeout(function () { announcer.textContent = message; }, 60);
    }, 250);
  }

  // --- state ---------------------------------------------------------------------------
  var state = {
    loaded: false,
    dialogue: null,
    agenda: [],
    reflections: {},
    order: [],            // reflection ids in the dialogue's order
    items: {},            // public items by id
    mine: {},             // own items by id (with status)
    myVotes: {},
    myStances: {},
    poll: null,
    closedPoll: null,     // reflection id of a poll closed while we watched
    tallies: {},
    sort: load("sort") === "newest" ? "newest" : "votes",
    conn: "connecting",
    outbox: 0
  };

  function currentItem() {
    var id = state.dialogue && state.dialogue.current_item_id;
    for (var i = 0; i < state.agenda.length; i++) {
      if (state.agenda[i].id === id) { return { item: state.agenda[i], index: i }; }
    }
    return null;
  }

  function isClosed() {
    var s = state.dialogue && state.dialogue.status;
    return s === "closed" || s === "archived";
  }

  // --- the connection line ---------------------------------------------------------------
  function renderStatus() {
    var line = $("phone-status");
    var text = state.conn === "connected" ? T.connected
      : state.conn === "ended" ? T.ended
      : state.conn === "connecting" ? T.connecting : T.reconnecting;
    line.setAttribute("data-state", state.conn);
    $("phone-status-text").textContent = text;
    var n = state.outbox;
    $("phone-outbox").textContent = n === 0 ? "" : (n === 1 ? T.unsent_one : fmt(T.unsent_many, { n: n }));
  }

  // --- the current item and its reflections --------------------------------------------
  var nowKey = null;

  function reflectionNode(r, level) {
    var article = el("article", "reflection reflection-" + r.kind);
    var kind = el("p", "reflection-kind");
    kind.appendChild(el("span", "badge kind-" + r.kind, L.reflection_kinds[r.kind] || r.kind));
    article.appendChild(kind);
    article.appendChild(el("h" + level, "reflection-title", r.title));
    if (r.evidence || r.legal_basis) {
      var dl = el("dl", "reflection-facts");
      [["evidence", r.evidence], ["legal_basis", r.legal_basis]].forEach(function (pair) {
        if (!pair[1]) { return; }
        var row = el("div");
        row.appendChild(el("dt", null, T[pair[0]]));
        row.appendChild(el("dd", null, pair[1]));
        dl.appendChild(row);
      });
      article.appendChild(dl);
    }
    if (r.html) {
      var more = el("details", "reflection-more");
      more.appendChild(el("summary", null, T.read_more));
      var body = el("div", "prose reflection-body");
      body.innerHTML = r.html;  // rendered and sanitized on the server (markdown-it + nh3)
      more.appendChild(body);
      article.appendChild(more);
    }
    return article;
  }

  function renderNow(force) {
    var box = $("phone-now");
    var found = currentItem();
    var examples = $("examples-link");
    if (examples) {
      examples.href = examples.getAttribute("data-base") + (found ? "?punkt=" + found.item.id : "");
    }
    var status = state.dialogue.status;
    var key = status + ":" + (found ? found.item.id + ":" + found.item.title + ":" +
      found.item.description + ":" + found.item.reflections.join(",") : "-");
    if (key === nowKey && !force) { return; }
    nowKey = key;
    box.textContent = "";
    if (status === "published") {
      box.appendChild(el("p", "muted", T.not_started));
    } else if (!found) {
      if (!isClosed()) { box.appendChild(el("p", "muted", T.no_item)); }
    } else {
      box.appendChild(el("p", "phone-position muted",
        fmt(T.position, { i: found.index + 1, n: state.agenda.length })));
      box.appendChild(el("h3", "phone-item-title", found.item.title));
      if (found.item.description) { box.appendChild(el("p", "phone-item-text", found.item.description)); }
      found.item.reflections.forEach(function (rid) {
        var r = state.reflections[rid];
        if (r) { box.appendChild(reflectionNode(r, 4)); }
      });
    }
    // The question form's "current item" option names the item; its value never changes.
    var option = document.querySelector("option[data-current-item]");
    if (option) {
      option.textContent = found ? fmt(T.current_item_named, { title: found.item.title }) : T.current_item;
      option.disabled = !found;
    }
  }

  // --- the stance poll -----------------------------------------------------------------
  var STANCES = ["agree", "partly", "disagree", "unknown"];

  // An open poll is a card at the top of the page, answered with one tap; when it closes the
  // card goes, and the result (with one's own answer) is kept lower down, under "Just nu".
  function renderPoll() {
    var section = $("phone-poll");
    var done = $("phone-poll-done");
    var rid = state.poll ? state.poll.reflection_id : state.closedPoll;
    var r = rid ? state.reflections[rid] : null;
    var open = !!state.poll;
    var mine = r ? state.myStances[String(rid)] : null;
    section.hidden = !r || !open || isClosed();
    done.hidden = !r || open || isClosed();
    renderPollJump();
    if (!r || isClosed()) { return; }
    if (!open) {
      $("poll-done-text").textContent = fmt(T.poll_closed_named, { title: r.title }) +
        (mine ? " " + fmt(T.your_stance, { value: L.stances[mine] }) : "");
      renderResults(rid, $("poll-done-results"));
      return;
    }
    var box = $("poll-reflection");
    if (box.getAttribute("data-rid") !== String(rid)) {
      box.setAttribute("data-rid", String(rid));
      box.textContent = "";
      var kind = el("p", "reflection-kind");
      kind.appendChild(el("span", "badge kind-" + r.kind, L.reflection_kinds[r.kind] || r.kind));
      box.appendChild(kind);
      box.appendChild(el("p", "poll-reflection-title", r.title));
      if (r.evidence) { box.appendChild(el("p", "muted small", T.evidence + ": " + r.evidence)); }
    }
    Array.prototype.forEach.call(document.querySelectorAll("input[name=live-stance]"), function (input) {
      input.checked = input.value === mine;
    });
    $("poll-chosen").textContent = mine ? fmt(T.your_stance, { value: L.stances[mine] }) : "";
    renderResults(rid, $("poll-results"));
  }

  // Someone typing keeps their place; anyone else is taken to the top, where the poll is.
  function typing() {
    var a = document.activeElement;
    return !!a && (a.tagName === "TEXTAREA" || a.tagName === "SELECT" ||
      (a.tagName === "INPUT" && a.type !== "radio" && a.type !== "checkbox"));
  }

  // The bar that leads back to an open poll shows while the card is out of sight.
  var pollInView = true;
  function renderPollJump() {
    var jump = $("phone-poll-jump");
    jump.hidden = !state.poll || isClosed() || $("phone-poll").hidden || pollInView;
  }
  if (window.IntersectionObserver) {
    new window.IntersectionObserver(function (seen) {
      pollInView = seen[seen.length - 1].isIntersecting;
      renderPollJump();
    }).observe($("phone-poll"));
  }
  $("phone-poll-jump").addEventListener("click", function (event) {
    event.preventDefault();
    window.scrollTo(0, 0);
    var first = document.querySelector("input[name=live-stance]:checked") ||
      document.querySelector("input[name=live-stance]");
    (first || $("phone-poll")).focus();
  });

  function pollOpened() {
    if (navigator.vibrate) {
      try { navigator.vibrate(80); } catch (e) { /* not allowed here: the card is enough */ }
    }
    if (!typing()) { window.scrollTo(0, 0); }
  }

  function renderResults(rid, box) {
    box.textContent = "";
    var tally = state.tallies[rid];
    if (!tally || !tally.n) { return; }
    box.appendChild(el("h3", "poll-results-title", tally.n === 1 ? T.results_one : fmt(T.results, { n: tally.n })));
    var list = el("ul", "poll-results-list");
    STANCES.forEach(function (value) {
      var count = (tally.total && tally.total[value]) || 0;
      var share = Math.round(100 * count / tally.n);
      var li = el("li");
      var row = el("p", "poll-result-row");
      row.appendChild(el("span", "poll-result-label", L.stances[value]));
      row.appendChild(el("span", "poll-result-num", count + " (" + share + " %)"));
      li.appendChild(row);
      var bar = el("span", "bar");
      bar.setAttribute("aria-hidden", "true");
      bar.appendChild(el("span", "bar-seg " + value + " w-" + (5 * Math.round(share / 5))));
      li.appendChild(bar);
      list.appendChild(li);
    });
    box.appendChild(list);
  }

  var stanceTimer = null;

  function onStanceChosen(event) {
    var input = event.target;
    if (!input || input.name !== "live-stance" || !state.poll) { return; }
    var rid = state.poll.reflection_id;
    var before = state.myStances[String(rid)];
    state.myStances[String(rid)] = input.value;
    $("poll-error").textContent = "";
    $("poll-chosen").textContent = fmt(T.your_stance, { value: L.stances[input.value] });
    // Arrow keys walk through a radio group: send only where the participant stops.
    window.clearTimeout(stanceTimer);
    stanceTimer = window.setTimeout(function () {
      live.emit("stance", { reflection_id: rid, value: input.value }).then(function (ack) {
        if (ack.ok) { return; }
        if (state.myStances[String(rid)] === input.value) {
          if (before) { state.myStances[String(rid)] = before; } else { delete state.myStances[String(rid)]; }
        }
        $("poll-error").textContent = ack.message || T.failed;
        announce(ack.message || T.failed);
        renderPoll();
      });
    }, 350);
  }

  // --- questions -----------------------------------------------------------------------
  var nodes = {};  // key -> li, reused so a focused vote button is never replaced

  function entries() {
    var list = [];
    var own = {};
    Object.keys(state.mine).forEach(function (id) {
      var m = state.mine[id];
      own[id] = true;
      if (m.status === "pending" && !m.merged_into && !state.items[id]) {
        list.push({ key: "m" + id, item: m, pending: true, own: true });
      }
    });
    var pub = Object.keys(state.items).map(function (id) {
      return { key: "q" + id, item: state.items[id], pending: false, own: !!own[id] };
    });
    pub.sort(function (a, b) {
      if (a.item.pinned !== b.item.pinned) { return a.item.pinned ? -1 : 1; }
      if (state.sort === "votes" && a.item.votes !== b.item.votes) { return b.item.votes - a.item.votes; }
      if (a.item.at !== b.item.at) { return a.item.at < b.item.at ? 1 : -1; }
      return b.item.id - a.item.id;
    });
    list.sort(function (a, b) { return b.item.id - a.item.id; });
    return list.concat(pub);
  }

  function buildNode(entry) {
    var li = el("li", "phone-item");
    var meta = el("p", "item-meta");
    li.appendChild(meta);
    li.appendChild(el("p", "item-text"));
    var note = el("p", "muted small item-note");
    li.appendChild(note);
    var actions = el("div", "item-actions");
    var button = el("button", "button vote-button");
    button.type = "button";
    button.setAttribute("data-vote", "");
    button.appendChild(el("span", "visually-hidden", T.vote_label + ", "));
    button.appendChild(el("span", "vote-icon", "▲"));
    button.lastChild.setAttribute("aria-hidden", "true");
    button.appendChild(el("span", "vote-count", "0"));
    button.appendChild(el("span", "vote-word", ""));
    actions.appendChild(button);
    // One's own question shows its support, without a button: the server refuses such a vote.
    actions.appendChild(el("p", "own-votes muted small"));
    li.appendChild(actions);
    nodes[entry.key] = li;
    return li;
  }

  function updateNode(li, entry) {
    var item = entry.item;
    li.id = "fraga-" + item.id;
    li.className = "phone-item" + (entry.own ? " own" : "") + (item.pinned ? " pinned" : "") +
      (entry.pending ? " pending" : "");
    var meta = li.querySelector(".item-meta");
    meta.textContent = "";
    if (item.pinned) { meta.appendChild(el("span", "badge badge-pinned", "⚑ " + T.pinned)); }
    if (item.kind !== "question") { meta.appendChild(el("span", "badge", L.kinds[item.kind] || item.kind)); }
    meta.appendChild(el("span", "item-by", entry.own ? T.you + (item.by ? " (" + item.by + ")" : "") : item.by));
    if (entry.pending) { meta.appendChild(el("span", "badge badge-wait", L.item_statuses.pending)); }
    if (item.answered) { meta.appendChild(el("span", "badge badge-answered", "✓ " + T.answered)); }
    var text = li.querySelector(".item-text");
    if (text.textContent !== item.text) { text.textContent = item.text; }
    li.querySelector(".item-note").textContent = entry.pending && item.flagged ? T.flagged_note : "";
    var actions = li.querySelector(".item-actions");
    var votable = !entry.pending && item.kind === "question" && !isClosed();
    actions.hidden = !votable;
    var button = actions.querySelector("button");
    var ownVotes = actions.querySelector(".own-votes");
    button.hidden = entry.own;
    ownVotes.hidden = !entry.own;
    ownVotes.textContent = (item.votes || 0) === 1 ? T.own_vote_one : fmt(T.own_vote_many, { n: item.votes || 0 });
    button.setAttribute("data-id", String(item.id));
    button.setAttribute("aria-pressed", state.myVotes[item.id] ? "true" : "false");
    button.querySelector(".vote-count").textContent = String(item.votes || 0);
    button.querySelector(".vote-word").textContent = " " + ((item.votes || 0) === 1 ? T.votes_one : T.votes_many);
  }

  function renderQuestions(reorder) {
    var list = $("phone-questions");
    var wanted = entries();
    var keep = {};
    wanted.forEach(function (entry) {
      keep[entry.key] = true;
      var li = nodes[entry.key] || buildNode(entry);
      updateNode(li, entry);
    });
    Object.keys(nodes).forEach(function (key) {
      if (!keep[key]) {
        if (nodes[key].parentNode) { nodes[key].parentNode.removeChild(nodes[key]); }
        delete nodes[key];
      }
    });
    // Reorder only when asked, or when nobody is using the list: a question must not jump
    // away from under a finger (or a screen reader) that is on it.
    var inUse = list.contains(document.activeElement);
    var current = Array.prototype.slice.call(list.children);
    var same = current.length === wanted.length && wanted.every(function (e, i) { return current[i] === nodes[e.key]; });
    if (!same) {
      if (reorder || !inUse) {
        var focused = document.activeElement;
        wanted.forEach(function (e) { list.appendChild(nodes[e.key]); });
        if (focused && list.contains(focused) && document.activeElement !== focused) { focused.focus(); }
      } else {
        wanted.forEach(function (e) { if (!nodes[e.key].parentNode) { list.appendChild(nodes[e.key]); } });
      }
    }
    $("questions-empty").hidden = wanted.length > 0;
  }

  function onVoteClick(event) {
    var button = event.target.closest && event.target.closest("button[data-vote]");
    if (!button) { return; }
    var id = Number(button.getAttribute("data-id"));
    var item = state.items[id];
    if (!item || state.mine[id]) { return; }
    var on = !state.myVotes[id];
    // Optimistic: the count moves now; the next tally has the true number.
    if (on) { state.myVotes[id] = true; } else { delete state.myVotes[id]; }
    item.votes = Math.max(0, (item.votes || 0) + (on ? 1 : -1));
    renderQuestions(false);
    live.emit("vote", { question_id: id, on: on }).then(function (ack) {
      if (ack.ok) { return; }
      if (!!state.myVotes[id] === on) {
        if (on) { delete state.myVotes[id]; } else { state.myVotes[id] = true; }
        if (state.items[id]) { state.items[id].votes = Math.max(0, (state.items[id].votes || 0) + (on ? -1 : 1)); }
      }
      announce(ack.message || T.failed);
      renderQuestions(false);
    });
  }

  function setSort(value) {
    state.sort = value === "newest" ? "newest" : "votes";
    store("sort", state.sort);
    Array.prototype.forEach.call(document.querySelectorAll("[data-sort]"), function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-sort") === state.sort ? "true" : "false");
    });
    renderQuestions(true);
  }

  // --- the forms -----------------------------------------------------------------------
  var forms = {};

  function uuid() { return window.AterforingLive.uuid(); }

  function inOutbox(clientId) {
    return live.outbox.some(function (p) { return p.client_id === clientId; });
  }

  function dropFromOutbox(clientId) {
    live.outbox = live.outbox.filter(function (p) { return p.client_id !== clientId; });
    live._saveOutbox();
  }

  function persist(f) {
    if (!f.text.value.trim() && !f.locked) { f.draft.text = ""; store("draft-" + f.name, null); return; }
    f.draft.text = f.text.value;
    store("draft-" + f.name, f.draft);
  }

  function setError(f, message, field) {
    var box = field === "reflection_id" ? f.form.querySelector("#" + f.name + "-reflection-error")
      : f.form.querySelector("#" + f.name + "-text-error");
    f.form.querySelectorAll(".error").forEach(function (e) { e.textContent = ""; });
    f.text.removeAttribute("aria-invalid");
    if (f.target) { f.target.removeAttribute("aria-invalid"); }
    if (!message) { return; }
    (box || f.form.querySelector(".error")).textContent = message;
    if (field === "reflection_id" && f.target) { f.target.setAttribute("aria-invalid", "true"); } else { f.text.setAttribute("aria-invalid", "true"); }
    announce(message);
  }

  function setStatus(f, text, tone) {
    f.status.textContent = text || "";
    f.status.setAttribute("data-tone", tone || "wait");
  }

  function lock(f, locked) {
    f.locked = locked;
    f.text.readOnly = locked;
    if (f.target) { f.target.disabled = locked; }
    updateButton(f);
  }

  function updateButton(f) {
    var intakeOpen = !state.dialogue || state.dialogue.intake_open !== false;
    f.button.disabled = f.locked || !intakeOpen || isClosed();
  }

  function checkPnr(f) {
    var hits = window.findPersonalNumbers ? window.findPersonalNumbers(f.text.value) : [];
    if (hits.length) {
      if (!f.pnr.textContent) { f.pnr.textContent = T.pnr_warning; announce(T.pnr_warning); }
    } else {
      f.pnr.textContent = "";
    }
    return hits.length > 0;
  }

  function payloadFor(f) {
    var payload = { client_id: f.draft.clientId, kind: f.kind, text: f.text.value.trim() };
    var consent = f.form.querySelector("input[name=share_consent]");
    if (consent) { payload.share_consent = consent.checked; }
    var target = f.target ? f.target.value : "";
    if (f.kind === "disagreement") {
      if (target) { payload.reflection_id = Number(target); }
    } else if (target === "item") {
      var found = currentItem();
      if (found) { payload.agenda_item_id = found.item.id; }
    } else if (target && target.charAt(0) === "r") {
      payload.reflection_id = Number(target.slice(1));
    }
    return payload;
  }

  function send(f) {
    if (f.locked) { return; }
    setStatus(f, "");
    if (!f.text.value.trim()) { setError(f, f.required, "text"); f.text.focus(); return; }
    if (f.kind === "disagreement" && !f.target.value) {
      setError(f, T.choose_reflection, "reflection_id");
      f.target.focus();
      return;
    }
    if (checkPnr(f) && f.warned !== f.text.value) {
      f.warned = f.text.value;
      f.pnr.textContent = T.pnr_warning + " " + T.pnr_again;
      announce(f.pnr.textContent);
      f.text.focus();
      return;
    }
    setError(f, "");
    f.refocus = true;  // sent by a press here: the field gets focus back once it is stored
    var payload = payloadFor(f);
    f.draft.payload = payload;
    lock(f, true);
    persist(f);
    setStatus(f, T.sending);
    dropFromOutbox(payload.client_id);  // a second press never queues the same text twice
    live.submit(payload).then(function (ack) { settle(f, payload.client_id, ack); });
  }

  // The server's answer to a submission, now or after a resend from the outbox.
  function settle(f, clientId, ack) {
    if (!f || f.draft.clientId !== clientId) { return; }
    if (ack.ok) {
      var item = ack.item;
      if (item) { state.mine[item.id] = item; }
      f.text.value = "";
      var consentBox = f.form.querySelector("input[name=share_consent]");
      if (consentBox) { consentBox.checked = false; }
      f.pnr.textContent = "";
      f.warned = null;
      f.draft = { clientId: uuid(), target: f.target ? f.target.value : "" };
      store("draft-" + f.name, null);
      lock(f, false);
      var message = !item ? T.sent : item.flagged ? T.sent_flagged
        : item.status === "pending" ? T.sent_pending : T.sent_public;
      setStatus(f, message, item && item.flagged ? "wait" : "ok");
      f.pendingId = item && item.status === "pending" && !item.flagged ? item.id : null;
      announce(message);
      renderQuestions(false);
      if (f.refocus) { f.text.focus(); }
      f.refocus = false;
      return;
    }
    if (window.AterforingLive.retried(ack)) {
      // Not stored yet, and still in the outbox: it stays locked and is sent again by itself,
      // after the reconnect (offline) or after a pause (no answer in time, busy, server).
      setStatus(f, ack.error === "offline" ? T.waiting : T.sending);
      f.refocus = false;  // a resend later must not pull focus from where the person is then
      return;
    }
    if (TRANSIENT[ack.error]) {
      // Not stored (too many at once): the text stays for the person to send when the
      // message says so; out of the outbox, so it is not sent behind their back.
      if (inOutbox(clientId)) { dropFromOutbox(clientId); }
      lock(f, false);
      setStatus(f, "");
      setError(f, ack.message || T.failed, "text");
      return;
    }
    lock(f, false);
    setStatus(f, "");
    var errors = ack.errors || {};
    var field = errors.reflection_id ? "reflection_id" : "text";
    var detail = (errors.text || errors.reflection_id || errors.agenda_item_id || []).join(" ");
    setError(f, (ack.message || T.failed) + (detail && detail !== ack.message ? " " + detail : ""), field);
  }

  function setupForm(form) {
    var name = form.getAttribute("data-form");
    var f = {
      name: name,
      kind: form.getAttribute("data-kind"),
      form: form,
      text: form.querySelector("textarea"),
      target: form.querySelector("select[data-target]"),
      status: form.querySelector(".form-status"),
      pnr: form.querySelector(".pnr-warning"),
      button: form.querySelector("button[type=submit]"),
      required: form.getAttribute("data-required"),
      draft: load("draft-" + name) || {},
      locked: false,
      warned: null
    };
    forms[name] = f;
    if (!f.draft.clientId) { f.draft.clientId = uuid(); }
    if (f.draft.text) {
      f.text.value = f.draft.text;
      var details = form.closest("details");
      if (details) { details.open = true; }
    }
    if (f.target && f.draft.target) {
      var known = Array.prototype.some.call(f.target.options, function (o) { return o.value === f.draft.target; });
      if (known) { f.target.value = f.draft.target; }
    }
    if (f.draft.text && inOutbox(f.draft.clientId)) {
      lock(f, true);
      setStatus(f, T.sending);
    }
    var timer = null;
    f.text.addEventListener("input", function () {
      if (f.locked) { return; }
      setStatus(f, "");
      persist(f);
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { checkPnr(f); }, 300);
    });
    if (f.target) {
      f.target.addEventListener("change", function () {
        f.draft.target = f.target.value;
        if (f.text.value.trim()) { persist(f); }
      });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      send(f);
    });
    if (f.text.value) { checkPnr(f); }
  }

  // The item a form said "väntar på granskning" about is approved: the form says so instead.
  function approvedOwn(id) {
    Object.keys(forms).forEach(function (name) {
      var f = forms[name];
      if (f.pendingId === id) {
        f.pendingId = null;
        setStatus(f, T.own_approved_status, "ok");
      }
    });
  }

  function formForClientId(clientId) {
    var found = null;
    Object.keys(forms).forEach(function (name) { if (forms[name].draft.clientId === clientId) { found = forms[name]; } });
    return found;
  }

  // A draft whose id the server already has (seen in the snapshot's own items) is done.
  function reconcileDrafts() {
    var stored = {};
    Object.keys(state.mine).forEach(function (id) { stored[state.mine[id].client_id] = state.mine[id]; });
    Object.keys(forms).forEach(function (name) {
      var f = forms[name];
      var item = stored[f.draft.clientId];
      if (item && f.text.value) {
        if (inOutbox(f.draft.clientId)) { dropFromOutbox(f.draft.clientId); }
        settle(f, f.draft.clientId, { ok: true, item: item, created: false });
      }
    });
  }

  function renderIntake() {
    var open = !state.dialogue || state.dialogue.intake_open !== false;
    $("intake-closed").hidden = open || isClosed();
    Object.keys(forms).forEach(function (name) { updateButton(forms[name]); });
  }

  function renderClosed() {
    var closed = isClosed();
    $("phone-closed").hidden = !closed;
    $("stall-fraga").hidden = closed;
    $("phone-jump").hidden = closed;
  }

  // Agreed follow-up items (followups): a list that grows as the room agrees on them.
  function renderFollowups() {
    var box = $("phone-followups");
    if (!box) { return; }
    var list = $("followup-list");
    var items = Object.keys(state.followups || {}).map(function (id) { return state.followups[id]; });
    items.sort(function (a, b) { return a.id - b.id; });
    list.textContent = "";
    items.forEach(function (f) {
      var li = el("li");
      li.appendChild(el("strong", "", f.title));
      var parts = [f.owner];
      if (f.due_date) { parts.push(box.getAttribute("data-due") + " " + f.due_date); }
      parts.push(f.status_label);
      li.appendChild(el("span", "muted", " – " + parts.join(" · ")));
      list.appendChild(li);
    });
    box.hidden = items.length === 0;
  }

  function renderAll() {
    renderFollowups();
    if (state.me) { $("phone-me").textContent = state.me; }
    renderClosed();
    renderNow(false);
    renderPoll();
    renderQuestions(true);
    renderIntake();
  }

  // --- the socket ----------------------------------------------------------------------
  function onSnapshot(s) {
    var before = state.loaded ? (state.dialogue && state.dialogue.current_item_id) : undefined;
    state.dialogue = s.dialogue;
    state.agenda = s.agenda || [];
    state.reflections = {};
    (s.reflections || []).forEach(function (r) { state.reflections[r.id] = r; });
    state.items = {};
    (s.questions || []).forEach(function (q) { state.items[q.id] = q; });
    state.mine = {};
    (s.mine || []).forEach(function (m) { state.mine[m.id] = m; });
    state.myVotes = {};
    (s.my_votes || []).forEach(function (id) { state.myVotes[id] = true; });
    state.myStances = s.my_stances || {};
    state.poll = s.poll;
    if (s.poll) { state.closedPoll = null; }
    state.tallies = {};
    (s.tallies || []).forEach(function (t) { state.tallies[t.reflection_id] = t; });
    state.me = s.me ? s.me.name : "";
    state.followups = {};
    (s.followups || []).forEach(function (f) { state.followups[f.id] = f; });
    reconcileDrafts();
    renderAll();
    if (state.loaded && before !== s.dialogue.current_item_id) { announceItem(); }
    state.loaded = true;
  }

  function announceItem() {
    var found = currentItem();
    if (found) { announce(fmt(T.now_announce, { title: found.item.title })); }
  }

  function onChange(msg) {
    var d = msg.data || {};
    if (msg.type === "contribution") {
      var isNew = !state.items[d.id];
      state.items[d.id] = d;
      if (isNew) {
        if (state.mine[d.id]) {
          if (state.mine[d.id].status === "pending") { announce(T.own_approved); }
          state.mine[d.id].status = "approved";
          approvedOwn(d.id);
        } else {
          announce(fmt(d.kind === "question" ? T.new_question : T.new_item, { text: clip(d.text, 90) }));
        }
      }
      renderQuestions(isNew && !$("phone-questions").contains(document.activeElement));
    } else if (msg.type === "followup") {
      state.followups = state.followups || {};
      var fresh = !state.followups[d.id] && d.status !== "proposed";
      if (d.status === "proposed") { delete state.followups[d.id]; } else { state.followups[d.id] = d; }
      renderFollowups();
      if (fresh && $("phone-followups")) {
        announce(fmt($("phone-followups").getAttribute("data-new"), { title: d.title }));
      }
    } else if (msg.type === "removed") {
      delete state.items[d.id];
      renderQuestions(false);
    } else if (msg.type === "agenda") {
      var before = state.dialogue.current_item_id;
      state.dialogue.status = d.status;
      state.dialogue.current_item_id = d.current_item_id;
      state.dialogue.item_started_at = d.item_started_at;
      renderClosed();
      renderNow(false);
      renderIntake();
      if (before !== d.current_item_id) { announceItem(); }
    } else if (msg.type === "intake") {
      state.dialogue.intake_open = !!d.open;
      renderIntake();
      announce(d.open ? T.intake_open : T.intake_closed);
    } else if (msg.type === "poll") {
      state.poll = d.poll || null;
      state.closedPoll = d.poll ? null : (d.closed || null);
      renderPoll();
      if (d.poll && !isClosed()) { pollOpened(); }
      if (d.poll && state.reflections[d.poll.reflection_id]) {
        announce(fmt(T.poll_open, { title: state.reflections[d.poll.reflection_id].title }));
      } else if (d.closed) {
        announce(T.poll_closed);
      }
    }
  }

  function onTally(msg) {
    if (msg.votes) {
      Object.keys(msg.votes).forEach(function (id) {
        if (state.items[id]) { state.items[id].votes = msg.votes[id]; }
      });
      renderQuestions(false);
    }
    if (msg.stances) {
      state.tallies[msg.stances.reflection_id] = msg.stances;
      renderPoll();
    }
  }

  function onOwn(msg) {
    if (msg.type !== "contribution") { return; }
    var d = msg.data;
    var before = state.mine[d.id];
    state.mine[d.id] = d;
    if (before && before.status === "pending" && d.status === "approved" && !state.items[d.id]) {
      announce(T.own_approved);
    }
    if (d.status === "approved" && !d.flagged) { approvedOwn(d.id); }
    renderQuestions(false);
  }

  function onStatus(conn, outboxLength) {
    var was = state.conn;
    state.conn = conn;
    state.outbox = outboxLength;
    renderStatus();
    if (was !== conn) {
      if (conn === "disconnected" && was === "connected") { announce(T.reconnecting); }
      if (conn === "connected" && was === "disconnected") { announce(T.back_online); }
      if (conn === "ended") { announce(T.ended); }
      Object.keys(forms).forEach(function (name) {
        var f = forms[name];
        if (f.locked) { setStatus(f, conn === "connected" ? T.sending : T.waiting); }
      });
    }
  }

  function onResent(payload, ack) {
    settle(formForClientId(payload.client_id), payload.client_id, ack);
  }

  var live = new window.AterforingLive.Live({
    dialogue: DIALOGUE,
    onSnapshot: onSnapshot,
    onChange: onChange,
    onTally: onTally,
    onOwn: onOwn,
    onStatus: onStatus,
    onPending: function (outbox) { state.outbox = outbox.length; renderStatus(); },
    onResent: onResent
  });
  state.outbox = live.outbox.length;

  Array.prototype.forEach.call(root.querySelectorAll("form[data-form]"), setupForm);
  $("phone-questions").addEventListener("click", onVoteClick);
  // "Ställ en fråga" goes straight into the question field: one tap, and the keyboard is up.
  $("phone-jump").addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a");
    if (!link) { return; }
    event.preventDefault();
    var field = $("question-text");
    field.focus();
    if (field.scrollIntoView) { field.scrollIntoView({ block: "center" }); }
  });
  $("poll-choices").addEventListener("change", onStanceChosen);
  Array.prototype.forEach.call(document.querySelectorAll("[data-sort]"), function (b) {
    b.addEventListener("click", function () { setSort(b.getAttribute("data-sort")); });
  });
  setSort(state.sort);
  renderStatus();
})();
