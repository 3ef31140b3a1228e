// A form marked data-unsaved-guard asks before the page is left with text typed but not saved.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-unsaved-guard]");
  var dirty = false;
  var submitting = false;

  // Text typed before this script ran (it is deferred) fired no event here: compare every
  // field with what the page came with.
  // A list with no option marked selected in the page starts on its first option.
  function selectChanged(el) {
    var marked = false;
    for (var o = 0; o < el.options.length; o += 1) {
      if (el.options[o].defaultSelected) { marked = true; }
    }
    for (var k = 0; k < el.options.length; k += 1) {
      var start = el.options[k].defaultSelected || (!marked && !el.multiple && k === 0);
      if (el.options[k].selected !== start) { return true; }
    }
    return false;
  }

  function changed() {
    for (var f = 0; f < forms.length; f += 1) {
      var elements = forms[f].elements;
      for (var i = 0; i < elements.length; i += 1) {
        var el = elements[i];
        if (el.type === "checkbox" || el.type === "radio") {
          if (el.checked !== el.defaultChecked) { return true; }
        } else if (el.tagName === "SELECT") {
          if (selectChanged(el)) { return true; }
        } else if (el.type !== "hidden" && el.type !== "file" && "defaultValue" in el &&
                   el.value !== el.defaultValue) {
          return true;
        }
      }
    }
    return false;
  }

  forms.forEach(function (form) {
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
  });
  document.addEventListener("submit", function () { submitting = true; }, true);
  window.addEventListener("beforeunload", function (event) {
    if (submitting || !(dirty || changed())) { return undefined; }
    event.preventDefault();
    event.returnValue = "";
    return "";
  });
})();
