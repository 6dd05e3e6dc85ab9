// Projector pages: the host's keyboard shortcuts (each control form says its key in
// data-key; the page lists them) and full screen (F). Typing in a field never triggers them.
(function () {
  "use strict";

  function toggleFullScreen() {
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else if (document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(function () { /* refused: fine */ });
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    var target = event.target;
    if (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
    var key = event.key.toLowerCase();
    if (key === "f") {
      event.preventDefault();
      toggleFullScreen();
      return;
    }
    var form = document.querySelector('form[data-key="' + key + '"]');
    if (!form) return;
    event.preventDefault();
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  });

  var button = document.querySelector('button[data-key="f"]');
  if (button) button.addEventListener("click", toggleFullScreen);
})();
