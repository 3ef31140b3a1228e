// Återföring: the room's big screen. No login: the token in the URL opens the meeting.
// It draws from the snapshot and keeps up with `change` and `tally` messages, changing text
// nodes in place (never rebuilding the page), so the screen stays calm.
//
// One screen, never scrolled: the screen's state (waiting, item, questions, focus, poll,
// closed) is a class on #projector that places the parts (projector.css); then fit() takes
// detail away until every part fits its place — never by making text smaller than 1/36 of
// the screen's height.
(function () {
  "use strict";
  var root = document.getElementById("projector");
  if (!root || !window.AterforingLive || !window.io) { return; }
  var L = JSON.parse(document.getElementById("live-labels").textContent);
  var T = L.text;
  var Groups = window.AterforingStanceTable;
  var PAGE_SECONDS = 10;

  var state = {
    dialogue: null, agenda: [], reflections: {}, questions: {}, poll: null, shown: null,
    tallies: {}, followups: {}, lastFocus: null
  };
  var screen = "waiting";

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
  function vh(n) { return n * window.innerHeight / 100; }

  function currentItem() {
    var d = state.dialogue;
    if (!d || d.status !== "live") { return null; }
    for (var i = 0; i < state.agenda.length; i++) {
      if (state.agenda[i].id === d.current_item_id) { return state.agenda[i]; }
    }
    return null;
  }
  function isClosed() {
    var d = state.dialogue;
    return !!d && (d.status === "closed" || d.status === "archived");
  }
  function pinnedQuestion() {
    var ids = Object.keys(state.questions);
    for (var i = 0; i < ids.length; i++) {
      if (state.questions[ids[i]].pinned) { return state.questions[ids[i]]; }
    }
    return null;
  }
  // The reflection whose poll the screen shows: the open poll's, or the last closed one while
  // its reflection belongs to the current item.
  function shownPoll() {
    if (splitShown()) { return state.split.reflection_id; }
    var id = state.shown;
    var item = currentItem();
    if (id && !state.poll && !(item && item.reflections.indexOf(id) >= 0)) { id = null; }
    return id && state.reflections[id] ? id : null;
  }

  // A reflection's split between groups, shown on the facilitator's request ("att prata om"):
  // it takes the poll's place on the screen until a poll opens or a question is pinned.
  function splitShown() {
    return state.split && state.lastFocus === "split" && !state.poll &&
      state.reflections[state.split.reflection_id] ? state.split : null;
  }

  // The split's groups as a tally of one axis, drawn like a poll's results.
  function splitTally(sp) {
    var tally = { reflection_id: sp.reflection_id, n: sp.n, total: {}, by_role: {}, by_board: {} };
    sp.groups.forEach(function (g) {
      tally[sp.axis === "board" ? "by_board" : "by_role"][g.key] = g.counts;
      Object.keys(g.counts).forEach(function (v) { tally.total[v] = (tally.total[v] || 0) + g.counts[v]; });
    });
    return tally;
  }

  function screenState() {
    var d = state.dialogue;
    if (isClosed()) { return "closed"; }
    if (!d || d.status !== "live") { return "waiting"; }
    // What the facilitator did last takes the screen: opening or closing a poll, or pinning a
    // question. After a reload: an open poll, then a pinned question, then closed results.
    var poll = shownPoll();
    var pinned = pinnedQuestion();
    if (poll && pinned) { return state.lastFocus === "question" ? "focus" : "poll"; }
    if (pinned) { return "focus"; }
    if (poll) { return "poll"; }
    var item = currentItem();
    if (item && item.reflections.length) { return "item"; }
    return "questions";
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
    var item = currentItem();
    var title, desc = "";
    if (isClosed()) {
      title = T.closed;
      desc = T.closed_lead;
    } else if (item) {
      title = item.title;
      desc = item.description || "";
    } else {
      title = T.not_started;
      desc = T.waiting_lead;
    }
    setText($("pj-item"), title);
    setText($("pj-item-desc"), desc);
    show($("pj-item-desc"), !!desc);
    var position = item ? fmt(T.position, { n: state.agenda.indexOf(item) + 1, total: state.agenda.length }) : "";
    setText($("pj-position"), position);

    var ids = item ? item.reflections.slice() : [];
    var box = $("pj-reflections");
    var wanted = ids.map(function (id) { return state.reflections[id]; }).filter(Boolean).map(reflectionNode);
    wanted.forEach(function (node, index) {
      if (box.children[index] !== node) { box.insertBefore(node, box.children[index] || null); }
    });
    while (box.children.length > wanted.length) { box.removeChild(box.lastChild); }
    box.classList.toggle("pj-many", wanted.length > 2);
  }

  // --- the question in focus ----------------------------------------------------------------

  function renderFocus() {
    var q = pinnedQuestion();
    show($("pj-focus"), !!q);
    if (!q) { return; }
    setText($("pj-focus-text"), q.text);
    setText($("pj-focus-votes"), (q.votes || 0) + " " + (q.votes === 1 ? T.votes_one : T.votes_many));
    setText($("pj-focus-by"), q.by ? "· " + q.by : "");
  }

  // --- the stance poll ---------------------------------------------------------------------

  var bars = null;
  var pages = { list: [], at: 0, timer: null, key: "" };

  function viewOf() {
    var view = (state.dialogue && state.dialogue.results_view) || "role";
    if (view === "board" && !(state.dialogue && state.dialogue.show_board_results)) { view = "role"; }
    return view;
  }

  // The rows of the chosen view: "Alla" first, then the groups in the contract's order.
  function barRows(tally, view) {
    var rows = [{ key: "_all", label: T.all, counts: tally.total || {}, all: true }];
    if (view === "total") { return { rows: rows, withheld: false }; }
    var groups = (view === "board" ? tally.by_board : tally.by_role) || {};
    var keys = view === "board" ? Groups.orderBoards(Object.keys(groups)) : Groups.orderRoles(Object.keys(groups));
    keys.forEach(function (k) {
      rows.push({ key: view + ":" + k, label: Groups.groupLabel(view, k, L), counts: groups[k] });
    });
    var withheld = !!(tally.withheld && tally.withheld[view === "board" ? "by_board" : "by_role"]);
    // No group to show while answers are in: the groups are too small to show on their own.
    if (!keys.length && (tally.n || 0) > 0) { withheld = true; }
    return { rows: rows, withheld: withheld };
  }

  function renderLegend(tally, view) {
    var list = $("pj-legend");
    if (!list.children.length) {
      window.AterforingStanceBars.ORDER.forEach(function (v) {
        var li = el("li");
        var swatch = el("span", "pj-swatch seg-" + v);
        swatch.setAttribute("aria-hidden", "true");
        li.appendChild(swatch);
        li.appendChild(el("span", "pj-legend-text"));
        li.setAttribute("data-value", v);
        list.appendChild(li);
      });
    }
    Array.prototype.forEach.call(list.children, function (li) {
      var v = li.getAttribute("data-value");
      var text = L.stances[v];
      // In total the legend carries the counts too: one bar, and every number beside it.
      if (view === "total" && tally) { text += ": " + ((tally.total || {})[v] || 0); }
      setText(li.lastChild, text);
    });
  }

  function renderPoll() {
    var id = shownPoll();
    var section = $("pj-poll");
    show(section, !!id);
    if (!id) { stopPages(); return; }
    var r = state.reflections[id];
    var sp = splitShown();
    var tally = sp ? splitTally(sp) : (state.tallies[id] || null);
    var open = !!(state.poll && state.poll.reflection_id === id);
    var hidden = open && !state.poll.results_live;
    setText($("pj-poll-title"), r.title);
    var n = tally ? tally.n : 0;
    var text;
    if (sp) {
      text = sp.most ? fmt(T.split_text, { most: sp.most.label, a: Math.round(sp.most.share * 100),
                                           least: sp.least.phrase, b: Math.round(sp.least.share * 100) })
        : T.split_too_few;
    } else if (hidden) {
      text = T.poll_open_hidden;
    } else if (open) {
      text = fmt(n === 1 ? T.poll_open_one : T.poll_open, { n: n });
    } else {
      text = fmt(n === 1 ? T.poll_closed_one : T.poll_closed, { n: n });
    }
    setText($("pj-poll-state"), text);
    var visible = !!tally && !hidden;
    show($("pj-results"), visible);
    show($("pj-legend"), visible);
    if (!bars) { bars = new window.AterforingStanceBars.StanceBars($("pj-results"), L, T); }
    if (!visible) {
      bars.clear();
      show($("pj-withheld"), false);
      show($("pj-page"), false);
      stopPages();
      return;
    }
    var view = sp ? sp.axis : viewOf();
    renderLegend(tally, view);
    var built = barRows(tally, view);
    show($("pj-withheld"), built.withheld);
    layoutBars(built.rows, view);
  }

  // Bars per column and their height are worked out from the room left for them: one column
  // while it holds every group at a bar of at least 1/30 of the screen, then two columns, then
  // turns of PAGE_SECONDS ("Alla" on every page).
  var SIZES = [["xl", 8.5, 1.6], ["l", 6.4, 1.3], ["m", 5, 1], ["ms", 4.4, 0.9], ["s", 3.9, 0.8]];
  var LINE = 4.2;  // one line of row text, in vh: a row is never lower than its label

  function heightOf(rowsInColumn, size) {
    var pitch = Math.max(size[1], LINE) + size[2];
    return vh(rowsInColumn * pitch + size[2] + 0.5);  // "Alla" has a rule under it
  }

  function chooseLayout(count, avail) {
    for (var cols = 1; cols <= 2; cols++) {
      var perColumn = Math.ceil(count / cols);
      for (var i = 0; i < SIZES.length; i++) {
        if (cols === 2 && i === 0) { continue; }
        if (heightOf(perColumn, SIZES[i]) <= avail) { return { cols: cols, size: SIZES[i][0], perPage: count }; }
      }
    }
    var s = SIZES[SIZES.length - 1];
    var fit = Math.max(2, Math.floor((avail / vh(1) - s[2] - 0.5) / (Math.max(s[1], LINE) + s[2])));
    return { cols: 2, size: s[0], perPage: fit * 2 };
  }

  function layoutBars(rows, view) {
    var results = $("pj-results");
    var cls = "pj-results";
    var layout;
    if (view === "total") {
      layout = { cols: 1, size: "total", perPage: rows.length };
    } else {
      layout = chooseLayout(rows.length, results.clientHeight || vh(50));
      if (layout.cols === 2) { root.classList.add("pj-wide"); }
    }
    results.className = cls + " pj-rows-" + layout.size + (layout.cols === 2 ? " pj-cols-2" : "");
    var shown = rows;
    if (layout.perPage < rows.length) {
      var groups = rows.slice(1), size = layout.perPage - 1;
      var list = [];
      for (var i = 0; i < groups.length; i += size) { list.push(groups.slice(i, i + size)); }
      var key = view + list.length + ":" + size;
      if (pages.key !== key) { pages.key = key; pages.at = 0; }
      pages.list = list;
      pages.at = pages.at % list.length;
      shown = [rows[0]].concat(list[pages.at]);
      var from = pages.at * size + 1;
      setText($("pj-page"), fmt(T.page, { from: from, to: from + list[pages.at].length - 1, total: groups.length }));
      show($("pj-page"), true);
      startPages();
    } else {
      show($("pj-page"), false);
      stopPages();
    }
    bars.render(shown, layout.cols);
  }

  function startPages() {
    if (pages.timer) { return; }
    pages.timer = setInterval(function () {
      pages.at = (pages.at + 1) % Math.max(1, pages.list.length);
      renderPoll();
    }, PAGE_SECONDS * 1000);
  }
  function stopPages() {
    if (pages.timer) { clearInterval(pages.timer); pages.timer = null; }
    pages.key = "";
  }

  // --- questions ---------------------------------------------------------------------------

  var questionNodes = {};
  var questionLimit = 6;

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

  function topQuestions() {
    var all = Object.keys(state.questions).map(function (k) { return state.questions[k]; });
    return all.filter(function (q) { return q.kind === "question" && !q.pinned; })
      .sort(function (a, b) { return (a.answered - b.answered) || (b.votes - a.votes) || (a.id - b.id); });
  }

  function renderQuestions() {
    var top = topQuestions();
    var list = $("pj-qlist");
    var shown = top.slice(0, questionLimit);
    shown.forEach(function (q, index) {
      var li = questionNode(q);
      if (list.children[index] !== li) { list.insertBefore(li, list.children[index] || null); }
    });
    while (list.children.length > shown.length) { list.removeChild(list.lastChild); }
    show($("pj-questions-empty"), !top.length);
  }

  // --- the meeting closed: what was agreed ----------------------------------------------------

  var agreedLimit = 99;

  function renderAgreed() {
    var items = Object.keys(state.followups).map(function (k) { return state.followups[k]; })
      .filter(function (f) { return f.status !== "proposed"; })
      .sort(function (a, b) { return a.id - b.id; });
    var list = $("pj-agreed-list");
    list.textContent = "";
    items.slice(0, agreedLimit).forEach(function (f) {
      var li = el("li");
      li.appendChild(el("p", "pj-agreed-title", f.title));
      var meta = [f.owner, f.responsible_role, f.due_date ? fmt(T.agreed_due, { date: f.due_date }) : ""];
      li.appendChild(el("p", "pj-agreed-meta", meta.filter(Boolean).join(" · ")));
      list.appendChild(li);
    });
    var more = items.length - Math.min(items.length, agreedLimit);
    setText($("pj-agreed-more"), more > 0 ? fmt(T.more_agreed, { n: more }) : "");
    show($("pj-agreed-more"), more > 0);
    show($("pj-agreed-empty"), !items.length);
    show($("pj-agreed"), isClosed());
  }

  // --- one screen: place the parts, then fit them -------------------------------------------

  var FIT_CLASSES = ["pj-wide", "pj-lean-1", "pj-lean-2", "pj-lean-3", "pj-lean-4",
                     "pj-fs-1", "pj-fs-2", "pj-fs-3", "pj-fs-4", "pj-fs-5"];

  // Does this part (a selector) hold more than its place shows, or does the page scroll?
  function overflowing(selector) {
    if (document.documentElement.scrollHeight > window.innerHeight) { return true; }
    var p = root.querySelector(selector);
    return !!p && p.offsetParent !== null && p.scrollHeight > p.clientHeight + 1;
  }

  // Each state's ways to take detail away, in the order they are tried: [part, step]; a step
  // answers false when it has nothing more to take.
  function shrinkSteps(name) {
    var steps = [];
    function cls(c, drop) {
      return function () { if (drop) { root.classList.remove(drop); } root.classList.add(c); };
    }
    function fewerQuestions(min) {
      return function () {
        if (questionLimit <= min) { return false; }
        questionLimit -= 1;
        renderQuestions();
        return true;
      };
    }
    var i;
    if (name === "item") {
      steps = [[".pj-main", cls("pj-lean-1")], [".pj-main", cls("pj-lean-2", "pj-lean-1")],
               [".pj-main", cls("pj-lean-3", "pj-lean-2")], [".pj-main", cls("pj-lean-4", "pj-lean-3")]];
    } else if (name === "focus") {
      steps = [[".pj-main", cls("pj-fs-1")], [".pj-main", cls("pj-fs-2", "pj-fs-1")],
               [".pj-main", cls("pj-fs-3", "pj-fs-2")], [".pj-main", cls("pj-fs-4", "pj-fs-3")],
               [".pj-main", cls("pj-wide")]];
    } else if (name === "closed") {
      steps.push([".pj-main", function () { $("pj-agreed-list").classList.add("pj-cols-2"); }]);
      for (i = 0; i < 60; i++) {
        steps.push([".pj-main", function () {
          if (agreedLimit <= 1) { return false; }
          agreedLimit = Math.min(agreedLimit, $("pj-agreed-list").children.length) - 1;
          renderAgreed();
          return true;
        }]);
      }
    }
    if (name === "item" || name === "focus" || name === "questions") {
      for (i = 0; i < 6; i++) { steps.push([".pj-questions", fewerQuestions(name === "questions" ? 1 : 0)]); }
    }
    return steps;
  }

  function render() {
    var name = screenState();
    screen = name;
    var cls = "projector pj-s-" + name;
    FIT_CLASSES.forEach(function (c) { root.classList.remove(c); });
    if (root.className !== cls) { root.className = cls; }
    questionLimit = name === "questions" ? 6 : 4;
    agreedLimit = 99;
    $("pj-agreed-list").classList.remove("pj-cols-2");
    renderNow();
    renderFocus();
    renderQuestions();
    renderAgreed();
    renderPoll();
    shrinkSteps(name).forEach(function (step) {
      if (overflowing(step[0])) { step[1](); }
    });
    root.setAttribute("data-screen", name);
    root.setAttribute("data-fitted", String(Number(root.getAttribute("data-fitted") || 0) + 1));
  }

  // Counts alone (votes, stances) change text in place; a new layout only when it must.
  function renderCounts() {
    if (screen === "poll") {
      var before = $("pj-results").className;
      renderPoll();
      if ($("pj-results").className !== before) { render(); }
    } else {
      render();
    }
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(render, 100);
  });

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
    state.followups = {};
    (s.followups || []).forEach(function (f) { state.followups[f.id] = f; });
    state.split = s.split || null;
    state.lastFocus = s.poll ? "poll" : (s.split ? "split" : "question");
    if (s.poll) {
      state.shown = s.poll.reflection_id;
    } else if (!state.shown) {
      var item = currentItem();
      var done = item ? item.reflections.filter(function (id) { return state.tallies[id]; }) : [];
      state.shown = done.length ? done[done.length - 1] : null;
    }
    render();
  }

  function applyChange(msg) {
    var data = msg.data;
    if (msg.type === "contribution") {
      if (data.pinned) {
        if (!(state.questions[data.id] && state.questions[data.id].pinned)) { state.lastFocus = "question"; }
        Object.keys(state.questions).forEach(function (k) { state.questions[k].pinned = false; });
      }
      state.questions[data.id] = data;
    } else if (msg.type === "removed") {
      delete state.questions[data.id];
      delete questionNodes[data.id];
    } else if (msg.type === "agenda") {
      state.dialogue.status = data.status;
      state.dialogue.current_item_id = data.current_item_id;
    } else if (msg.type === "intake") {
      state.dialogue.intake_open = data.open;
      return;
    } else if (msg.type === "poll") {
      state.poll = data.poll;
      state.shown = data.poll ? data.poll.reflection_id : (data.closed || state.shown);
      state.lastFocus = "poll";
    } else if (msg.type === "results_view") {
      state.dialogue.results_view = data.view;
    } else if (msg.type === "split") {
      state.split = data.split;
      if (data.split) { state.lastFocus = "split"; } else if (state.lastFocus === "split") { state.lastFocus = "poll"; }
    } else if (msg.type === "followup") {
      if (data.status === "proposed") { delete state.followups[data.id]; } else { state.followups[data.id] = data; }
    } else {
      return;
    }
    render();
  }

  function applyTally(msg) {
    if (msg.votes) {
      Object.keys(msg.votes).forEach(function (id) {
        if (state.questions[id]) { state.questions[id].votes = msg.votes[id]; }
      });
      if (screen !== "poll") { render(); }
    }
    if (msg.stances) {
      state.tallies[msg.stances.reflection_id] = msg.stances;
      if (msg.stances.reflection_id === shownPoll()) { renderCounts(); }
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

  render();
  new window.AterforingLive.Live({
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
