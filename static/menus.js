// The coordinators' header menus are <details>, which open and close with no script. This
// only tidies them: opening one closes the others (they would overlap), Escape closes the open
// one and gives focus back to its summary, and a click elsewhere on the page closes it.
(function () {
  "use strict";

  var menus = document.querySelectorAll("header.site details.menu");
  if (!menus.length) {
    return;
  }

  function closeAll(except) {
    for (var i = 0; i < menus.length; i += 1) {
      if (menus[i] !== except) {
        menus[i].open = false;
      }
    }
  }

  for (var i = 0; i < menus.length; i += 1) {
    menus[i].addEventListener("toggle", function (event) {
      if (event.target.open) {
        closeAll(event.target);
      }
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var open = document.querySelector("header.site details.menu[open]");
    if (open) {
      open.open = false;
      open.querySelector("summary").focus();
    }
  });

  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("header.site details.menu")) {
      closeAll(null);
    }
  });
})();
