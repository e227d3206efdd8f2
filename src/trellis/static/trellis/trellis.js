/* Trellis's few page behaviours, as a file (the Content-Security-Policy
   allows no inline scripts or event-handler attributes). */
(function () {
  "use strict";
  function wire(root) {
    root.querySelectorAll("[data-print]").forEach(function (button) {
      if (button.dataset.wired) { return; }
      button.dataset.wired = "1";
      button.addEventListener("click", function () { window.print(); });
    });
    root.querySelectorAll(".indiv-read-aloud[data-read]").forEach(function (button) {
      if (button.dataset.wired) { return; }
      button.dataset.wired = "1";
      if (!("speechSynthesis" in window)) { button.hidden = true; return; }
      button.addEventListener("click", function () {
        var parts = [document.querySelector(button.dataset.read).textContent];
        document.querySelectorAll(".choices label").forEach(function (label) {
          parts.push(label.textContent.trim());
        });
        window.speechSynthesis.cancel();
        window.speechSynthesis.speak(new SpeechSynthesisUtterance(parts.join(". ")));
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { wire(document); });
  // A poll answered "304 Not Modified" keeps what the page shows (htmx would
  // otherwise swap in the empty body).
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 304) { event.detail.shouldSwap = false; }
  });
  document.addEventListener("htmx:load", function (event) { wire(event.target); });
})();
