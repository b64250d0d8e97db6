package reports

import (
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"slices"
	"strconv"
	"strings"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// The table of every domain is written as tab-separated lines in a hidden
// <pre> element, about 50 bytes a domain, so that 100,000 domains stay
// well under 10 MB. tableScript turns it into a sortable, filterable table
// that shows a page of rows at a time: laying out 100,000 rows, as a table
// or as visible text, takes Chromium seconds. With scripts off, a
// <noscript> style shows the text instead, readable and searchable with
// the browser's find. The strings in it went through visible, so a tab or
// a newline from DNS cannot break a line; html/template escapes the rest.

// Marks of the layer states other than known in the table of domains.
const (
	markNone         = "—"
	markUnattributed = "?"
	markUnresolved   = "✕"
	markNotMeasured  = "n/m"
)

// begin begins the line of one domain: its rank (empty without one), its
// name and its status. A cell per layer follows (state, then providers
// for a known layer), then a newline.
func (t *DomainTable) begin(rank int, domain string, status dnscrawl.Status) {
	b := &t.b
	if rank > 0 {
		b.WriteString(strconv.Itoa(rank))
	}
	b.WriteByte('\t')
	b.WriteString(visible(domain))
	b.WriteByte('\t')
	b.WriteString(visible(string(status)))
}

// state begins the cell of a layer in state st: the mark of the state,
// or nothing for a known layer, whose providers follow (it returns true).
func (t *DomainTable) state(st classify.State) (known bool) {
	b := &t.b
	b.WriteByte('\t')
	switch st {
	case classify.StateKnown:
		return true
	case classify.StateNone:
		b.WriteString(markNone)
	case classify.StateUnattributed:
		b.WriteString(markUnattributed)
	case metrics.StateNotMeasured:
		b.WriteString(markNotMeasured)
	default:
		b.WriteString(markUnresolved)
	}
	return false
}

// providers writes providers of a known layer as domains.csv has them
// (joined by ';'; one provider alone too): the table joins them by ','.
func (t *DomainTable) providers(providers string) {
	t.b.WriteString(strings.ReplaceAll(visible(providers), ";", ","))
}

// endLine ends the line of a domain, and the piece being written when it
// is full.
func (t *DomainTable) endLine() {
	t.b.WriteByte('\n')
	if t.b.Len() >= tablePiece {
		t.full = append(t.full, t.b.String())
		t.b = strings.Builder{}
		t.b.Grow(tablePiece + tablePiece/8)
	}
}

// Pieces returns the header and the lines of the table in pieces of
// whole lines: their concatenation is String.
func (t *DomainTable) Pieces() []string {
	return append(slices.Clip(t.full), t.b.String())
}

// String returns the header and the lines of the table.
func (t *DomainTable) String() string { return strings.Join(t.Pieces(), "") }

// tableScript makes the table of domains sortable and filterable. It only
// reads the text of the <pre> and writes text nodes (never HTML), so no
// name can run as script, and it loads nothing.
const tableScript = `(function () {
  "use strict";
  var pre = document.getElementById("dt-data");
  var table = document.getElementById("dt");
  if (!pre || !table) return;
  var lines = pre.textContent.split("\n");
  var rows = [];
  for (var i = 1; i < lines.length; i++) {
    if (lines[i] === "") continue;
    var cells = lines[i].split("\t");
    rows.push({c: cells, key: lines[i].toLowerCase(), rank: cells[0] === "" ? Infinity : +cells[0]});
  }
  var body = table.tBodies[0];
  var filter = document.getElementById("dt-filter");
  var info = document.getElementById("dt-count");
  var more = document.getElementById("dt-more");
  var heads = table.tHead.rows[0].cells;
  var page = 200, shown = page, sortCol = 0, sortDir = 1, matches = rows;
  function cmp(a, b) {
    if (sortCol === 0) return (a.rank - b.rank || (a.c[1] < b.c[1] ? -1 : a.c[1] > b.c[1] ? 1 : 0)) * sortDir;
    var x = a.c[sortCol] || "", y = b.c[sortCol] || "";
    return (x < y ? -1 : x > y ? 1 : a.rank - b.rank) * sortDir;
  }
  function render() {
    var frag = document.createDocumentFragment();
    var n = Math.min(shown, matches.length);
    for (var i = 0; i < n; i++) {
      var tr = document.createElement("tr");
      var c = matches[i].c;
      for (var j = 0; j < heads.length; j++) {
        var td = document.createElement("td");
        td.textContent = c[j] || "";
        if (j === 0) td.className = "n";
        if (j === 1) td.className = "name";
        if (heads[j].hidden) td.hidden = true;
        tr.appendChild(td);
      }
      frag.appendChild(tr);
    }
    body.textContent = "";
    body.appendChild(frag);
    info.textContent = matches.length.toLocaleString("en") + " of " + rows.length.toLocaleString("en") +
      " domains" + (n < matches.length ? ", first " + n.toLocaleString("en") + " shown" : "");
    more.hidden = n >= matches.length;
  }
  function apply() {
    var terms = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    matches = terms.length === 0 ? rows.slice() : rows.filter(function (r) {
      for (var t = 0; t < terms.length; t++) if (r.key.indexOf(terms[t]) < 0) return false;
      return true;
    });
    matches.sort(cmp);
    shown = page;
    render();
  }
  Array.prototype.forEach.call(heads, function (th, j) {
    var b = th.querySelector("button");
    b.addEventListener("click", function () {
      sortDir = sortCol === j ? -sortDir : 1;
      sortCol = j;
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
      apply();
    });
  });
  var timer = 0;
  filter.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, 120); });
  more.addEventListener("click", function () { shown += 5 * page; render(); });
  document.getElementById("dt-controls").hidden = false;
  table.hidden = false;
  apply();
})();`

// scriptElement returns the report's only script, and cspMeta the policy
// that allows it by its hash and forbids every other script and every
// load.
func scriptElement() template.HTML { return template.HTML("<script>" + tableScript + "</script>") }

func cspMeta() template.HTML {
	h := sha256.Sum256([]byte(tableScript))
	return template.HTML(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-` +
		base64.StdEncoding.EncodeToString(h[:]) + `'">`)
}
