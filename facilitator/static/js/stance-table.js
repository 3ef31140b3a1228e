// Återföring: a stance spread (samsyn) as an accessible bar chart: a table with a row per
// group (role or board), a column per answer, the count and share as text, and a bar whose
// width comes from a class (w-0 … w-100 in steps of 5; the CSP allows no inline styles).
// Updates change text nodes and classes in place, so a projector does not flicker.
(function (global) {
  "use strict";

  var VALUES = ["agree", "partly", "disagree", "unknown"];
  // The server pools groups below the small-group limit under this key ("Övriga").
  var OTHER = "_other";
  // Roles in the fixed order every result uses; "Övriga" last.
  var ROLE_ORDER = ["politiker", "chef", "arbetsledare", "socialsekreterare", "annan", "ivo"];

  function rank(order, key) {
    if (key === OTHER) { return order.length + 1; }
    var i = order.indexOf(key);
    return i < 0 ? order.length : i;
  }

  function byRole(a, b) {
    return rank(ROLE_ORDER, a) - rank(ROLE_ORDER, b) || (a < b ? -1 : a > b ? 1 : 0);
  }

  function byName(a, b) {
    if (a === OTHER || b === OTHER) { return (a === OTHER) - (b === OTHER); }
    return a.localeCompare(b, "sv");
  }

  // Every part carries its table role as well: in a narrow column the stylesheet lays the
  // rows out as grids (the group above its numbers), and the roles keep it a table for a
  // screen reader whatever the layout.
  var ROLES = { table: "table", thead: "rowgroup", tbody: "rowgroup", tr: "row", td: "cell" };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (ROLES[tag]) { node.setAttribute("role", ROLES[tag]); }
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function setText(node, text) {
    if (node.textContent !== text) { node.textContent = text; }
  }

  function widthClass(share) {
    var step = Math.max(0, Math.min(100, Math.round(share * 20) * 5));
    return "w-" + step;
  }

  function sum(counts) {
    var n = 0;
    VALUES.forEach(function (v) { n += counts[v] || 0; });
    return n;
  }

  // container: an element to fill; opts: {caption, groupHeading, labels: {agree: …},
  // countHeading, totalLabel, order: function(keys) -> keys, labelFor: function(key) -> text,
  // withheld: the text shown when the server sends no groups for answers it has counted}
  function StanceTable(container, opts) {
    this.opts = opts;
    this.rows = {};
    var table = el("table", "stance-table");
    var caption = el("caption", null, opts.caption);
    table.appendChild(caption);
    var thead = el("thead");
    var tr = el("tr");
    var th = el("th", null, opts.groupHeading);
    th.scope = "col";
    th.setAttribute("role", "columnheader");
    tr.appendChild(th);
    VALUES.forEach(function (v) {
      var h = el("th", "stance-col stance-" + v, opts.labels[v]);
      h.scope = "col";
      h.setAttribute("role", "columnheader");
      tr.appendChild(h);
    });
    var hc = el("th", "stance-count", opts.countHeading);
    hc.scope = "col";
    hc.setAttribute("role", "columnheader");
    tr.appendChild(hc);
    thead.appendChild(tr);
    table.appendChild(thead);
    // "Alla" first, in a row group of its own; then the groups, "Övriga" last.
    this.allBody = el("tbody", "stance-all");
    table.appendChild(this.allBody);
    this.tbody = el("tbody", "stance-groups");
    table.appendChild(this.tbody);
    this.totalRow = this._row(opts.totalLabel);
    this.allBody.appendChild(this.totalRow.tr);
    container.textContent = "";
    container.appendChild(table);
    this.table = table;
    // No groups beside answers counted: the small-group rule withheld the breakdown.
    this.note = el("p", "stance-withheld muted", opts.withheld || "");
    this.note.hidden = true;
    container.appendChild(this.note);
  }

  StanceTable.prototype._row = function (label) {
    var tr = el("tr");
    var th = el("th", null, label);
    th.scope = "row";
    th.setAttribute("role", "rowheader");
    tr.appendChild(th);
    var cells = {};
    VALUES.forEach(function (v) {
      var td = el("td", "stance-cell");
      var num = el("span", "stance-num", "0");
      var share = el("span", "stance-share", "(0\u00a0%)");
      var bar = el("span", "bar");
      bar.setAttribute("aria-hidden", "true");
      var fill = el("span", "bar-fill fill-" + v + " w-0");
      bar.appendChild(fill);
      td.appendChild(num);
      td.appendChild(document.createTextNode(" "));
      td.appendChild(share);
      td.appendChild(bar);
      tr.appendChild(td);
      cells[v] = { num: num, share: share, fill: fill, width: "w-0" };
    });
    var count = el("td", "stance-count", "0");
    tr.appendChild(count);
    return { tr: tr, th: th, cells: cells, count: count };
  };

  StanceTable.prototype._fill = function (row, counts) {
    var total = sum(counts);
    VALUES.forEach(function (v) {
      var c = row.cells[v];
      var n = counts[v] || 0;
      var share = total ? n / total : 0;
      setText(c.num, String(n));
      setText(c.share, "(" + Math.round(share * 100) + "\u00a0%)");
      var w = widthClass(share);
      if (w !== c.width) {
        c.fill.classList.remove(c.width);
        c.fill.classList.add(w);
        c.width = w;
      }
    });
    setText(row.count, String(total));
  };

  // groups: {key: {agree: n, …}}; total: {agree: n, …}
  StanceTable.prototype.update = function (groups, total) {
    var self = this;
    var keys = Object.keys(groups || {});
    keys = this.opts.order ? this.opts.order(keys) : keys.sort();
    keys.forEach(function (key, index) {
      var row = self.rows[key];
      if (!row) {
        row = self._row(self.opts.labelFor ? self.opts.labelFor(key) : key);
        self.rows[key] = row;
      }
      self._fill(row, groups[key]);
      if (self.tbody.children[index] !== row.tr) {
        self.tbody.insertBefore(row.tr, self.tbody.children[index] || null);
      }
    });
    Object.keys(this.rows).forEach(function (key) {
      if (keys.indexOf(key) < 0) {
        self.tbody.removeChild(self.rows[key].tr);
        delete self.rows[key];
      }
    });
    this._fill(this.totalRow, total || {});
    this.note.hidden = !(keys.length === 0 && sum(total || {}) > 0);
  };

  // The two tables every results view shows: by role group (in the roles' fixed order) and
  // by board (by name), "Övriga" last in both. T: the page's texts, L: its label sets.
  function byRoleAndBoard(roleContainer, boardContainer, T, L) {
    var G = L.groups || {};
    var common = { labels: L.stances, countHeading: T.count, totalLabel: T.all, withheld: G.withheld };
    return {
      role: new StanceTable(roleContainer, Object.assign({
        caption: T.by_role, groupHeading: T.role,
        labelFor: function (k) { return k === OTHER ? G.other : (L.roles[k] || k); },
        order: function (keys) { return keys.sort(byRole); }
      }, common)),
      board: new StanceTable(boardContainer, Object.assign({
        caption: T.by_board, groupHeading: T.board,
        labelFor: function (k) { return k === OTHER ? G.other : k; },
        order: function (keys) { return keys.sort(byName); }
      }, common))
    };
  }

  // The same order and names for any other view of the groups (the projector's bars).
  function orderRoles(keys) { return keys.slice().sort(byRole); }
  function orderBoards(keys) { return keys.slice().sort(byName); }
  function groupLabel(kind, key, L) {
    if (key === OTHER) { return (L.groups && L.groups.other) || key; }
    return kind === "role" ? (L.roles[key] || key) : key;
  }

  global.AterforingStanceTable = {
    StanceTable: StanceTable, byRoleAndBoard: byRoleAndBoard, VALUES: VALUES, widthClass: widthClass,
    OTHER: OTHER, ROLE_ORDER: ROLE_ORDER, orderRoles: orderRoles, orderBoards: orderBoards,
    groupLabel: groupLabel
  };
})(window);
