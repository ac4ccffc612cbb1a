// Remembers the print choices (envelope size, paper) in this browser only, so a returning writer
// finds them chosen (the country a letter is posted from: posted_from.js). Nothing leaves the
// browser: no request is made, and the page works the same without this script.
(function () {
  "use strict";

  var PREFIX = "letters.print.";
  var store;
  try {
    store = window.localStorage; // throws where storage is disabled
  } catch (error) {
    return;
  }
  if (!store) {
    return;
  }

  function offers(select, value) {
    for (var i = 0; i < select.options.length; i += 1) {
      if (select.options[i].value === value) {
        return true;
      }
    }
    return false;
  }

  function read(key) {
    try {
      return store.getItem(PREFIX + key);
    } catch (error) {
      return null;
    }
  }

  function write(key, value) {
    try {
      store.setItem(PREFIX + key, value);
    } catch (error) {
      // Full or private storage: the choice is simply not remembered.
    }
  }

  function start() {
    var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-remember]"));
    selects.forEach(function (select) {
      var key = select.getAttribute("data-remember");
      var saved = read(key);
      if (saved !== null && offers(select, saved)) {
        select.value = saved;
      }
      select.addEventListener("change", function () {
        write(key, select.value);
        // Other forms on the page asking the same question follow the new answer.
        selects.forEach(function (other) {
          if (other !== select && other.getAttribute("data-remember") === key &&
              offers(other, select.value)) {
            other.value = select.value;
          }
        });
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
