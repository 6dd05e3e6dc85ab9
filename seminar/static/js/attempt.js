// Quiz attempt page: save each answer as it changes (kept on the device while the connection
// is down, and saved when it returns), and count down the server's timer. Without JavaScript
// the page still works: every button saves the page's answers.
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

  // Answers not yet saved stay on this device (localStorage, per attempt) until the server
  // has them: a dropped connection loses nothing, and they go when it returns. Logging out
  // clears them (the server's Clear-Site-Data header).
  var storeKey = form ? "seminar-unsaved:" + form.dataset.autosave : "";
  var retryTimer = null;
  var retries = 0;

  function unsaved() {
    try {
      return JSON.parse(localStorage.getItem(storeKey) || "{}");
    } catch (e) {
      return {};
    }
  }

  function tell() {
    var waiting = Object.keys(unsaved()).length;
    if (!status) return;
    status.classList.toggle("waiting", waiting > 0);
    status.textContent = waiting
      ? waiting + (waiting === 1 ? " answer is" : " answers are") +
        " waiting to save: kept on this device, saved when the connection returns."
      : "";
  }

  function keep(position, fields) {
    var all = unsaved();
    if (fields) all[position] = fields; else delete all[position];
    try {
      if (Object.keys(all).length) localStorage.setItem(storeKey, JSON.stringify(all));
      else localStorage.removeItem(storeKey);
    } catch (e) { /* private mode: the answer is still sent now */ }
    tell();
  }

  function noteFor(position) {
    var fieldset = form.querySelector('fieldset.question[data-position="' + position + '"]');
    return fieldset ? fieldset.querySelector(".save-state") : null;
  }

  function retryLater() {
    clearTimeout(retryTimer);
    retries += 1;
    retryTimer = setTimeout(flush, Math.min(30000, 1000 * Math.pow(2, retries)));
  }

  function post(position, fields) {
    var note = noteFor(position);
    if (note) {
      note.textContent = "Saving…";
      note.classList.remove("waiting");
    }
    return fetch(form.dataset.autosave, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
      body: JSON.stringify({ position: parseInt(position, 10), fields: fields }),
    })
      .then(function (r) {
        return r.json()
          .catch(function () { return {}; })  // an error page: its status says enough
          .then(function (body) { return { status: r.status, body: body }; });
      })
      .then(function (result) {
        if (result.body.review) {  // submitted (time up, or elsewhere): show the review
          keep(position, null);
          window.location.assign(result.body.review);
          return false;
        }
        if (result.status >= 500) throw new Error("server unavailable");
        // Saved, or refused for good (the server says why): either way it stops waiting,
        // unless the student changed it again meanwhile.
        if (JSON.stringify(unsaved()[position]) === JSON.stringify(fields)) keep(position, null);
        if (note) note.textContent = result.status === 200 ? "Saved" : (result.body.error || "Not saved");
        retries = 0;
        return true;
      })
      .catch(function () {
        if (note) {
          note.textContent = "Waiting to save: no connection. Kept on this device.";
          note.classList.add("waiting");
        }
        retryLater();
        return false;
      });
  }

  function flush() {
    var all = unsaved();
    return Promise.all(Object.keys(all).map(function (position) {
      return post(position, all[position]);
    })).then(function (done) { return done.every(Boolean); });
  }

  function save(fieldset) {
    var fields = fieldsOf(fieldset);
    keep(fieldset.dataset.position, fields);
    return post(fieldset.dataset.position, fields);
  }

  // Put back what was typed on this device and is not saved yet (the page was reloaded,
  // or opened again, before the connection returned).
  function restore(fieldset, fields) {
    Array.prototype.forEach.call(fieldset.elements, function (el) {
      if (!el.name || !(el.name in fields)) return;
      var values = fields[el.name].map(String);
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = values.indexOf(el.value) >= 0;
      } else if (el.type === "select-multiple") {
        Array.prototype.forEach.call(el.options, function (o) {
          o.selected = values.indexOf(o.value) >= 0;
        });
      } else {
        el.value = values[0] === undefined ? "" : values[0];
      }
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
    // A button posts the page's answers; answers still waiting go first, or the page stays.
    form.addEventListener("submit", function (event) {
      if (!Object.keys(unsaved()).length || form.dataset.flushed) return;
      event.preventDefault();
      var button = event.submitter;
      flush().then(function (saved) {
        if (!saved) {
          if (status) {
            status.textContent = "No connection: your answers are kept on this device. " +
              "Press the button again when the connection returns.";
          }
          return;
        }
        form.dataset.flushed = "yes";
        if (form.requestSubmit) form.requestSubmit(button); else form.submit();
      });
    });
    window.addEventListener("online", flush);
    var waiting = unsaved();
    Object.keys(waiting).forEach(function (position) {
      var fieldset = form.querySelector('fieldset.question[data-position="' + position + '"]');
      if (fieldset) restore(fieldset, waiting[position]);
    });
    if (Object.keys(waiting).length) flush();
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
