// "I sent it" answers where it was pressed: the letter is counted without leaving the page,
// the button becomes "Counted — thank you" (disabled, so one view cannot count a letter twice),
// and the thanks, with a way on to someone else, is announced and focused. Without this script
// the form posts and the page comes back to #sent saying the same.
(function () {
  "use strict";

  var form = document.getElementById("sent-form");
  var button = document.getElementById("i-sent-it");
  var answer = document.getElementById("sent-answer");
  var thanks = document.getElementById("sent-thanks");
  if (!form || !button || !answer || !thanks || button.disabled) {
    return;
  }

  function plainSubmit() {
    HTMLFormElement.prototype.submit.call(form); // no submit event: no loop
  }

  function counted(message) {
    button.textContent = form.getAttribute("data-counted");
    button.disabled = true;
    button.type = "button";
    var campaign = document.getElementById("sent-campaign");
    if (campaign) {
      campaign.disabled = true;
    }
    thanks.textContent = message;
    answer.classList.remove("error");
    answer.classList.add("success");
    answer.hidden = false;
    answer.focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (button.disabled) {
      return;
    }
    button.disabled = true; // a second press while the first is on its way counts nothing
    fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json" },
      body: new FormData(form),
    }).then(function (response) {
      if (response.ok) {
        return response.json().then(function (data) {
          counted(data.message);
        });
      }
      // Refused (a stale campaign, too many presses): the server's own page says why.
      plainSubmit();
      return null;
    }, function () {
      // No answer: perhaps not counted. Say so and let the writer press again.
      button.disabled = false;
      thanks.textContent = form.getAttribute("data-failed");
      answer.classList.remove("success");
      answer.classList.add("error");
      answer.hidden = false;
      answer.focus();
    });
  });
})();
