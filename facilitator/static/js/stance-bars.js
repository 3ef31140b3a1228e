// Återföring: a stance spread (samsyn) as one horizontal bar per group, for the room's screen.
// Agree grows from the left, disagree from the right, partly and don't know sit between; each
// segment carries its share as text and a pattern of its own (colour is never the only cue), and
// a visually hidden sentence per row says all of it to a screen reader. Widths are flex-grow
// classes (g-0 … g-100): the CSP allows no inline styles. Updates change text and classes in
// place, so the bars glide (a CSS transition) instead of being redrawn.
(function (global) {
  "use strict";

  var ORDER = ["agree", "partly", "unknown", "disagree"];

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }
  function setText(node, text) { if (node.textContent !== text) { node.textContent = text; } }
  function setClass(node, name) { if (node.className !== name) { node.className = name; } }
  function fmt(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (m, key) {
      return values[key] !== undefined ? values[key] : m;
    });
  }

  // container: the element that holds the columns; L: the page's label sets; T: its texts.
  function StanceBars(container, L, T) {
    this.container = container;
    this.L = L;
    this.T = T;
    this.rows = {};
    this.columns = [];
  }

  StanceBars.prototype._row = function (key) {
    var row = this.rows[key];
    if (row) { return row; }
    var li = el("li", "pj-row");
    var label = el("span", "pj-row-label");
    var n = el("span", "pj-row-n");
    var track = el("span", "pj-track");
    var spoken = el("span", "visually-hidden");
    label.setAttribute("aria-hidden", "true");
    n.setAttribute("aria-hidden", "true");
    track.setAttribute("aria-hidden", "true");
    var segs = {};
    ORDER.forEach(function (v) {
      var seg = el("span", "pj-seg seg-" + v + " g-0");
      var num = el("span", "pj-seg-n", "");
      seg.appendChild(num);
      track.appendChild(seg);
      segs[v] = { seg: seg, num: num };
    });
    li.appendChild(spoken);
    li.appendChild(label);
    li.appendChild(n);
    li.appendChild(track);
    row = { li: li, label: label, n: n, segs: segs, spoken: spoken };
    this.rows[key] = row;
    return row;
  };

  StanceBars.prototype._fill = function (row, spec) {
    var L = this.L, T = this.T;
    var counts = spec.counts || {};
    var total = 0;
    ORDER.forEach(function (v) { total += counts[v] || 0; });
    setClass(row.li, "pj-row" + (spec.all ? " pj-row-all" : ""));
    setText(row.label, spec.label);
    setText(row.n, total === 1 ? T.answers_one : fmt(T.answers, { n: total }));
    var parts = [];
    ORDER.forEach(function (v) {
      var count = counts[v] || 0;
      var share = total ? count / total : 0;
      var pct = Math.round(share * 100);
      var grow = count ? Math.max(1, pct) : 0;
      setClass(row.segs[v].seg, "pj-seg seg-" + v + " g-" + grow);
      setText(row.segs[v].num, count ? pct + "\u00a0%" : "");
      parts.push(L.stances[v] + " " + count + " (" + pct + "\u00a0%)");
    });
    setText(row.spoken, fmt(T.row_text, { group: spec.label, n: total, parts: parts.join(", ") }));
  };

  // rows: [{key, label, counts, all}], in the order shown; columns: 1 or 2.
  StanceBars.prototype.render = function (rows, columns) {
    var self = this;
    while (this.columns.length < columns) {
      var ol = el("ol", "pj-col");
      this.container.appendChild(ol);
      this.columns.push(ol);
    }
    while (this.columns.length > columns) {
      this.container.removeChild(this.columns.pop());
    }
    var perColumn = Math.ceil(rows.length / columns);
    var wanted = {};
    rows.forEach(function (spec, index) {
      var row = self._row(spec.key);
      wanted[spec.key] = true;
      self._fill(row, spec);
      var ol = self.columns[Math.floor(index / perColumn)];
      var at = index % perColumn;
      if (ol.children[at] !== row.li) { ol.insertBefore(row.li, ol.children[at] || null); }
    });
    Object.keys(this.rows).forEach(function (key) {
      if (!wanted[key]) {
        var li = self.rows[key].li;
        if (li.parentNode) { li.parentNode.removeChild(li); }
        delete self.rows[key];
      }
    });
    this.columns.forEach(function (ol, i) {
      var keep = Math.max(0, Math.min(perColumn, rows.length - i * perColumn));
      while (ol.children.length > keep) { ol.removeChild(ol.lastChild); }
    });
    this.labelFit();
  };

  // A share's number is shown only where its segment is wide enough to hold it (the row's
  // hidden sentence always has every number). Checked again once the bars have glided.
  StanceBars.prototype.labelFit = function () {
    var self = this;
    function check() {
      Object.keys(self.rows).forEach(function (key) {
        ORDER.forEach(function (v) {
          var part = self.rows[key].segs[v];
          var num = part.num;
          num.classList.remove("pj-off", "pj-tight");
          if (!num.textContent) { return; }
          // First without its padding, then not at all.
          if (num.scrollWidth > part.seg.clientWidth - 4) { num.classList.add("pj-tight"); }
          if (num.scrollWidth > part.seg.clientWidth - 2) { num.classList.add("pj-off"); }
        });
      });
    }
    check();
    clearTimeout(this.timer);
    this.timer = setTimeout(check, 800);
  };

  StanceBars.prototype.clear = function () { this.render([], 1); };

  global.AterforingStanceBars = { StanceBars: StanceBars, ORDER: ORDER };
})(window);
