// One "posted from" choice per visitor, kept in this browser only (localStorage: no cookie, no
// request, nothing on the server). Every "posted from" box on a page (input[data-posted-from]:
// the profile's "I am posting from", the envelope forms) shows the remembered country; a change
// in one is saved and carried to the others, and to the next page. A box whose value came from
// the request (data-posted-from="request") is the choice just made: it is saved, not replaced.
// Without this script the boxes are plain form fields, submitted as typed.
(function () {
  "use strict";

  var KEY = "letters.posted-from";
  var OLD_KEY = "letters.print.posted-from"; // where print.js kept the envelope's country
  var CODE = /\(([A-Z]{2})\)$/; // the list's "Germany (DE)"
  var store;
  try {
    store = window.localStorage; // throws where storage is disabled
  } catch (error) {
    return;
  }
  if (!store) {
    return;
  }

  function read() {
    try {
      var saved = store.getItem(KEY);
      return saved !== null ? saved : store.getItem(OLD_KEY);
    } catch (error) {
      return null;
    }
  }

  function write(code) {
    try {
      store.setItem(KEY, code);
    } catch (error) {
      // Full or private storage: the choice is simply not remembered.
    }
  }

  // The page's one country list: code → its text ("Germany (DE)"), and name → code.
  function countries(input) {
    var found = { labels: {}, names: {} };
    var list = input.list;
    if (!list) {
      return found;
    }
    for (var i = 0; i < list.options.length; i += 1) {
      var text = list.options[i].value;
      var match = CODE.exec(text);
      if (match) {
        found.labels[match[1]] = text;
        found.names[text.slice(0, match.index).trim().toLowerCase()] = match[1];
      }
    }
    return found;
  }

  // What a box says, as a code: "" when empty (from abroad), null when the page cannot tell
  // (a name in another language: the server resolves it when the form is sent).
  function codeOf(input, known) {
    var text = input.value.trim();
    if (!text) {
      return "";
    }
    var match = CODE.exec(text);
    var code = match ? match[1] : text.toUpperCase();
    if (has(known.labels, code)) {
      return code;
    }
    return has(known.names, text.toLowerCase()) ? known.names[text.toLowerCase()] : null;
  }

  function has(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key);
  }

  // On the profile, show the address as it prints when posted from ``code``.
  function showAddress(code) {
    var blocks = document.getElementById("address-as-posted");
    if (!blocks) {
      return;
    }
    var domestic = code === blocks.getAttribute("data-destination");
    blocks.querySelectorAll("pre[data-posted]").forEach(function (block) {
      block.hidden = (block.getAttribute("data-posted") === "domestic") !== domestic;
    });
  }

  function start() {
    var inputs = Array.prototype.slice.call(document.querySelectorAll("input[data-posted-from]"));
    if (!inputs.length) {
      return;
    }
    var known = countries(inputs[0]);

    function apply(code, except) {
      inputs.forEach(function (input) {
        if (input !== except) {
          input.value = code ? known.labels[code] : "";
          input.removeAttribute("aria-invalid");
        }
      });
      showAddress(code);
    }

    var requested = inputs.filter(function (input) {
      return input.getAttribute("data-posted-from") === "request";
    });
    if (requested.length) {
      // Just chosen and sent: remembered (if the page can tell the country), never replaced.
      var chosen = codeOf(requested[0], known);
      if (chosen !== null) {
        write(chosen);
      }
    } else {
      var saved = read();
      if (saved !== null && (saved === "" || has(known.labels, saved))) {
        apply(saved, null);
      }
    }

    inputs.forEach(function (input) {
      input.addEventListener("change", function () {
        var code = codeOf(input, known);
        if (code === null) {
          return;
        }
        write(code);
        apply(code, null); // the box itself shows the list's text: the country was understood
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
