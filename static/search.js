// Suggestions for the search boxes: titles, makers and thesaurus terms in
// any script, from /api/v1/suggest, offered through the boxes' <datalist>.
// The boxes work without this script; it only adds the list.
(function () {
  "use strict";
  var list = document.getElementById("q-suggest");
  if (!list || !window.fetch) return;
  var timer = null, last = "";
  function fill(items) {
    while (list.firstChild) list.removeChild(list.firstChild);
    items.forEach(function (s) {
      var o = document.createElement("option");
      o.value = s.text;
      list.appendChild(o);
    });
  }
  function ask(box) {
    var q = box.value.trim();
    if (q === last) return;
    last = q;
    if (!q) return fill([]);
    fetch("/api/v1/suggest?limit=8&q=" + encodeURIComponent(q))
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (d) { if (box.value.trim() === q) fill(d.suggestions || []); })
      .catch(function () {});
  }
  document.querySelectorAll('input[list="q-suggest"]').forEach(function (box) {
    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { ask(box); }, 120);
    });
  });
})();
