// The campaign form's people table: a filter that hides the rows not matching what is typed
// (name, country or language). Without this script the filter is not offered and every row
// shows; the ticks are the form's own checkboxes, so hidden rows keep theirs.
(function () {
  "use strict";

  var field = document.getElementById("people-filter-field");
  var input = document.getElementById("people-filter");
  var table = document.getElementById("people-picker");
  if (!field || !input || !table || !table.tBodies.length) {
    return;
  }
  var rows = table.tBodies[0].rows;
  var texts = [];
  for (var i = 0; i < rows.length; i += 1) {
    texts.push(rows[i].textContent.toLocaleLowerCase());
  }

  function apply() {
    var words = input.value.toLocaleLowerCase().split(/\s+/).filter(Boolean);
    for (var i = 0; i < rows.length; i += 1) {
      var text = texts[i];
      rows[i].hidden = !words.every(function (word) {
        return text.indexOf(word) !== -1;
      });
    }
  }

  input.addEventListener("input", apply);
  field.hidden = false;
  apply();
})();
