// Återföring: the facilitator's console for the live meeting. It draws itself from the
// snapshot and keeps up with `change`, `queue` and `tally` messages (see docs/realtime.md).
// Every action is a socket event; the server answers, then broadcasts to every screen.
(function () {
  "use strict";
  var root = document.getElementById("console");
  if (!root || !window.AterforingLive || !window.io) { return; }
  var L = JSON.parse(document.getElementById("live-labels").textContent);
  var T = L.text;
  var dialogueId = Number(root.getAttribute("data-dialogue"));

  var state = {
    dialogue: null, agenda: [], reflections: {}, reflectionOrder: [], queue: {}, poll: null,
    lastPoll: null, tallies: {}, usedBase: {}, usedAt: Date.now(),
    presence: null, editing: {}, merging: {}, menus: {}
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
  function setText(node, text) { if (node && node.textContent !== text) { node.textContent = text; } }
  function show(node, visible) { if (node) { node.hidden = !visible; } }

  // --- messages -------------------------------------------------------------------------

  var messageTimer = null;
  function message(text) {
    var box = $("c-message");
    box.textContent = text;
    box.hidden = false;
    clearTimeout(messageTimer);
    messageTimer = setTimeout(function () { box.hidden = true; box.textContent = ""; }, 10000);
  }
  function clearMessage() { $("c-message").hidden = true; }
  function failed(ack) {
    if (ack.ok) { clearMessage(); return false; }
    message(ack.message || (ack.error === "offline" || ack.error === "timeout" ? T.offline : T.error));
    return true;
  }

  // --- agenda and timer -------------------------------------------------------------------

  function itemById(id) {
    for (var i = 0; i < state.agenda.length; i++) { if (state.agenda[i].id === id) { return state.agenda[i]; } }
    return null;
  }
  function usedSeconds(item) {
    var base = state.usedBase[String(item.id)] || 0;
    if (state.dialogue && state.dialogue.status === "live" && state.dialogue.current_item_id === item.id) {
      base += Math.max(0, Math.floor((Date.now() - state.usedAt) / 1000));
    }
    return base;
  }
  function clock(seconds) {
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function buildAgenda() {
    var list = $("c-agenda");
    list.textContent = "";
    if (!state.agenda.length) {
      list.appendChild(el("li", "muted", T.no_agenda));
      return;
    }
    state.agenda.forEach(function (item, index) {
      var li = el("li", "agenda-row");
      li.setAttribute("data-id", item.id);
      var main = el("div", "agenda-row-main");
      var title = el("span", "agenda-row-title", (index + 1) + ". " + item.title);
      title.id = "agenda-title-" + item.id;
      var time = el("span", "agenda-row-time muted");
      main.appendChild(title);
      main.appendChild(time);
      var now = el("span", "badge status-live agenda-now", T.now);
      var go = el("button", "button small", T.goto);
      go.type = "button";
      go.setAttribute("data-goto", item.id);
      go.setAttribute("aria-describedby", title.id);
      li.appendChild(main);
      li.appendChild(now);
      li.appendChild(go);
      list.appendChild(li);
    });
  }

  function renderAgenda() {
    var d = state.dialogue;
    if (!d) { return; }
    var isLive = d.status === "live";
    var notStarted = d.status === "published" || d.status === "draft";
    setText($("c-status-text"), L.statuses[d.status] || d.status);
    $("c-status").className = "badge status-" + d.status;
    show($("c-start"), d.status === "published");
    show($("c-closed"), d.status === "closed" || d.status === "archived");
    var current = itemById(d.current_item_id);
    show($("c-current"), isLive);
    setText($("c-current-title"), current ? current.title : T.no_current);
    var index = current ? state.agenda.indexOf(current) : -1;
    $("c-prev").setAttribute("aria-disabled", String(!isLive || index <= 0));
    $("c-next").setAttribute("aria-disabled", String(!isLive || index + 1 >= state.agenda.length));
    Array.prototype.forEach.call($("c-agenda").children, function (li) {
      var id = Number(li.getAttribute("data-id"));
      var item = itemById(id);
      if (!item) { return; }
      var isCurrent = isLive && id === d.current_item_id;
      if (isCurrent) { li.setAttribute("aria-current", "step"); } else { li.removeAttribute("aria-current"); }
      li.classList.toggle("current", isCurrent);
      li.querySelector(".agenda-now").hidden = !isCurrent;
      var go = li.querySelector("[data-goto]");
      go.hidden = isCurrent || notStarted || !isLive;
    });
    renderPollChoices();
    $("c-poll-open").setAttribute("aria-disabled", String(!isLive));
    tick();
  }

  function tick() {
    var d = state.dialogue;
    if (!d) { return; }
    Array.prototype.forEach.call($("c-agenda").children, function (li) {
      var item = itemById(Number(li.getAttribute("data-id")));
      if (!item) { return; }
      setText(li.querySelector(".agenda-row-time"), fmt(T.agenda_row_time, {
        planned: item.planned, used: Math.round(usedSeconds(item) / 60)
      }));
    });
    var current = itemById(d.current_item_id);
    if (!current || d.status !== "live") { return; }
    var used = usedSeconds(current);
    setText($("c-timer"), fmt(T.planned_used, { planned: current.planned, used: clock(used) }));
    var over = used - current.planned * 60;
    var cue = $("c-over");
    if (over > 0) {
      setText(cue, fmt(T.minutes_over, { n: Math.ceil(over / 60) }));
      cue.className = "over-cue over";
    } else {
      setText(cue, fmt(T.minutes_left, { n: Math.ceil(-over / 60) }));
      cue.className = "over-cue";
    }
    cue.hidden = false;
  }

  function moveAgenda(payload, focusTitle) {
    live.emit("agenda", payload).then(function (ack) {
      if (failed(ack)) { return; }
      applyAgenda(ack);
      if (focusTitle) { $("c-current-title").focus(); }
    });
  }

  function applyAgenda(data) {
    state.dialogue.status = data.status;
    state.dialogue.current_item_id = data.current_item_id;
    state.dialogue.item_started_at = data.item_started_at;
    if (data.used) { state.usedBase = data.used; state.usedAt = Date.now(); }
    renderAgenda();
  }

  // --- intake --------------------------------------------------------------------------

  function renderIntake() {
    var open = state.dialogue && state.dialogue.intake_open;
    setText($("c-intake-state"), open ? T.intake_open : T.intake_closed);
    setText($("c-intake-toggle"), open ? T.intake_close : T.intake_open_button);
    $("c-intake-toggle").disabled = !state.dialogue;  // usable once the snapshot has arrived
  }

  // --- polls and results ------------------------------------------------------------------

  function renderPollChoices() {
    var select = $("c-poll-reflection");
    var chosen = select.value;
    var current = state.dialogue ? itemById(state.dialogue.current_item_id) : null;
    var mine = current ? current.reflections : [];
    var signature = JSON.stringify([mine, state.reflectionOrder]);
    if (select.getAttribute("data-signature") === signature) { return; }
    select.setAttribute("data-signature", signature);
    select.textContent = "";
    if (!state.reflectionOrder.length) {
      select.appendChild(el("option", null, T.no_reflections)).value = "";
      return;
    }
    function add(group, ids) {
      if (!ids.length) { return; }
      var og = el("optgroup");
      og.label = group;
      ids.forEach(function (id) {
        var r = state.reflections[id];
        if (!r) { return; }
        var option = el("option", null, r.title);
        option.value = String(id);
        og.appendChild(option);
      });
      select.appendChild(og);
    }
    add(T.current_group, mine);
    add(T.other_group, state.reflectionOrder.filter(function (id) { return mine.indexOf(id) < 0; }));
    if (chosen && select.querySelector('option[value="' + chosen + '"]') && mine.indexOf(Number(chosen)) >= 0) {
      select.value = chosen;
    } else if (mine.length) {
      select.value = String(mine[0]);
    } else if (chosen && select.querySelector('option[value="' + chosen + '"]')) {
      select.value = chosen;
    }
  }

  function renderPoll() {
    var poll = state.poll;
    var title = function (id) { return state.reflections[id] ? state.reflections[id].title : ""; };
    if (poll) {
      setText($("c-poll-state"), fmt(poll.results_live ? T.poll_open_live : T.poll_open_later, { title: title(poll.reflection_id) }));
    } else if (state.lastPoll) {
      setText($("c-poll-state"), fmt(T.poll_closed, { title: title(state.lastPoll) }));
    } else {
      setText($("c-poll-state"), T.poll_none);
    }
    show($("c-poll-close"), !!poll);
    setText($("c-poll-open"), poll ? T.poll_reopen : T.poll_open);
    renderResults();
  }

  var tables = null;
  function renderResults() {
    var id = state.poll ? state.poll.reflection_id : state.lastPoll;
    var box = $("c-results");
    if (!id) { box.hidden = true; return; }
    var tally = state.tallies[id] || { n: 0, total: {}, by_role: {}, by_board: {} };
    box.hidden = false;
    var r = state.reflections[id];
    setText($("c-results-h"), fmt(T.results_for, { title: r ? r.title : "" }));
    setText($("c-results-n"), tally.n ? fmt(tally.n === 1 ? T.answers_one : T.answers, { n: tally.n }) : T.no_answers);
    if (!tables) {
      tables = window.AterforingStanceTable.byRoleAndBoard($("c-results-role"), $("c-results-board"), T, L);
    }
    tables.role.update(tally.by_role, tally.total);
    tables.board.update(tally.by_board, tally.total);
    show($("c-results-board-note"), state.dialogue && !state.dialogue.show_board_results);
  }

  // --- the moderation queue ---------------------------------------------------------------

  var nodes = {};

  function groupOf(item) {
    if (item.merged_into || item.status === "hidden") { return "c-hidden"; }
    if (item.status === "approved" && !item.flagged) { return "c-approved"; }
    return "c-pending";
  }

  function sorted(group) {
    var items = Object.keys(state.queue).map(function (k) { return state.queue[k]; })
      .filter(function (item) { return groupOf(item) === group; });
    if (group === "c-approved") {
      items.sort(function (a, b) {
        return (b.pinned - a.pinned) || (a.answered - b.answered) || (b.votes - a.votes) || (a.id - b.id);
      });
    } else if (group === "c-hidden") {
      items.sort(function (a, b) { return b.id - a.id; });
    } else {
      items.sort(function (a, b) { return a.id - b.id; });
    }
    return items;
  }

  function button(text, act, id, extraClass) {
    var b = el("button", "button small" + (extraClass ? " " + extraClass : ""), text);
    b.type = "button";
    b.setAttribute("data-act", act);
    b.setAttribute("aria-describedby", "q-" + id + "-text");
    return b;
  }

  function timeOf(iso) {
    if (!iso) { return ""; }
    var d = new Date(iso);
    return d.toLocaleTimeString("sv-SE", { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Stockholm" });
  }

  function mergeTargets(item) {
    return Object.keys(state.queue).map(function (k) { return state.queue[k]; }).filter(function (o) {
      return o.id !== item.id && !o.merged_into && o.status !== "hidden";
    }).sort(function (a, b) { return a.id - b.id; });
  }

  function renderItem(li, item) {
    li.textContent = "";
    li.className = "queue-item" + (item.flagged ? " flagged" : "") + (item.pinned ? " pinned" : "");
    var meta = el("p", "queue-meta");
    meta.appendChild(el("span", "badge", L.kinds[item.kind] || item.kind));
    meta.appendChild(document.createTextNode(" "));
    meta.appendChild(el("span", "queue-number", fmt(T.number, { n: item.id })));
    if (item.pinned) { meta.appendChild(el("span", "badge badge-pinned", T.pinned)); }
    if (item.answered) { meta.appendChild(el("span", "badge badge-answered", T.answered)); }
    if (item.status === "hidden") { meta.appendChild(el("span", "badge", L.item_statuses.hidden)); }
    if (item.merged_into) { meta.appendChild(el("span", "badge", fmt(T.merged_into, { n: item.merged_into }))); }
    var who = [item.by, timeOf(item.at)].filter(Boolean).join(" · ");
    meta.appendChild(el("span", "muted", who));
    if (item.kind === "question" && item.status === "approved") {
      meta.appendChild(el("span", "queue-votes", fmt((item.votes || 0) === 1 ? T.votes_one : T.votes, { n: item.votes || 0 })));
    }
    li.appendChild(meta);
    if (item.flagged) {
      var flag = el("p", "flag-warning");
      flag.appendChild(el("strong", null, T.flag));
      li.appendChild(flag);
    }
    var text = el("p", "queue-text", item.text);
    text.id = "q-" + item.id + "-text";
    li.appendChild(text);
    var about = item.reflection_id && state.reflections[item.reflection_id];
    if (about) { li.appendChild(el("p", "queue-about muted", fmt(T.about, { title: about.title }))); }
    if (item.merged_into) { return; }

    if (state.editing[item.id] !== undefined) {
      var form = el("form", "queue-edit");
      form.setAttribute("data-form", "edit");
      var label = el("label", null, T.edit_label);
      label.htmlFor = "q-" + item.id + "-edit";
      var hint = el("p", "hint", T.edit_hint);
      hint.id = "q-" + item.id + "-edit-hint";
      var area = el("textarea");
      area.id = "q-" + item.id + "-edit";
      area.rows = 3;
      area.value = state.editing[item.id];
      area.setAttribute("aria-describedby", hint.id);
      var row = el("div", "actions");
      var save = el("button", "button small primary", T.save);
      save.type = "submit";
      save.setAttribute("data-act", "save-edit");
      var cancel = el("button", "button small", T.cancel);
      cancel.type = "button";
      cancel.setAttribute("data-act", "cancel");
      row.appendChild(save);
      row.appendChild(cancel);
      form.appendChild(label);
      form.appendChild(hint);
      form.appendChild(area);
      form.appendChild(row);
      li.appendChild(form);
      return;
    }
    if (state.merging[item.id]) {
      var mform = el("form", "queue-merge");
      mform.setAttribute("data-form", "merge");
      var targets = mergeTargets(item);
      if (!targets.length) {
        mform.appendChild(el("p", null, T.no_targets));
      } else {
        var mlabel = el("label", null, T.merge_into);
        mlabel.htmlFor = "q-" + item.id + "-into";
        var select = el("select");
        select.id = "q-" + item.id + "-into";
        targets.forEach(function (o) {
          var option = el("option", null, fmt(T.number, { n: o.id }) + ": " + (o.text.length > 70 ? o.text.slice(0, 70) + " …" : o.text));
          option.value = String(o.id);
          select.appendChild(option);
        });
        mform.appendChild(mlabel);
        mform.appendChild(select);
      }
      var mrow = el("div", "actions");
      if (targets.length) {
        var go = el("button", "button small danger", T.merge_submit);
        go.type = "submit";
        go.setAttribute("data-act", "save-merge");
        mrow.appendChild(go);
      }
      var mcancel = el("button", "button small", T.cancel);
      mcancel.type = "button";
      mcancel.setAttribute("data-act", "cancel");
      mrow.appendChild(mcancel);
      mform.appendChild(mrow);
      li.appendChild(mform);
      return;
    }
    // One primary action per item (what a facilitator most often does next); the rest in a
    // disclosure menu, so a long queue stays calm and quick to read.
    var actions = el("div", "queue-actions");
    var primary = null;
    var rest = [];
    if (item.flagged) {
      primary = button(T.edit, "edit", item.id, "primary");
    } else if (item.status !== "approved") {
      primary = button(item.status === "hidden" ? T.restore : T.approve, "approve", item.id, "primary");
      rest.push(button(T.edit, "edit", item.id));
    } else {
      primary = button(item.pinned ? T.unpin : T.pin, item.pinned ? "unpin" : "pin", item.id, "primary");
      if (item.kind === "question") {
        rest.push(button(item.answered ? T.unanswer : T.answer, item.answered ? "unanswer" : "answer", item.id));
      }
      rest.push(button(T.edit, "edit", item.id));
    }
    if (item.status !== "hidden") {
      rest.push(button(T.merge, "merge", item.id));
      rest.push(button(T.hide, "hide", item.id, "danger"));
    }
    actions.appendChild(primary);
    if (rest.length) {
      var open = !!state.menus[item.id];
      var toggle = el("button", "button small menu-toggle", T.more_actions);
      toggle.type = "button";
      toggle.setAttribute("data-act", "menu");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      toggle.setAttribute("aria-controls", "q-" + item.id + "-menu");
      toggle.setAttribute("aria-describedby", "q-" + item.id + "-text");
      actions.appendChild(toggle);
      var menu = el("div", "queue-menu");
      menu.id = "q-" + item.id + "-menu";
      menu.hidden = !open;
      rest.forEach(function (b) { menu.appendChild(b); });
      actions.appendChild(menu);
    }
    li.appendChild(actions);
  }

  function signature(item) {
    return JSON.stringify([item, state.editing[item.id] !== undefined, !!state.merging[item.id],
      !!state.menus[item.id],
      item.reflection_id && state.reflections[item.reflection_id] ? state.reflections[item.reflection_id].title : ""]);
  }

  function renderQueue() {
    var active = document.activeElement;
    var focusLi = active && active.closest ? active.closest(".queue-item") : null;
    var focus = null;
    if (focusLi) {
      focus = {
        id: Number(focusLi.getAttribute("data-id")),
        act: active.getAttribute("data-act"),
        list: focusLi.parentNode,
        index: Array.prototype.indexOf.call(focusLi.parentNode.children, focusLi)
      };
    }
    var counts = { pending: 0, flagged: 0, hidden: 0 };
    ["c-pending", "c-approved", "c-hidden"].forEach(function (group) {
      var list = $(group);
      var items = sorted(group);
      items.forEach(function (item, index) {
        var li = nodes[item.id];
        if (!li) {
          li = el("li", "queue-item");
          li.setAttribute("data-id", item.id);
          li.tabIndex = -1;
          nodes[item.id] = li;
        }
        var sig = signature(item);
        if (li.getAttribute("data-sig") !== sig) {
          // Never redraw a form while the facilitator is typing in it.
          var typing = li.contains(document.activeElement) && document.activeElement.tagName === "TEXTAREA";
          if (!typing) {
            renderItem(li, item);
            li.setAttribute("data-sig", sig);
          }
        }
        if (list.children[index] !== li) { list.insertBefore(li, list.children[index] || null); }
        if (group === "c-pending") {
          counts.pending += 1;
          if (item.flagged) { counts.flagged += 1; }
        }
        if (group === "c-hidden") { counts.hidden += 1; }
      });
      while (list.children.length > items.length) { list.removeChild(list.lastChild); }
    });
    show($("c-pending-empty"), counts.pending === 0);
    show($("c-approved-empty"), $("c-approved").children.length === 0);
    setText($("c-hidden-count"), String(counts.hidden));
    setText($("c-queue-summary"), fmt(T.queue_summary, counts));
    if (focus && (!document.activeElement || document.activeElement === document.body)) {
      restoreFocus(focus);
    }
  }

  function restoreFocus(focus) {
    var li = nodes[focus.id];
    if (li && li.parentNode === focus.list) {
      var twin = { answer: "unanswer", unanswer: "answer", pin: "unpin", unpin: "pin" }[focus.act];
      var same = focus.act && (li.querySelector('[data-act="' + focus.act + '"]') ||
        (twin && li.querySelector('[data-act="' + twin + '"]')));
      (same || li).focus();
      return;
    }
    // The item moved to another list (approved, hidden): go on with the next one here.
    var next = focus.list.children[focus.index] || focus.list.children[focus.index - 1];
    if (next) {
      var first = next.querySelector("button");
      (first || next).focus();
      return;
    }
    var heading = focus.list.getAttribute("aria-labelledby");
    ($(heading) || $("queue-h")).focus();
  }

  function upsert(data, isPublic) {
    var existing = state.queue[data.id];
    if (existing) {
      Object.keys(data).forEach(function (k) { existing[k] = data[k]; });
    } else {
      state.queue[data.id] = data;
      existing = data;
      if (isPublic && !existing.status) { existing.status = "approved"; existing.flagged = false; }
    }
    if (existing.pinned) {
      Object.keys(state.queue).forEach(function (k) {
        if (state.queue[k] !== existing) { state.queue[k].pinned = false; }
      });
    }
  }

  function moderate(payload, li) {
    return live.emit("moderate", payload).then(function (ack) {
      if (failed(ack)) {
        if (li) { li.focus(); }
        return ack;
      }
      return ack;
    });
  }

  $("c-pending").parentNode.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-act]") : null;
    if (!target) { return; }
    var li = target.closest(".queue-item");
    if (!li) { return; }
    doAct(li, target.getAttribute("data-act"));
  });

  // What a button of a queue item does; the keys (below) call it too.
  function doAct(li, act) {
    var id = Number(li.getAttribute("data-id"));
    var item = state.queue[id];
    if (!item) { return; }
    if (act === "menu") {
      if (state.menus[id]) { delete state.menus[id]; } else { state.menus[id] = true; }
      renderQueue();
      var toggle = li.querySelector('[data-act="menu"]');
      if (toggle) { toggle.focus(); }
      return;
    }
    delete state.menus[id];
    if (act === "edit") {
      state.editing[id] = item.text;
      delete state.merging[id];
      renderQueue();
      var area = $("q-" + id + "-edit");
      if (area) { area.focus(); }
      return;
    }
    if (act === "merge") {
      state.merging[id] = true;
      delete state.editing[id];
      renderQueue();
      var select = $("q-" + id + "-into");
      (select || li.querySelector('[data-act="cancel"]')).focus();
      return;
    }
    if (act === "cancel") {
      delete state.editing[id];
      delete state.merging[id];
      renderQueue();
      var again = li.querySelector('[data-act="edit"]');
      (again || li).focus();
      return;
    }
    if (act === "save-edit" || act === "save-merge") { return; }  // handled by submit
    if (act === "hide" && !window.confirm(T.confirm_hide)) { renderQueue(); li.focus(); return; }
    moderate({ action: act, id: id }, li);
  }

  // --- moderation by keyboard ------------------------------------------------------------
  // Single-letter keys act only while focus is in the queue (WCAG 2.1.4), never while typing.
  var queueSection = $("queue-h").parentNode;

  function visibleItems() {
    return Array.prototype.filter.call(queueSection.querySelectorAll(".queue-item"), function (li) {
      return li.offsetParent !== null;
    });
  }

  function keyAction(li, key) {
    var item = state.queue[Number(li.getAttribute("data-id"))];
    if (!item || item.merged_into) { return null; }
    if (key === "g") { return item.status !== "approved" && !item.flagged ? "approve" : null; }
    if (key === "d") { return item.status !== "hidden" ? "hide" : null; }
    if (key === "f") { return item.status === "approved" && !item.flagged ? (item.pinned ? "unpin" : "pin") : null; }
    return null;
  }

  queueSection.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var t = event.target;
    if (t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.tagName === "INPUT" || t.isContentEditable) { return; }
    var key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    if (key === "Escape") {
      var menuLi = t.closest && t.closest(".queue-item");
      if (menuLi && state.menus[Number(menuLi.getAttribute("data-id"))]) {
        event.preventDefault();
        doAct(menuLi, "menu");
      }
      return;
    }
    var items = visibleItems();
    var li = t.closest ? t.closest(".queue-item") : null;
    var index = li ? items.indexOf(li) : -1;
    if (key === "j" || key === "ArrowDown" || key === "k" || key === "ArrowUp") {
      if (!items.length) { return; }
      event.preventDefault();
      var down = key === "j" || key === "ArrowDown";
      var next = index < 0 ? (down ? 0 : items.length - 1)
        : Math.max(0, Math.min(items.length - 1, index + (down ? 1 : -1)));
      items[next].focus();
      return;
    }
    if (key !== "g" && key !== "d" && key !== "f") { return; }
    if (!li) { return; }
    event.preventDefault();
    var action = keyAction(li, key);
    if (!action) { message(T.key_nothing); return; }
    doAct(li, action);
  });

  $("c-pending").parentNode.addEventListener("submit", function (event) {
    var form = event.target;
    var kind = form.getAttribute("data-form");
    if (!kind) { return; }
    event.preventDefault();
    var li = form.closest(".queue-item");
    var id = Number(li.getAttribute("data-id"));
    if (kind === "edit") {
      var text = $("q-" + id + "-edit").value;
      state.editing[id] = text;
      moderate({ action: "edit", id: id, text: text }, li).then(function (ack) {
        if (!ack.ok) { return; }
        delete state.editing[id];
        document.activeElement.blur();
        renderQueue();
        li.focus();
      });
    } else if (kind === "merge") {
      var into = Number($("q-" + id + "-into").value);
      if (!window.confirm(T.confirm_merge)) { return; }
      moderate({ action: "merge", id: id, into_id: into }, li).then(function (ack) {
        if (!ack.ok) { return; }
        delete state.merging[id];
        renderQueue();
      });
    }
  });

  $("c-pending").parentNode.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var form = event.target.closest ? event.target.closest("form[data-form]") : null;
    if (!form) { return; }
    var cancel = form.querySelector('[data-act="cancel"]');
    if (cancel) { event.preventDefault(); cancel.click(); }
  });

  // --- controls -----------------------------------------------------------------------------

  $("c-start-button").addEventListener("click", function () {
    if (!window.confirm(T.confirm_start)) { return; }
    moveAgenda({ action: "start" }, true);
  });
  $("c-prev").addEventListener("click", function () {
    if (this.getAttribute("aria-disabled") === "true") { message(T.first_item); return; }
    moveAgenda({ action: "previous" }, false);
  });
  $("c-next").addEventListener("click", function () {
    if (this.getAttribute("aria-disabled") === "true") { message(T.last_item); return; }
    moveAgenda({ action: "next" }, false);
  });
  $("c-agenda").addEventListener("click", function (event) {
    var go = event.target.closest ? event.target.closest("[data-goto]") : null;
    if (!go) { return; }
    moveAgenda({ action: "goto", item_id: Number(go.getAttribute("data-goto")) }, true);
  });
  $("c-intake-toggle").addEventListener("click", function () {
    var open = !(state.dialogue && state.dialogue.intake_open);
    live.emit("intake", { open: open }).then(function (ack) {
      if (failed(ack)) { return; }
      state.dialogue.intake_open = ack.open;
      renderIntake();
    });
  });
  $("c-poll-form").addEventListener("submit", function (event) {
    event.preventDefault();
    if ($("c-poll-open").getAttribute("aria-disabled") === "true") {
      message(T.poll_needs_live);
      return;
    }
    var reflection = Number($("c-poll-reflection").value);
    var resultsLive = this.querySelector('input[name="results_live"]:checked').value === "1";
    live.emit("poll", { action: "open", reflection_id: reflection, results_live: resultsLive }).then(function (ack) {
      if (failed(ack)) { return; }
      state.poll = ack.poll;
      state.lastPoll = ack.poll ? ack.poll.reflection_id : state.lastPoll;
      renderPoll();
    });
  });
  $("c-poll-close").addEventListener("click", function () {
    var closing = state.poll;
    live.emit("poll", { action: "close" }).then(function (ack) {
      if (failed(ack)) { return; }
      state.poll = null;
      if (closing) { state.lastPoll = closing.reflection_id; }
      renderPoll();
      $("c-poll-open").focus();
    });
  });

  var copy = $("projector-copy");
  if (copy) {
    copy.addEventListener("click", function () {
      var input = $("projector-url");
      var status = $("projector-copy-status");
      function done(ok) { status.textContent = ok ? copy.getAttribute("data-copied") : copy.getAttribute("data-failed"); }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(input.value).then(function () { done(true); }, function () {
          input.select();
          done(document.execCommand && document.execCommand("copy"));
        });
      } else {
        input.select();
        done(document.execCommand && document.execCommand("copy"));
      }
    });
    // The link is shown once: a reload of the console does not show it again.
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", window.location.pathname);
    }
  }

  // --- applying the server's messages ------------------------------------------------------

  function applySnapshot(s) {
    document.dispatchEvent(new CustomEvent("aterforing:split", { detail: s.split || null }));
    state.dialogue = s.dialogue;
    state.agenda = s.agenda || [];
    state.reflections = {};
    state.reflectionOrder = [];
    (s.reflections || []).forEach(function (r) { state.reflections[r.id] = r; state.reflectionOrder.push(r.id); });
    state.usedBase = {};
    state.agenda.forEach(function (item) { state.usedBase[String(item.id)] = item.used; });
    state.usedAt = Date.now();
    state.queue = {};
    (s.queue || []).forEach(function (item) { state.queue[item.id] = item; });
    (s.questions || []).forEach(function (q) {
      if (state.queue[q.id]) { state.queue[q.id].votes = q.votes; }
    });
    state.poll = s.poll;
    state.tallies = {};
    (s.tallies || []).forEach(function (t) { state.tallies[t.reflection_id] = t; });
    if (s.poll) {
      state.lastPoll = s.poll.reflection_id;
    } else if (!state.lastPoll && s.tallies && s.tallies.length) {
      // After a reload: show the answers on the current item's reflection, or the latest.
      var now = itemById(s.dialogue.current_item_id);
      var here = (s.tallies || []).filter(function (t) { return now && now.reflections.indexOf(t.reflection_id) >= 0; });
      state.lastPoll = (here.length ? here : s.tallies)[(here.length ? here : s.tallies).length - 1].reflection_id;
    }
    renderView();
    state.presence = s.presence || null;
    renderPresence();
    buildAgenda();
    renderAgenda();
    renderIntake();
    renderPoll();
    renderQueue();
  }

  // --- connected phones --------------------------------------------------------------------
  // The server sends only groups large enough to show (the small-group rule); a count with a
  // lower version than the one shown is late and is dropped.
  function renderPresence() {
    var p = state.presence;
    if (!p) { return; }
    setText($("c-participants"), fmt(p.joined === 1 ? T.joined_of_one : T.joined_of, { n: p.joined }));
    setText($("c-presence-total"), p.total === 0 ? T.presence_none
      : fmt(p.total === 1 ? T.presence_one : T.presence_many, { n: p.total }));
    function line(groups, other, label) {
      var parts = groups.map(function (g) { return label(g) + " " + g.n; });
      if (other) { parts.push(T.presence_other + " " + other); }
      return parts.join(" · ");
    }
    var boards = line(p.by_board || [], p.other_boards, function (g) { return g.board || T.presence_no_board; });
    var roles = line(p.by_role || [], p.other_roles, function (g) { return L.roles[g.role] || g.role; });
    setText($("c-presence-boards-list"), boards);
    setText($("c-presence-roles-list"), roles);
    show($("c-presence-boards"), !!boards);
    show($("c-presence-roles"), !!roles);
    var sum = function (groups, other) { return groups.reduce(function (a, g) { return a + g.n; }, other || 0); };
    var hidden = p.total > 0 && (sum(p.by_board || [], p.other_boards) < p.total || sum(p.by_role || [], p.other_roles) < p.total);
    setText($("c-presence-note"), fmt(T.presence_small, { n: p.min_group }));
    show($("c-presence-note"), hidden);
  }

  function applyPresence(p) {
    if (state.presence && p.v < state.presence.v) { return; }
    state.presence = p;
    renderPresence();
  }

  function applyChange(msg) {
    var data = msg.data;
    if (msg.type === "contribution") {
      upsert(data, true);
      renderQueue();
    } else if (msg.type === "agenda") {
      applyAgenda(data);
    } else if (msg.type === "intake") {
      state.dialogue.intake_open = data.open;
      renderIntake();
    } else if (msg.type === "poll") {
      state.poll = data.poll;
      if (data.poll) { state.lastPoll = data.poll.reflection_id; } else if (data.closed) { state.lastPoll = data.closed; }
      renderPoll();
    } else if (msg.type === "results_view") {
      state.dialogue.results_view = data.view;
      renderView();
    } else if (msg.type === "split") {
      document.dispatchEvent(new CustomEvent("aterforing:split", { detail: data.split }));
    }
  }

  // How the projector groups a poll's results: the meeting's state, so another console (or a
  // reload) shows the same choice.
  function renderView() {
    var view = (state.dialogue && state.dialogue.results_view) || "role";
    Array.prototype.forEach.call(document.querySelectorAll("input[name=results_view]"), function (input) {
      input.checked = input.value === view;
    });
  }
  $("c-view").addEventListener("change", function (event) {
    var input = event.target;
    if (input.name !== "results_view") { return; }
    live.emit("results_view", { view: input.value }).then(function (ack) {
      if (!ack.ok) { failed(ack); renderView(); return; }
      state.dialogue.results_view = ack.view;
    });
  });

  function applyTally(msg) {
    if (msg.votes) {
      Object.keys(msg.votes).forEach(function (id) {
        if (state.queue[id]) { state.queue[id].votes = msg.votes[id]; }
      });
      renderQueue();
    }
    if (msg.stances) {
      state.tallies[msg.stances.reflection_id] = msg.stances;
      renderResults();
    }
  }

  var live = new window.AterforingLive.Live({
    dialogue: dialogueId,
    as: "facilitator",
    onSnapshot: applySnapshot,
    onChange: applyChange,
    onTally: applyTally,
    onQueue: function (msg) {
      if (msg.type === "contribution") { upsert(msg.data, false); renderQueue(); }
    },
    onStatus: function (status) {
      var node = $("c-connection");
      setText(node, T[status] || status);
      node.className = "connection connection-" + status;
    }
  });

  live.socket.on("presence", applyPresence);
  // "Att prata om" (consensus-panel.js) shows a reflection's split on the projector.
  window.AterforingConsole = { emit: function (name, payload) { return live.emit(name, payload); } };

  setInterval(tick, 1000);
})();
