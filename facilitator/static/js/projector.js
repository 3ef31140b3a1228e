// Återföring: the room's big screen. No login: the token in the URL opens the meeting.
// It draws from the snapshot and keeps up with `change` and `tally` messages, changing text
// nodes in place (never rebuilding the page), so the screen stays calm.
(function () {
  "use strict";
  var root = document.getElementById("projector");
  if (!root || !window.AterforingLive || !window.io) { return; }
  var L = JSON.parse(document.getElementById("live-labels").textContent);
  var T = L.text;
  var TOP = 4;

  var state = {
    dialogue: null, agenda: [], reflections: {}, questions: {}, poll: null, shown: null,
    tallies: {}
  };

  function $(id) { return document.getElementById(id); }
  function fmt(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (m, key) {
      return values[key] !== undefined ? values[key] : m;
    });
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }
  function setText(node, text) { if (node.textContent !== text) { node.textContent = text; } }
  function show(node, visible) { if (node.hidden === visible) { node.hidden = !visible; } }

  function currentItem() {
    var d = state.dialogue;
    if (!d || d.status !== "live") { return null; }
    for (var i = 0; i < state.agenda.length; i++) {
      if (state.agenda[i].id === d.current_item_id) { return state.agenda[i]; }
    }
    return null;
  }

  // --- the current item and its reflections -------------------------------------------------

  var reflectionNodes = {};

  function reflectionNode(r) {
    var part = reflectionNodes[r.id];
    if (!part) {
      part = {
        node: el("article", "pj-reflection"),
        kind: el("p", "pj-kind"),
        heading: el("h2", "pj-reflection-title"),
        evidence: el("p", "pj-evidence"),
        legal: el("p", "pj-legal"),
        polling: el("p", "pj-polling", T.polling)
      };
      ["kind", "heading", "evidence", "legal", "polling"].forEach(function (k) { part.node.appendChild(part[k]); });
      reflectionNodes[r.id] = part;
    }
    var active = !!(state.poll && state.poll.reflection_id === r.id);
    var className = "pj-reflection pj-kind-" + r.kind + (active ? " pj-active" : "");
    if (part.node.className !== className) { part.node.className = className; }
    setText(part.kind, L.reflection_kinds[r.kind] || r.kind);
    setText(part.heading, r.title);
    setText(part.evidence, r.evidence ? T.evidence + " " + r.evidence : "");
    show(part.evidence, !!r.evidence);
    setText(part.legal, r.legal_basis ? T.legal_basis + " " + r.legal_basis : "");
    show(part.legal, !!r.legal_basis);
    show(part.polling, active);
    return part.node;
  }

  function renderNow() {
    var d = state.dialogue;
    var item = currentItem();
    var title;
    if (item) {
      title = item.title;
    } else if (d && (d.status === "closed" || d.status === "archived")) {
      title = T.closed;
    } else {
      title = T.not_started;
    }
    setText($("pj-item"), title);
    var desc = $("pj-item-desc");
    setText(desc, item && item.description ? item.description : "");
    show(desc, !!(item && item.description));
    var position = item ? fmt(T.position, { n: state.agenda.indexOf(item) + 1, total: state.agenda.length }) : "";
    setText($("pj-position"), position ? "· " + position : "");

    var ids = item ? item.reflections.slice() : [];
    if (state.poll && ids.indexOf(state.poll.reflection_id) < 0) { ids.push(state.poll.reflection_id); }
    var box = $("pj-reflections");
    var wanted = ids.map(function (id) { return state.reflections[id]; }).filter(Boolean).map(reflectionNode);
    wanted.forEach(function (node, index) {
      if (box.children[index] !== node) { box.insertBefore(node, box.children[index] || null); }
    });
    while (box.children.length > wanted.length) { box.removeChild(box.lastChild); }
    renderPoll();
  }

  // --- the stance poll ---------------------------------------------------------------------

  var tables = null;

  function visibleTally() {
    var id = state.shown;
    if (!id) { return null; }
    return state.tallies[id] || null;
  }

  function renderPoll() {
    var section = $("pj-poll");
    var id = state.shown;
    var item = currentItem();
    // A closed poll stays on screen while its reflection belongs to the current item.
    if (id && !state.poll && !(item && item.reflections.indexOf(id) >= 0)) { id = null; }
    var r = id ? state.reflections[id] : null;
    if (!r) { show(section, false); return; }
    var tally = visibleTally();
    var open = !!(state.poll && state.poll.reflection_id === id);
    setText($("pj-poll-h"), fmt(T.poll_heading, { title: r.title }));
    var n = tally ? tally.n : 0;
    var text;
    if (open && !state.poll.results_live) {
      text = T.poll_open_hidden;
    } else if (open) {
      text = fmt(n === 1 ? T.poll_open_one : T.poll_open, { n: n });
    } else {
      text = fmt(n === 1 ? T.poll_closed_one : T.poll_closed, { n: n });
    }
    setText($("pj-poll-state"), text);
    var visible = !!tally && !(open && !state.poll.results_live);
    show($("pj-results"), visible);
    if (visible) {
      if (!tables) {
        tables = window.AterforingStanceTable.byRoleAndBoard($("pj-by-role"), $("pj-by-board"), T, L);
      }
      tables.role.update(tally.by_role, tally.total);
      var boards = state.dialogue && state.dialogue.show_board_results;
      show($("pj-by-board"), !!boards);
      if (boards) { tables.board.update(tally.by_board, tally.total); }
    }
    show(section, true);
  }

  // --- questions ---------------------------------------------------------------------------

  var questionNodes = {};

  function questionNode(q) {
    var part = questionNodes[q.id];
    if (!part) {
      part = {
        li: el("li", "pj-q"), votes: el("span", "pj-votes"), count: el("span", "pj-count"),
        unit: el("span", "pj-unit"), body: el("div", "pj-qbody"), text: el("p", "pj-qtext"),
        meta: el("p", "pj-qmeta")
      };
      part.votes.appendChild(part.count);
      part.votes.appendChild(document.createTextNode(" "));
      part.votes.appendChild(part.unit);
      part.body.appendChild(part.text);
      part.body.appendChild(part.meta);
      part.li.appendChild(part.votes);
      part.li.appendChild(part.body);
      questionNodes[q.id] = part;
    }
    setText(part.count, String(q.votes || 0));
    setText(part.unit, q.votes === 1 ? T.votes_one : T.votes_many);
    setText(part.text, q.text);
    setText(part.meta, [q.by, q.answered ? T.answered : ""].filter(Boolean).join(" · "));
    part.li.classList.toggle("pj-answered", !!q.answered);
    return part.li;
  }

  function renderQuestions() {
    var all = Object.keys(state.questions).map(function (k) { return state.questions[k]; });
    var pinned = all.filter(function (q) { return q.pinned; })[0] || null;
    var box = $("pj-pinned");
    if (pinned) {
      setText($("pj-pinned-text"), pinned.text);
      setText($("pj-pinned-votes"), (pinned.votes || 0) + " " + (pinned.votes === 1 ? T.votes_one : T.votes_many));
      setText($("pj-pinned-by"), pinned.by ? "· " + pinned.by : "");
    }
    show(box, !!pinned);
    var top = all.filter(function (q) { return q.kind === "question" && !q.pinned; })
      .sort(function (a, b) { return (a.answered - b.answered) || (b.votes - a.votes) || (a.id - b.id); })
      .slice(0, TOP);
    var list = $("pj-questions");
    top.forEach(function (q, index) {
      var li = questionNode(q);
      if (list.children[index] !== li) { list.insertBefore(li, list.children[index] || null); }
    });
    while (list.children.length > top.length) { list.removeChild(list.lastChild); }
    show($("pj-questions-empty"), !pinned && !top.length);
  }

  // --- the server's messages ---------------------------------------------------------------

  function applySnapshot(s) {
    state.dialogue = s.dialogue;
    state.agenda = s.agenda || [];
    state.reflections = {};
    (s.reflections || []).forEach(function (r) { state.reflections[r.id] = r; });
    state.questions = {};
    (s.questions || []).forEach(function (q) { state.questions[q.id] = q; });
    state.poll = s.poll;
    state.tallies = {};
    (s.tallies || []).forEach(function (t) { state.tallies[t.reflection_id] = t; });
    if (s.poll) {
      state.shown = s.poll.reflection_id;
    } else if (!state.shown) {
      var item = currentItem();
      var done = item ? item.reflections.filter(function (id) { return state.tallies[id]; }) : [];
      state.shown = done.length ? done[done.length - 1] : null;
    }
    renderNow();
    renderQuestions();
  }

  function applyChange(msg) {
    var data = msg.data;
    if (msg.type === "contribution") {
      if (data.pinned) {
        Object.keys(state.questions).forEach(function (k) { state.questions[k].pinned = false; });
      }
      state.questions[data.id] = data;
      renderQuestions();
    } else if (msg.type === "removed") {
      delete state.questions[data.id];
      delete questionNodes[data.id];
      renderQuestions();
    } else if (msg.type === "agenda") {
      state.dialogue.status = data.status;
      state.dialogue.current_item_id = data.current_item_id;
      renderNow();
    } else if (msg.type === "intake") {
      state.dialogue.intake_open = data.open;
    } else if (msg.type === "poll") {
      state.poll = data.poll;
      state.shown = data.poll ? data.poll.reflection_id : (data.closed || state.shown);
      renderNow();
    }
  }

  function applyTally(msg) {
    if (msg.votes) {
      Object.keys(msg.votes).forEach(function (id) {
        if (state.questions[id]) { state.questions[id].votes = msg.votes[id]; }
      });
      renderQuestions();
    }
    if (msg.stances) {
      state.tallies[msg.stances.reflection_id] = msg.stances;
      if (msg.stances.reflection_id === state.shown) { renderPoll(); }
    }
  }

  // A rotated link: the server refuses the socket; the page itself then says why.
  var checking = false;
  function checkLink() {
    if (checking) { return; }
    checking = true;
    window.fetch(window.location.href, { method: "GET", cache: "no-store" }).then(function (response) {
      checking = false;
      if (response.status === 404) { window.location.reload(); }
    }, function () { checking = false; });
  }

  var live = new window.AterforingLive.Live({
    as: "projector",
    token: root.getAttribute("data-token"),
    dialogue: Number(root.getAttribute("data-dialogue")),
    onSnapshot: applySnapshot,
    onChange: applyChange,
    onTally: applyTally,
    onStatus: function (status) {
      var node = $("pj-connection");
      setText(node, T[status] || "");
      node.className = "pj-connection pj-" + status;
      if (status === "disconnected") { checkLink(); }
    }
  });
})();
