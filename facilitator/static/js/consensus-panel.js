// The console's "Att prata om": the reflections whose groups split widest, from the server's
// figure (insights/consensus.py). Fetched at load, on "Uppdatera", and every 20 seconds while
// the console is in view; the small-group rule is applied on the server, never here.
(function () {
  "use strict";
  var section = document.getElementById("c-talk-section");
  if (!section) return;
  var list = document.getElementById("c-talk");
  var empty = document.getElementById("c-talk-empty");
  var status = document.getElementById("c-talk-status");
  var stop = document.getElementById("c-talk-stop");
  var busy = false;
  var shown = null;  // the reflection whose split the projector shows now
  var last = [];

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_m, key) { return values[key]; });
  }

  function render(items) {
    last = items;
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      var title = document.createElement("strong");
      title.textContent = item.title;
      li.appendChild(title);
      li.appendChild(document.createTextNode(": " + fill(section.dataset.textItem, {
        most: item.most.phrase.charAt(0).toUpperCase() + item.most.phrase.slice(1), a: Math.round(item.most.share * 100),
        least: item.least.phrase, b: Math.round(item.least.share * 100)
      }) + " "));
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button small";
      button.dataset.reflection = String(item.reflection_id);
      var on = shown === item.reflection_id;
      button.textContent = on ? section.dataset.textShown : section.dataset.textShow;
      button.setAttribute("aria-pressed", on ? "true" : "false");
      li.appendChild(button);
      list.appendChild(li);
    });
    empty.hidden = items.length > 0;
    stop.hidden = shown === null;
  }

  function showSplit(reflectionId) {
    if (!window.AterforingConsole) { return; }
    window.AterforingConsole.emit("split", { reflection_id: reflectionId || 0 }).then(function (ack) {
      if (ack && ack.ok) {
        shown = ack.split ? ack.split.reflection_id : null;
        status.textContent = shown ? section.dataset.textOn : section.dataset.textOff;
        render(last);
      } else {
        status.textContent = (ack && ack.message) || section.dataset.textError;
      }
    });
  }

  list.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-reflection]");
    if (!button) { return; }
    var id = Number(button.dataset.reflection);
    showSplit(shown === id ? 0 : id);
  });
  stop.addEventListener("click", function () { showSplit(0); });
  document.addEventListener("aterforing:split", function (event) {
    shown = event.detail ? event.detail.reflection_id : null;
    render(last);
  });

  function load() {
    if (busy) return;
    busy = true;
    fetch(section.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) { render(data.to_talk_about); status.textContent = ""; })
      .catch(function () { status.textContent = section.dataset.textError; })
      .then(function () { busy = false; });
  }

  document.getElementById("c-talk-refresh").addEventListener("click", load);
  setInterval(function () { if (!document.hidden) load(); }, 20000);
  load();
})();
