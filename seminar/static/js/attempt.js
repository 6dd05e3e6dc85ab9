// Quiz attempt page: save each answer as it changes, and count down the server's timer.
// Without JavaScript the page still works: every button saves the page's answers.
(function () {
  "use strict";

  var form = document.querySelector("form.attempt-form");
  var status = document.querySelector(".autosave-status");
  var csrf = document.querySelector("input[name=csrf_token]");

  // A question's answer is its fieldset's form fields, name -> values, as the page's form
  // would post them: the server reads them with the same code, whatever the question type.
  function fieldsOf(fieldset) {
    var fields = {};
    Array.prototype.forEach.call(fieldset.elements, function (el) {
      if (!el.name || el.disabled) return;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      var values = el.type === "select-multiple"
        ? Array.prototype.map.call(el.selectedOptions, function (o) { return o.value; })
        : [el.value];
      fields[el.name] = (fields[el.name] || []).concat(values);
    });
    return fields;
  }

  function save(fieldset) {
    var note = fieldset.querySelector(".save-state");
    if (note) note.textContent = "Saving…";
    return fetch(form.dataset.autosave, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
      body: JSON.stringify({
        position: parseInt(fieldset.dataset.position, 10),
        fields: fieldsOf(fieldset),
      }),
    })
      .then(function (r) {
        return r.json().then(function (body) { return { status: r.status, body: body }; });
      })
      .then(function (result) {
        if (result.body.review) {  // submitted (time up, or elsewhere): show the review
          window.location.assign(result.body.review);
          return;
        }
        if (result.status !== 200) throw new Error(result.body.error || "not saved");
        if (note) note.textContent = "Saved";
        if (status) status.textContent = "";
      })
      .catch(function () {
        if (note) note.textContent = "Not saved yet: check your connection. It is saved when you press a button.";
        if (status) status.textContent = "An answer could not be saved. Your connection may be down.";
      });
  }

  if (form && form.dataset.autosave) {
    var timers = {};
    form.addEventListener("change", function (event) {
      var fieldset = event.target.closest("fieldset.question");
      if (fieldset) save(fieldset);
    });
    // Typing: save a moment after the student stops.
    form.addEventListener("input", function (event) {
      var fieldset = event.target.closest("fieldset.question");
      if (!fieldset || event.target.tagName === "SELECT") return;
      var key = fieldset.dataset.position;
      clearTimeout(timers[key]);
      timers[key] = setTimeout(function () { save(fieldset); }, 800);
    });
  }

  // The countdown starts from the server's number of seconds left, not the device clock.
  var timer = document.querySelector(".timer[data-seconds-left]");
  if (!timer) return;
  var value = timer.querySelector(".timer-value");
  var announce = timer.querySelector(".timer-announce");
  var endsAt = Date.now() + parseInt(timer.dataset.secondsLeft, 10) * 1000;
  // Screen readers hear only a few thresholds, not every second.
  var thresholds = [600, 300, 60, 30];
  var said = {};

  function tick() {
    var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    var minutes = Math.floor(left / 60);
    var seconds = left % 60;
    value.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    thresholds.forEach(function (t) {
      if (left <= t && left > t - 5 && !said[t]) {
        said[t] = true;
        announce.textContent = t >= 60 ? t / 60 + " minute" + (t > 60 ? "s" : "") + " left." : t + " seconds left.";
      }
    });
    if (left <= 60) timer.classList.add("urgent");
    if (left === 0) {
      clearInterval(handle);
      announce.textContent = "Time is up. Submitting your answers.";
      if (form) {
        var action = document.createElement("input");
        action.type = "hidden";
        action.name = "action";
        action.value = "submit";
        form.appendChild(action);
        form.submit();
      } else {
        // The summary page: submit what is saved, as its button would.
        var submitForm = document.querySelector("form[data-submit-attempt]");
        if (submitForm) submitForm.submit();
      }
    }
  }
  var handle = setInterval(tick, 1000);
  tick();
})();
