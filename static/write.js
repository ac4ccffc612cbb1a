// The writing page's helpers: live checks (script and language, words to avoid, pages), phrases
// inserted with one click, a draft kept in this browser, and templates filled without a reload.
//
// The draft never leaves the browser except in the "Print letter" form itself: the page count
// is worked out here, from the layout metrics the server publishes (the data-metrics attribute,
// the same document as /writing/metrics.json), with the same greedy wrap and pagination as
// letters/printing/sheets.py and layout.py. Everything the page says is translated by the
// server into the data-config attribute; without this script the page still works (plain
// forms).
(function () {
  "use strict";

  var panel = document.getElementById("checks");
  var textarea = document.getElementById("letter-text");
  if (!panel || !textarea) {
    return;
  }
  var config = JSON.parse(panel.getAttribute("data-config"));
  var messages = config.messages;
  var sizeSelect = document.getElementById("letter-size");
  var replyBox = document.getElementById("letter-reply");
  var letterForm = document.getElementById("letter-form");
  var templateForm = document.getElementById("template-form");
  var templateSelect = document.getElementById("template-id");
  // Templates in languages the prisoner does not read, behind "Show other languages".
  var otherTemplateForm = document.getElementById("other-template-form");
  var otherTemplateSelect = document.getElementById("other-template-id");
  var templateSize = document.getElementById("template-size");
  var templateStatus = document.getElementById("template-status");
  var translationBox = document.getElementById("translation");
  var translationText = document.getElementById("translation-text");
  var draftStatus = document.getElementById("draft-status");
  var languageText = document.getElementById("check-language-text");
  var languageBox = document.getElementById("check-language");
  var bilingualButton = document.getElementById("use-bilingual");
  var avoidBox = document.getElementById("check-avoid");
  var pagesBox = document.getElementById("check-pages");
  var lengthBox = document.getElementById("check-length");

  var DRAFT_KEY = "letters.draft." + config.prisoner_id;
  var WRITER_KEY = "letters.writer";
  var WRITER_FIELDS = ["writer-name", "writer-city", "writer-gender"];

  function format(message, values) {
    return message.replace(/%\((\w+)\)s/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  // --- storage: this browser only --------------------------------------------------------------

  var store = null;
  try {
    store = window.localStorage; // throws where storage is disabled
  } catch (error) {
    store = null;
  }

  function readJSON(key) {
    if (!store) {
      return null;
    }
    try {
      return JSON.parse(store.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  function writeJSON(key, value) {
    if (!store) {
      return false;
    }
    try {
      if (value === null) {
        store.removeItem(key);
      } else {
        store.setItem(key, JSON.stringify(value));
      }
      return true;
    } catch (error) {
      return false; // full or private storage: the draft is simply not kept
    }
  }

  // What the textarea held when a template last filled it: replacing an untouched template
  // needs no question, replacing the writer's own words does.
  var filledText = null;

  function saveDraft() {
    var text = textarea.value;
    var kept;
    if (!text.trim()) {
      kept = writeJSON(DRAFT_KEY, null);
    } else {
      kept = writeJSON(DRAFT_KEY, {
        text: text,
        translation: translationBox.hidden ? "" : translationText.textContent,
        filled: filledText,
      });
    }
    draftStatus.textContent = kept && text.trim() ? messages.draft_saved : "";
  }

  function showTranslation(translation) {
    translationText.textContent = translation || "";
    translationBox.hidden = !translation;
  }

  function restoreDraft() {
    if (textarea.value.trim()) {
      // The server filled a template (the plain form) or gave back a refused letter: that text
      // is newer than any draft. Only a template may later be replaced without asking.
      filledText = letterForm.getAttribute("data-filled") === "yes" ? textarea.value : null;
      saveDraft();
      return;
    }
    var draft = readJSON(DRAFT_KEY);
    if (draft && typeof draft.text === "string") {
      textarea.value = draft.text;
      filledText = typeof draft.filled === "string" ? draft.filled : null;
      showTranslation(draft.translation);
      draftStatus.textContent = messages.draft_saved;
    }
  }

  function restoreWriter() {
    var writer = readJSON(WRITER_KEY) || {};
    WRITER_FIELDS.forEach(function (id) {
      var input = document.getElementById(id);
      if (!input) {
        return;
      }
      if (!input.value && typeof writer[id] === "string") {
        input.value = writer[id];
      }
      input.addEventListener("change", saveWriter);
    });
  }

  function saveWriter() {
    var writer = {};
    WRITER_FIELDS.forEach(function (id) {
      var input = document.getElementById(id);
      if (input && input.value) {
        writer[id] = input.value;
      }
    });
    writeJSON(WRITER_KEY, Object.keys(writer).length ? writer : null);
  }

  // --- counting pages exactly as the printer does -------------------------------------------------

  var counter = null;

  function makeCounter(metrics) {
    var widths = new Map();
    Object.keys(metrics.widths).forEach(function (cp) {
      widths.set(Number(cp), metrics.widths[cp]);
    });
    var whitespace = new Set(metrics.whitespace);
    var lineBreaks = new Set(metrics.line_breaks);
    var size = metrics.font_size;
    var spaceUnits = unitsOf(32);

    function unitsOf(cp) {
      var width = widths.get(cp);
      return width === undefined ? metrics.default_width : width;
    }

    // Python's str.splitlines(): code points, "\r\n" as one break, no trailing empty line.
    function splitLines(text) {
      var lines = [];
      var current = [];
      var cps = Array.from(text, function (ch) {
        return ch.codePointAt(0);
      });
      for (var i = 0; i < cps.length; i += 1) {
        if (lineBreaks.has(cps[i])) {
          lines.push(current);
          current = [];
          if (cps[i] === 13 && cps[i + 1] === 10) {
            i += 1;
          }
        } else {
          current.push(cps[i]);
        }
      }
      if (current.length) {
        lines.push(current);
      }
      return lines;
    }

    // Python's str.split(): runs of whitespace separate words; none are empty.
    function splitWords(line) {
      var words = [];
      var current = [];
      line.forEach(function (cp) {
        if (whitespace.has(cp)) {
          if (current.length) {
            words.push(current);
          }
          current = [];
        } else {
          current.push(cp);
        }
      });
      if (current.length) {
        words.push(current);
      }
      return words;
    }

    function sum(cps) {
      var total = 0;
      for (var i = 0; i < cps.length; i += 1) {
        total += unitsOf(cps[i]);
      }
      return total;
    }

    // The same expression as reportlab's stringWidth (0.001 * size * sum of integer widths),
    // so a line that exactly fills the width is decided the same way.
    function fits(units, width) {
      return 0.001 * size * units <= width;
    }

    // layout.wrap, counting lines instead of keeping them.
    function wrappedLines(line, width) {
      var count = 0;
      var current = null;
      splitWords(line).forEach(function (word) {
        var wordUnits = sum(word);
        var candidate = current === null ? wordUnits : current + spaceUnits + wordUnits;
        if (fits(candidate, width)) {
          current = candidate;
          return;
        }
        if (current !== null) {
          count += 1;
          current = null;
        }
        while (!fits(wordUnits, width)) {
          var cut = 1; // layout._longest_prefix: at least one character per line
          var prefix = unitsOf(word[0]);
          while (cut < word.length && fits(prefix + unitsOf(word[cut]), width)) {
            prefix += unitsOf(word[cut]);
            cut += 1;
          }
          count += 1;
          word = word.slice(cut);
          wordUnits = sum(word);
        }
        current = wordUnits;
      });
      return current === null ? count : count + 1;
    }

    // sheets._text_pages and paginate: paragraphs separated by one blank line, a blank line
    // never starting a page, an empty letter still one page; then the reply sheet.
    return function countPages(text, sizeCode, withReply) {
      var area = metrics.sizes[sizeCode] || metrics.sizes.A4;
      var perPage = area.lines_per_page;
      var pages = 0;
      var onPage = 0;
      var linesSoFar = 0;
      var afterBlank = false;

      function add(blank) {
        linesSoFar += 1;
        if (onPage === 0 && blank) {
          return;
        }
        onPage += 1;
        if (onPage === perPage) {
          pages += 1;
          onPage = 0;
        }
      }

      splitLines(text).forEach(function (line) {
        if (line.every(function (cp) { return whitespace.has(cp); })) {
          afterBlank = linesSoFar > 0;
          return;
        }
        if (afterBlank) {
          add(true);
          afterBlank = false;
        }
        var count = wrappedLines(line, area.text_width);
        for (var i = 0; i < count; i += 1) {
          add(false);
        }
      });
      if (onPage > 0 || pages === 0) {
        pages += 1;
      }
      return pages + (withReply ? metrics.reply_sheet_pages : 0);
    };
  }

  function checkPages(text) {
    if (!counter) {
      return;
    }
    if (!text.trim()) {
      pagesBox.textContent = "";
      pagesBox.setAttribute("data-pages", "");
      return;
    }
    var withReply = Boolean(config.allows_paper && replyBox && replyBox.checked);
    var size = sizeSelect ? sizeSelect.value : "A4";
    var pages = counter(text, size, withReply);
    var letterPages = pages - (withReply ? 1 : 0);
    var said = messages.pages[String(letterPages)] || messages.pages_many;
    pagesBox.textContent = format(said, { num: letterPages }) +
      (withReply ? " " + messages.reply_sheet : "");
    pagesBox.setAttribute("data-pages", String(pages));
  }

  // --- script and language ----------------------------------------------------------------------

  var STOPWORDS = {
    en: "the and you to of is that it for are with your have this we am not my be will hope " +
      "what how was were they from all would there about",
    de: "und der die das ich du nicht ist ein eine zu mit dich dir wir es auf für sie dass " +
      "den von bin hast sind auch wie schon",
    fr: "le les et je tu des est pas que vous une pour dans nous avec ce mon ton suis au aux " +
      "qui sont",
    es: "el los las y que no es un una por con para te estoy mi muy pero como del al sus",
    it: "il che di non sono un una per con ti mi del della sei io anche ma come gli",
    pl: "nie jest na się że jak co ty ciebie do mam jestem czy ale tak już",
    pt: "não você eu um uma para com em os estou muito mas como do da seu sua",
  };
  var stopwords = {};
  Object.keys(STOPWORDS).forEach(function (code) {
    stopwords[code] = new Set(STOPWORDS[code].split(" "));
  });

  function count(text, pattern) {
    var found = text.match(pattern);
    return found ? found.length : 0;
  }

  function guessLatinLanguage(text) {
    var words = text.toLowerCase().match(/\p{L}+/gu) || [];
    var scores = {};
    words.forEach(function (word) {
      Object.keys(stopwords).forEach(function (code) {
        if (stopwords[code].has(word)) {
          scores[code] = (scores[code] || 0) + 1;
        }
      });
    });
    var ranked = Object.keys(scores).sort(function (a, b) { return scores[b] - scores[a]; });
    if (!ranked.length || scores[ranked[0]] < 3) {
      return null;
    }
    // Only a clear winner: short texts share many little words between languages.
    if (ranked.length > 1 && scores[ranked[0]] < 2 * scores[ranked[1]]) {
      return null;
    }
    return ranked[0];
  }

  function guessCyrillicLanguage(text) {
    var lower = text.toLowerCase();
    var belarusian = count(lower, /ў/g);
    var ukrainian = count(lower, /[їєґ]/g);
    var russianOnly = count(lower, /[ыэъ]/g);
    var i = count(lower, /і/g);
    if (belarusian >= 2) {
      return "be";
    }
    if (ukrainian + i >= 3 && russianOnly === 0) {
      return "uk";
    }
    if (russianOnly >= 2 && i === 0) {
      return "ru";
    }
    return null;
  }

  // A paragraph (lines between blank lines) of some length written mostly in Latin letters.
  function latinParagraph(text) {
    return text.split(/\n\s*\n/).some(function (paragraph) {
      var latin = count(paragraph, /\p{Script=Latin}/gu);
      return latin >= 30 && latin > count(paragraph, /\p{Script=Cyrillic}/gu);
    });
  }

  function checkLanguage(text) {
    var reads = config.reads;
    var cyrillicReads = reads.filter(function (code) {
      return config.cyrillic_languages.indexOf(code) !== -1;
    });
    var latin = count(text, /\p{Script=Latin}/gu);
    var cyrillic = count(text, /\p{Script=Cyrillic}/gu);
    var message = "";
    var warn = false;
    var offer = false;
    if (!text.trim()) {
      message = messages.empty;
    } else if (!reads.length) {
      message = messages.languages_unknown;
    } else if (latin + cyrillic >= 12) {
      var mostlyLatin = latin > cyrillic;
      var onlyCyrillicReads = cyrillicReads.length === reads.length;
      if (mostlyLatin && onlyCyrillicReads) {
        message = messages.latin_to_cyrillic_reader;
        warn = true;
        offer = true;
      } else if (onlyCyrillicReads && latinParagraph(text)) {
        // A paragraph in English added to a Russian template is held up just the same.
        message = messages.latin_part_to_cyrillic_reader;
        warn = true;
        offer = true;
      } else if (!mostlyLatin && cyrillicReads.length === 0) {
        message = messages.cyrillic_to_latin_reader;
        warn = true;
      } else {
        var guess = mostlyLatin ? guessLatinLanguage(text) : guessCyrillicLanguage(text);
        if (guess && reads.indexOf(guess) === -1) {
          message = format(messages.other_language, {
            language: config.language_names[guess] || guess,
          });
          warn = true;
          offer = !mostlyLatin || cyrillicReads.length === reads.length;
        } else {
          message = messages.script_ok;
        }
      }
    }
    languageText.textContent = message;
    languageBox.classList.toggle("warning", warn);
    languageBox.setAttribute("data-warning", warn ? "yes" : "no");
    if (bilingualButton) {
      bilingualButton.hidden = !(offer && cyrillicReads.indexOf("ru") !== -1);
    }
  }

  // --- words and topics to avoid ----------------------------------------------------------------

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  // drafting.services.find_avoided: whole words, case-insensitive, «ё» read as «е»; the spaces
  // of a phrase match any whitespace. \p{L}\p{N}_ is Python's \w, Cyrillic included.
  var avoidRules = config.avoid_rules.map(function (rule) {
    return {
      reason: rule.reason,
      words: rule.words,
      patterns: rule.words.map(function (word) {
        var body = word.replace(/ё/g, "е").split(/\s+/).filter(Boolean).map(escapeRegExp)
          .join("\\s+");
        return new RegExp("(?<![\\p{L}\\p{N}_])" + body + "(?![\\p{L}\\p{N}_])", "u");
      }),
    };
  });

  function checkAvoid(text) {
    var folded = text.toLowerCase().replace(/ё/g, "е");
    avoidBox.textContent = "";
    var found = [];
    avoidRules.forEach(function (rule) {
      var hits = [];
      rule.patterns.forEach(function (pattern, index) {
        if (pattern.test(folded) && hits.indexOf(rule.words[index]) === -1) {
          hits.push(rule.words[index]);
        }
      });
      if (hits.length) {
        found.push({ words: hits, reason: rule.reason });
      }
    });
    var heading = document.createElement("p");
    heading.textContent = found.length ? messages.avoid_found : messages.avoid_none;
    avoidBox.appendChild(heading);
    avoidBox.classList.toggle("warning", found.length > 0);
    avoidBox.setAttribute("data-found", String(found.length));
    if (found.length) {
      var list = document.createElement("ul");
      found.forEach(function (item) {
        var entry = document.createElement("li");
        var words = document.createElement("strong");
        words.textContent = item.words.map(function (w) { return "“" + w + "”"; }).join(", ");
        entry.appendChild(words);
        entry.appendChild(document.createTextNode(": " + item.reason));
        list.appendChild(entry);
      });
      avoidBox.appendChild(list);
    }
    // An entry without words is a topic no word list can catch: always said, never "found".
    var topics = avoidRules.filter(function (rule) { return !rule.words.length; });
    if (topics.length) {
      var note = document.createElement("p");
      note.textContent = messages.avoid_topics;
      var topicList = document.createElement("ul");
      topicList.className = "topics";
      topics.forEach(function (rule) {
        var entry = document.createElement("li");
        entry.textContent = rule.reason;
        topicList.appendChild(entry);
      });
      avoidBox.appendChild(note);
      avoidBox.appendChild(topicList);
    }
  }

  function checkLength(text) {
    var length = Array.from(text).length;
    var tooLong = length > config.max_chars;
    lengthBox.hidden = !tooLong;
    lengthBox.textContent = tooLong ? format(messages.too_long, { length: length.toLocaleString() }) : "";
    return tooLong;
  }

  // --- what censors stop: Latin words, blanks, both gender forms (letters/writing/checks.py) ----

  var rules = config.checks;
  var said = config.check_messages;
  var findingsBox = document.getElementById("print-checks");
  var findingsList = document.getElementById("print-checks-list");
  var anywayField = document.getElementById("print-anyway-field");
  var anywayBox = document.getElementById("print-anyway");
  // The server's patterns, read the same way Python's re reads them (case-insensitive).
  var latinWord = rules.latin_word ? new RegExp(rules.latin_word, "gu") : null;
  var blank = new RegExp(rules.blank, "gu");
  var genderForm = new RegExp(rules.gender_form, "giu");

  function distinct(words) {
    return words.filter(function (word, index) { return words.indexOf(word) === index; });
  }

  function quoted(words) {
    return words.map(function (w) { return "“" + w + "”"; }).join(", ");
  }

  // checks.transliterate: the longest spelling first (the server sends them in that order).
  function transliterate(word) {
    var lower = word.toLowerCase();
    var out = "";
    var i = 0;
    while (i < lower.length) {
      var matched = false;
      for (var r = 0; r < rules.transliteration.length; r += 1) {
        var pair = rules.transliteration[r];
        if (lower.startsWith(pair[0], i)) {
          out += pair[1];
          i += pair[0].length;
          matched = true;
          break;
        }
      }
      if (!matched) {
        out += lower[i];
        i += 1;
      }
    }
    return word[0] !== word[0].toLowerCase() ? out[0].toUpperCase() + out.slice(1) : out;
  }

  // checks.check_letter and checks.say, sentence for sentence.
  function findings(text) {
    var out = [];
    if (latinWord) {
      var words = distinct(text.match(latinWord) || []).slice(0, rules.max_words_named);
      if (words.length) {
        out.push(format(said.latin_words, {
          words: quoted(words),
          suggestions: words.map(function (w) { return w + " → " + transliterate(w); })
            .join(", "),
        }));
      }
    }
    if ((text.match(blank) || []).length) {
      out.push(said.blanks);
    }
    var forms = distinct(Array.from(text.matchAll(genderForm), function (m) { return m[0]; }));
    if (forms.length) {
      out.push(format(said.gender_forms, { words: quoted(forms) }));
    }
    return out;
  }

  var lastFindings = "";

  function checkFindings(text) {
    var found = findings(text);
    var key = found.join("\n");
    if (key !== lastFindings) {
      // Rewritten only when something changed, so the live region speaks once per change.
      lastFindings = key;
      findingsList.textContent = "";
      found.forEach(function (message) {
        var item = document.createElement("li");
        item.textContent = message;
        findingsList.appendChild(item);
      });
    }
    findingsBox.hidden = !found.length;
    anywayField.hidden = !found.length;
    if (!found.length && anywayBox) {
      anywayBox.checked = false;
    }
    return found.length > 0;
  }

  function runChecks() {
    var text = textarea.value;
    checkFindings(text);
    checkLanguage(text);
    checkAvoid(text);
    checkPages(text);
    checkLength(text);
  }

  // --- templates --------------------------------------------------------------------------------

  // Replacing an untouched template needs no question; replacing the writer's own words does.
  function mayReplaceDraft() {
    var current = textarea.value;
    return !current.trim() || current === filledText || window.confirm(messages.replace_draft);
  }

  // Set once the page's Content-Security-Policy has refused a fetch (no connect-src): from then
  // on the template form is simply submitted, and the server fills it in the reloaded page.
  var fetchRefused = false;

  function submitTemplateForm(form) {
    saveWriter();
    HTMLFormElement.prototype.submit.call(form || templateForm); // no submit event: no loop
  }

  // fallbackForm: the form that carries templateId when the page must reload (the main
  // template form unless the template was chosen among the other languages).
  function fillTemplate(templateId, fallbackForm) {
    if (templateSelect && !fallbackForm) {
      templateSelect.value = String(templateId);
    }
    if (fetchRefused) {
      if (mayReplaceDraft()) {
        submitTemplateForm(fallbackForm);
      }
      return;
    }
    var token = templateForm.querySelector("input[name=csrf_token]").value;
    var body = { template_id: String(templateId) };
    WRITER_FIELDS.forEach(function (id) {
      var input = document.getElementById(id);
      body[input.name] = input.value;
    });
    body.size = sizeSelect ? sizeSelect.value : "A4";
    templateStatus.hidden = true;
    saveWriter();
    fetch(config.fill_url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": token,
      },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          throw new Error(data.error || messages.fill_failed);
        }
        return data;
      });
    }, function () {
      // No response at all: refused by the policy (or the network is gone). The plain form
      // does the same on the server.
      fetchRefused = true;
      return null;
    }).then(function (data) {
      if (!mayReplaceDraft()) {
        return;
      }
      if (data === null) {
        submitTemplateForm(fallbackForm);
        return;
      }
      textarea.value = data.text;
      filledText = data.text;
      touched = false;
      showTranslation(data.translation);
      saveDraft();
      runChecks();
      textarea.focus();
    }).catch(function (error) {
      templateStatus.textContent = error && error.message ? error.message : messages.fill_failed;
      templateStatus.hidden = false;
    });
  }

  // --- phrases ----------------------------------------------------------------------------------

  // Until the writer puts the cursor somewhere, a phrase goes at the end of the letter.
  var touched = false;
  ["focus", "click", "keyup", "select"].forEach(function (name) {
    textarea.addEventListener(name, function () {
      touched = true;
    });
  });

  function insertPhrase(phrase) {
    var value = textarea.value;
    var start = touched ? textarea.selectionStart : value.length;
    var end = touched ? textarea.selectionEnd : value.length;
    var before = value.slice(0, start);
    var insert = before && !/\s$/.test(before) ? " " + phrase : phrase;
    textarea.value = before + insert + value.slice(end);
    var cursor = start + insert.length;
    textarea.focus();
    textarea.setSelectionRange(cursor, cursor);
    touched = true;
    saveDraft();
    runChecks();
  }

  // --- wiring -----------------------------------------------------------------------------------

  function start() {
    panel.hidden = false;
    Array.prototype.forEach.call(
      document.querySelectorAll(".insert-phrase, .phrasebook-help, .draft-tools"),
      function (element) {
        element.hidden = false;
      }
    );
    restoreWriter();
    restoreDraft();

    textarea.addEventListener("input", function () {
      saveDraft();
      runChecks();
    });
    if (sizeSelect) {
      sizeSelect.addEventListener("change", function () {
        if (templateSize) {
          templateSize.value = sizeSelect.value; // a template chosen without script keeps it
        }
        runChecks();
      });
      if (templateSize) {
        templateSize.value = sizeSelect.value;
      }
    }
    if (replyBox) {
      replyBox.addEventListener("change", runChecks);
    }
    Array.prototype.forEach.call(document.querySelectorAll(".insert-phrase"), function (button) {
      button.addEventListener("click", function () {
        insertPhrase(button.getAttribute("data-phrase"));
      });
    });
    if (templateForm && templateSelect) {
      templateForm.addEventListener("submit", function (event) {
        event.preventDefault();
        fillTemplate(templateSelect.value);
      });
    }
    if (otherTemplateForm && otherTemplateSelect && templateForm) {
      otherTemplateForm.addEventListener("submit", function (event) {
        event.preventDefault();
        fillTemplate(otherTemplateSelect.value, otherTemplateForm);
      });
    }
    if (bilingualButton && templateForm) {
      bilingualButton.addEventListener("click", function () {
        fillTemplate(bilingualButton.getAttribute("data-template-id"));
      });
    }
    document.getElementById("clear-draft").addEventListener("click", function () {
      if (textarea.value.trim() && !window.confirm(messages.clear_draft)) {
        return;
      }
      textarea.value = "";
      filledText = null;
      showTranslation("");
      writeJSON(DRAFT_KEY, null);
      draftStatus.textContent = "";
      runChecks();
    });
    letterForm.addEventListener("submit", function (event) {
      // Said here at once; the server refuses the same letters with the same words.
      if (checkLength(textarea.value)) {
        event.preventDefault();
        textarea.focus();
      } else if (!textarea.value.trim()) {
        event.preventDefault();
        lengthBox.textContent = messages.empty_letter;
        lengthBox.hidden = false;
        textarea.focus();
      } else if (checkFindings(textarea.value) && !(anywayBox && anywayBox.checked)) {
        // Errors before printing: read them, mend the letter, or choose "Print anyway".
        event.preventDefault();
        findingsBox.focus();
      }
    });

    try {
      counter = makeCounter(JSON.parse(panel.getAttribute("data-metrics")));
    } catch (error) {
      pagesBox.textContent = messages.metrics_failed;
    }
    runChecks();
    panel.setAttribute("data-ready", "yes");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
