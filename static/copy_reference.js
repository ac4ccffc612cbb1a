// The "Copy" button beside a payment reference: selects the reference and puts it on the
// clipboard where the browser allows it, then says what happened. Without this script the
// button stays hidden and the reference is plain text to select by hand. Nothing leaves the
// browser.
(function () {
  "use strict";

  function select(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function setUp(button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("aria-describedby"));
    if (!target || !status) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      select(target);
      var text = target.textContent.trim();
      var selected = function () {
        // The clipboard is refused (no permission, not a secure page): the reference is
        // selected, so Ctrl+C (or the menu) copies it.
        status.textContent = button.getAttribute("data-selected");
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () {
          status.textContent = button.getAttribute("data-copied");
        }, selected);
      } else {
        selected();
      }
    });
  }

  var buttons = document.querySelectorAll("button[data-copy]");
  for (var i = 0; i < buttons.length; i += 1) {
    setUp(buttons[i]);
  }
})();
