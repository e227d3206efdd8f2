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
        // "Choose all that apply" is part of the question.
        document.querySelectorAll("[data-read-also]").forEach(function (note) {
          parts.push(note.textContent.trim());
        });
        document.querySelectorAll(".choices label").forEach(function (label) {
          parts.push(label.textContent.trim());
        });
        window.speechSynthesis.cancel();
        window.speechSynthesis.speak(new SpeechSynthesisUtterance(parts.join(". ")));
      });
    });
  }
  // The header's menus: one button opens the whole menu on a phone, and each
  // group's button opens its list (a disclosure, not an ARIA menu: the links
  // stay links, reached with Tab). Escape or a click elsewhere closes them.
  function setOpen(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  function closeGroups(except) {
    document.querySelectorAll(".menu-group-toggle[aria-expanded='true']").forEach(function (b) {
      if (b !== except) { setOpen(b, false); }
    });
  }
  function wireMenu() {
    var toggle = document.querySelector(".menu-toggle");
    var menu = document.getElementById("site-menu");
    if (toggle && menu) {
      toggle.hidden = false;
      toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") !== "true";
        setOpen(toggle, open);
        menu.classList.toggle("open", open);
      });
    }
    document.querySelectorAll(".menu-group-toggle").forEach(function (button) {
      button.addEventListener("click", function () {
        var open = button.getAttribute("aria-expanded") !== "true";
        closeGroups(button);
        setOpen(button, open);
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      var open = document.querySelector(".menu-group-toggle[aria-expanded='true']");
      if (open) { setOpen(open, false); open.focus(); }
    });
    document.addEventListener("click", function (event) {
      if (!event.target.closest(".menu-group")) { closeGroups(null); }
    });
  }
  // A table that scrolls inside its own box must be reachable from the
  // keyboard (WCAG 2.1.1): the box takes focus and is named by its caption.
  function focusableScrollers(root) {
    root.querySelectorAll(".table-scroll:not([tabindex])").forEach(function (box) {
      box.tabIndex = 0;
      var caption = box.querySelector("caption");
      if (caption && !box.hasAttribute("aria-label")) {
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", caption.textContent.trim());
      }
    });
  }
  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    wireMenu(); wire(document); focusableScrollers(document);
  });
  // A poll answered "304 Not Modified" keeps what the page shows (htmx would
  // otherwise swap in the empty body).
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 304) { event.detail.shouldSwap = false; }
  });
  document.addEventListener("htmx:load", function (event) {
    wire(event.target); focusableScrollers(event.target);
  });
})();
