// Återföring: the minutes page. A print button where the browser can print; Ctrl+P works anyway.
(function () {
  "use strict";
  var button = document.getElementById("minutes-print");
  if (!button || typeof window.print !== "function") { return; }
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();
