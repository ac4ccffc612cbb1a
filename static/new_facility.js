// The prisoner and transfer forms: picking "A new facility (fill in below)" opens the
// "Add a new facility" sub-form. Without this script the coordinator opens it by hand; the
// form works the same either way.
(function () {
  "use strict";

  var panels = document.querySelectorAll("details.new-facility[data-choice]");
  Array.prototype.forEach.call(panels, function (panel) {
    var select = document.getElementById(panel.getAttribute("data-choice"));
    if (!select) {
      return;
    }
    select.addEventListener("change", function () {
      if (select.value === panel.getAttribute("data-value")) {
        panel.open = true;
      }
    });
  });
})();
