// A form marked data-unsaved-guard asks before the page is left with text typed but not saved.
(function () {
  "use strict";
  var dirty = false;
  document.querySelectorAll("form[data-unsaved-guard]").forEach(function (form) {
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
  });
  document.addEventListener("submit", function () { dirty = false; }, true);
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) { return undefined; }
    event.preventDefault();
    event.returnValue = "";
    return "";
  });
})();
