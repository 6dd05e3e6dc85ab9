// Drives a CSV import: posts one batch after another and redraws the progress bar from each
// answer. Without this script the page's "Continue the import" button posts a batch at a time.
(function () {
  "use strict";
  function start(box) {
    var form = box.querySelector("[data-import-form]");
    if (!form || box.dataset.state !== "running") return;
    var token = form.querySelector("input[name=csrf_token]");
    var status = box.querySelector("[data-import-status]");
    var bar = box.querySelector("progress");
    form.hidden = true;
    function show(data) {
      bar.value = data.done;
      box.querySelector("[data-import-done]").textContent = data.done;
      box.querySelector("[data-import-percent]").textContent = data.percent;
      ["invited", "enrolled", "unchanged"].forEach(function (key) {
        box.querySelector("[data-import-" + key + "]").textContent = data[key];
      });
    }
    function step(failures) {
      var body = new FormData();
      if (token) body.append("csrf_token", token.value);
      fetch(box.dataset.stepUrl, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      }).then(function (data) {
        show(data);
        if (data.state === "running") {
          status.textContent = "Importing: " + data.done + " of " + data.total + " rows done.";
          step(0);
        } else {
          status.textContent = "Finished: every row is done.";
          window.location.reload();
        }
      }).catch(function () {
        if (failures < 5) {
          status.textContent = "The connection failed; trying again.";
          setTimeout(function () { step(failures + 1); }, 2000 * (failures + 1));
        } else {
          status.textContent = "The import is paused (the connection failed). Nothing is lost: continue when you are back online.";
          form.hidden = false;
        }
      });
    }
    status.textContent = "Importing…";
    step(0);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-import]").forEach(start);
  });
})();
