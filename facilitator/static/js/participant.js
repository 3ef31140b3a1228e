// Återföring, participant pages: enhancements only; every form works without this file.
// - a fresh client id (crypto.randomUUID) per submission, so a resend is never a duplicate;
// - what is typed is kept in sessionStorage until the server has confirmed it;
// - a warning before sending text that looks like it holds a personnummer.
(function () {
  "use strict";
  // The page gives the texts in the visitor's language; these are the Swedish originals.
  var texts = document.querySelector("[data-pnr-warning]");
  var WARNING = (texts && texts.getAttribute("data-pnr-warning")) ||
    "Texten ser ut att innehålla ett personnummer. Ta bort det – uppgifter om barn och " +
    "familjer hör inte hemma här.";
  var AGAIN = " " + ((texts && texts.getAttribute("data-pnr-again")) ||
    "Vill du ändå skicka texten, tryck på knappen igen.");

  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    return "c" + Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }

  function store() {
    try { return window.sessionStorage; } catch (e) { return null; }
  }

  var root = document.querySelector("[data-own-client-ids]");
  var confirmed = root ? (root.getAttribute("data-own-client-ids") || "").split(" ") : [];

  // --- the personnummer warning -------------------------------------------------------
  function warningFor(input) {
    var id = input.id + "-pnr";
    var box = document.getElementById(id);
    if (!box) {
      box = document.createElement("p");
      box.id = id;
      box.className = "pnr-warning";
      box.setAttribute("aria-live", "polite");
      input.parentNode.appendChild(box);
    }
    return box;
  }

  function check(input) {
    var box = warningFor(input);
    var hits = window.findPersonalNumbers ? window.findPersonalNumbers(input.value) : [];
    if (hits.length) {
      if (!box.textContent) { box.textContent = WARNING; }
      box.classList.add("shown");
    } else {
      box.textContent = "";
      box.classList.remove("shown");
    }
    return hits.length > 0;
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-pnr-check]"), function (input) {
    var timer = null;
    warningFor(input);
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { check(input); }, 300);
    });
    if (input.value) { check(input); }
  });

  // --- client ids and drafts ----------------------------------------------------------
  Array.prototype.forEach.call(document.querySelectorAll("form[data-draft]"), function (form) {
    var text = form.querySelector("textarea");
    var idInput = form.querySelector("input[data-client-id]");
    var storage = store();
    var key = "draft:" + window.location.pathname + ":" + form.getAttribute("data-draft");
    var draft = null;
    if (storage) {
      try { draft = JSON.parse(storage.getItem(key) || "null"); } catch (e) { draft = null; }
    }
    if (draft && confirmed.indexOf(draft.clientId) !== -1) {
      storage.removeItem(key);  // the server has it: start afresh
      draft = null;
    }
    var typedByServer = text && text.value;  // a validation error kept what was typed
    if (draft && text && !typedByServer && draft.text) {
      text.value = draft.text;
      if (idInput && draft.clientId) { idInput.value = draft.clientId; }
      var details = form.closest("details");
      if (details) { details.open = true; }
      if (text.hasAttribute("data-pnr-check")) { check(text); }
    } else if (idInput && !typedByServer) {
      idInput.value = uuid();
    }

    function save() {
      if (!storage || !text) { return; }
      if (!text.value.trim()) { storage.removeItem(key); return; }
      try {
        storage.setItem(key, JSON.stringify({ text: text.value, clientId: idInput && idInput.value }));
      } catch (e) { /* storage full or off: the form still works */ }
    }
    if (text) { text.addEventListener("input", save); }

    form.addEventListener("submit", function (event) {
      if (text && text.hasAttribute("data-pnr-check") && check(text)) {
        if (form.getAttribute("data-pnr-warned") !== text.value) {
          event.preventDefault();
          form.setAttribute("data-pnr-warned", text.value);
          warningFor(text).textContent = WARNING + AGAIN;
          text.focus();
          return;
        }
      }
      save();
      var button = form.querySelector("button[type=submit]");
      if (button) {
        // Against double taps on a slow network; the client id guards the rest.
        window.setTimeout(function () { button.disabled = true; }, 0);
        window.setTimeout(function () { button.disabled = false; }, 8000);
      }
    });
  });

  // --- board and role, remembered on this phone for the next dialogue -----------------
  // Only what the person picked themselves, in this browser's localStorage: the next join
  // form starts with them chosen, so joining is one tap on "Gå med".
  var PROFILE_KEY = "aterforing-profile";
  function local() { try { return window.localStorage; } catch (e) { return null; } }
  Array.prototype.forEach.call(document.querySelectorAll("form[data-remember-profile]"), function (form) {
    var board = form.querySelector("select[name=organization]");
    var roles = form.querySelectorAll("input[name=role]");
    var storage = local();
    var saved = null;
    if (storage) {
      try { saved = JSON.parse(storage.getItem(PROFILE_KEY) || "null"); } catch (e) { saved = null; }
    }
    var anyRole = Array.prototype.some.call(roles, function (r) { return r.checked; });
    var hasErrors = !!form.querySelector(".error");
    if (saved && !hasErrors) {
      if (board && !board.value && saved.organization &&
          board.querySelector('option[value="' + String(saved.organization).replace(/"/g, "") + '"]')) {
        board.value = saved.organization;
      }
      if (!anyRole) {
        Array.prototype.forEach.call(roles, function (r) { if (r.value === saved.role) { r.checked = true; } });
      }
    }
    form.addEventListener("submit", function () {
      var role = form.querySelector("input[name=role]:checked");
      if (!storage || !board || !role || !board.value) { return; }
      try {
        storage.setItem(PROFILE_KEY, JSON.stringify({ organization: board.value, role: role.value }));
      } catch (e) { /* storage full or off: the form still works */ }
    });
  });

  // The profile form's name: warn before sending too.
  Array.prototype.forEach.call(document.querySelectorAll("form:not([data-draft])"), function (form) {
    var input = form.querySelector("[data-pnr-check]");
    if (!input) { return; }
    form.addEventListener("submit", function (event) {
      if (check(input) && form.getAttribute("data-pnr-warned") !== input.value) {
        event.preventDefault();
        form.setAttribute("data-pnr-warned", input.value);
        warningFor(input).textContent = WARNING + AGAIN;
        input.focus();
      }
    });
  });
})();
