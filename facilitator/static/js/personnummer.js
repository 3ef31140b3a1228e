// Återföring: the personal data guard in the browser. The same rule as
// facilitator/privacy/personnummer.py (tested against the same cases): 10 or 12 digits, with
// '-', '+', a space or nothing before the last four, not part of a longer digit run, with a
// real date (samordningsnummer: day + 60) and a serial other than 000. The check digit is
// not asked for: a mistyped personnummer points to a person just as well.
(function (root) {
  "use strict";
  var CANDIDATE = /(?:^|\D)((\d{2})?(\d{6})([-+ ]?)(\d{4}))(?!\d)/g;

  function fullYear(century, yy, separator) {
    if (century) { return Number(century + yy); }
    var base = new Date().getFullYear();
    if (separator === "+") { base -= 100; }
    return base - ((base - Number(yy)) % 100);
  }

  function validDate(year, month, day) {
    if (day > 60) { day -= 60; }  // samordningsnummer
    if (year < 1 || month < 1 || month > 12 || day < 1) { return false; }
    var d = new Date(Date.UTC(2000, 0, 1));
    d.setUTCFullYear(year, month - 1, day);
    return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
  }

  function isPersonalNumber(century, date, separator, last) {
    if (last.slice(0, 3) === "000") { return false; }
    var yy = date.slice(0, 2);
    var month = Number(date.slice(2, 4));
    var day = Number(date.slice(4, 6));
    return validDate(fullYear(century, yy, separator), month, day);
  }

  function findPersonalNumbers(text) {
    var found = [];
    if (!text) { return found; }
    var re = new RegExp(CANDIDATE.source, "g");
    var match;
    while ((match = re.exec(String(text))) !== null) {
      if (isPersonalNumber(match[2] || "", match[3], match[4], match[5])) { found.push(match[1]); }
    }
    return found;
  }

  root.findPersonalNumbers = findPersonalNumbers;
})(window);
