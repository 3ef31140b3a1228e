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
  var busy = false;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_m, key) { return values[key]; });
  }

  function render(items) {
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      var title = document.createElement("strong");
      title.textContent = item.title;
      li.appendChild(title);
      li.appendChild(document.createTextNode(": " + fill(section.dataset.textItem, {
        most: item.most.phrase.charAt(0).toUpperCase() + item.most.phrase.slice(1), a: Math.round(item.most.share * 100),
        least: item.least.phrase, b: Math.round(item.least.share * 100)
      })));
      list.appendChild(li);
    });
    empty.hidden = items.length > 0;
  }

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
