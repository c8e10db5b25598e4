// framing report page: sortable and filterable tables, the evidence explorer and its search box.
// Self-contained (no library, no request). Corpus text is only ever set with textContent, never as HTML.
(function () {
  "use strict";
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };

  // ---- tables: click a header to sort (again to reverse); type in the box above to filter rows
  function sortKey(cell) {
    if (!cell) return [2, ""];
    var v = cell.getAttribute("data-v");
    if (v !== null) return v === "" ? [1, 0] : [0, parseFloat(v)];
    return [0, cell.textContent.toLowerCase()];
  }
  function compareKeys(a, b) {
    if (a[0] !== b[0]) return a[0] - b[0];
    if (typeof a[1] === "number" && typeof b[1] === "number") return a[1] - b[1];
    return String(a[1]).localeCompare(String(b[1]));
  }
  function sortBy(table, column, header) {
    var body = table.tBodies[0];
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    each(header.parentNode.cells, function (h) { h.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.map.call(body.rows, function (row, i) { return [sortKey(row.cells[column]), i, row]; });
    rows.sort(function (a, b) {
      var c = compareKeys(a[0], b[0]);
      if (a[0][0] === 0 && b[0][0] === 0 && !ascending) c = -c;  // missing values stay last
      return c || a[1] - b[1];
    });
    rows.forEach(function (r) { body.appendChild(r[2]); });
  }
  function filterRows(table, query, counter) {
    var words = query.toLowerCase().split(/\s+/).filter(Boolean), shown = 0;
    each(table.tBodies[0].rows, function (row) {
      var text = row.textContent.toLowerCase();
      var keep = words.every(function (w) { return text.indexOf(w) >= 0; });
      row.hidden = !keep;
      if (keep) shown += 1;
    });
    counter.textContent = shown + " of " + table.tBodies[0].rows.length + " rows";
  }
  each(document.querySelectorAll("table.data"), function (table) {
    if (!table.tHead || !table.tBodies.length) return;
    each(table.tHead.rows[0].cells, function (header, column) {
      header.tabIndex = 0;
      header.title = "sort";
      header.addEventListener("click", function () { sortBy(table, column, header); });
      header.addEventListener("keydown", function (e) { if (e.key === "Enter") sortBy(table, column, header); });
    });
    if (table.tBodies[0].rows.length < 2) return;
    var box = document.createElement("p"), input = document.createElement("input"), counter = document.createElement("span");
    box.className = "filter";
    input.type = "search";
    input.placeholder = "filter rows";
    input.setAttribute("aria-label", "filter the rows of the table below");
    counter.className = "count";
    counter.textContent = table.tBodies[0].rows.length + " rows";
    input.addEventListener("input", function () { filterRows(table, input.value, counter); });
    box.appendChild(input);
    box.appendChild(counter);
    table.parentNode.insertBefore(box, table);
  });

  // ---- evidence explorer
  var source = document.getElementById("evidence-data");
  var panel = document.getElementById("evidence-panel");
  if (source && panel) {
    var data = JSON.parse(source.textContent), cells = {}, all = [];
    data.cells.forEach(function (cell) {
      cells[cell[0] + "|" + cell[1]] = cell[2];
      cell[2].forEach(function (s) { all.push([cell[0], cell[1], s]); });
    });
    var quote = function (group, cue, s, query) {
      var block = document.createElement("blockquote"), marks = s[3].slice(), text = s[2], at = 0;
      if (query) {
        var lower = text.toLowerCase(), found = lower.indexOf(query);
        marks = found >= 0 ? [[found, found + query.length]] : [];
      }
      marks.forEach(function (span) {
        if (span[0] < at) return;
        block.appendChild(document.createTextNode(text.slice(at, span[0])));
        var mark = document.createElement("mark");
        mark.textContent = text.slice(span[0], span[1]);
        block.appendChild(mark);
        at = span[1];
      });
      block.appendChild(document.createTextNode(text.slice(at)));
      var cite = document.createElement("cite");
      cite.textContent = data.groups[group] + " / " + data.cues[cue] + " · " + s[0] + " · sentence " + s[1] + (s[4] ? " · " + s[4] : "");
      block.appendChild(cite);
      return block;
    };
    var show = function (title, sentences) {
      panel.textContent = "";
      var h = document.createElement("h4");
      h.textContent = title;
      panel.appendChild(h);
      sentences.forEach(function (node) { panel.appendChild(node); });
    };
    each(document.querySelectorAll("#explorer button.cell"), function (button) {
      button.addEventListener("click", function () {
        var g = +button.getAttribute("data-g"), c = +button.getAttribute("data-c"), list = cells[g + "|" + c] || [];
        each(document.querySelectorAll("#explorer button.selected"), function (b) { b.classList.remove("selected"); });
        button.classList.add("selected");
        show(data.groups[g] + " / " + data.cues[c] + ": " + list.length + " sentence" + (list.length === 1 ? "" : "s") +
          " (at most " + data.cap + " per cell)", list.map(function (s) { return quote(g, c, s, ""); }));
      });
    });
    var search = document.getElementById("evidence-search"), count = document.getElementById("search-count");
    if (search) {
      search.addEventListener("input", function () {
        var query = search.value.trim().toLowerCase();
        if (query.length < 2) { count.textContent = ""; panel.textContent = ""; return; }
        var hits = all.filter(function (h) { return h[2][2].toLowerCase().indexOf(query) >= 0; });
        count.textContent = hits.length + " of " + all.length + " sentences match";
        show("Sentences containing \u201c" + search.value.trim() + "\u201d" + (hits.length > 200 ? " (first 200)" : ""),
          hits.slice(0, 200).map(function (h) { return quote(h[0], h[1], h[2], query); }));
      });
    }
  }

  // ---- a link to a section inside a closed <details> opens it
  function reveal() {
    var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    for (var node = target; node; node = node.parentElement) if (node.tagName === "DETAILS") node.open = true;
  }
  window.addEventListener("hashchange", reveal);
  reveal();
})();
