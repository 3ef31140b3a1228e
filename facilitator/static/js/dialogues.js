// Dialogues: focus the moved item after reload, and a print button. Works without it too.
(function () {
  "use strict";
  // After "Flytta upp/ned" the page reloads with #reflection-5-up (the pressed button) or
  // #reflection-5 (the item); put keyboard focus back there.
  var id = window.location.hash.slice(1);
  if (id && /^(reflection|item)-\d+(-(up|down))?$/.test(id)) {
    var target = document.getElementById(id) ||
      document.getElementById(id.replace(/-(up|down)$/, ""));
    if (target) {
      target.focus();
    }
  }
  var print = document.querySelectorAll("[data-print]");
  for (var i = 0; i < print.length; i++) {
    print[i].hidden = false;
    print[i].addEventListener("click", function () { window.print(); });
  }
})();
