// Progressive enhancement only: every page works without this file.
// A "copy" button beside each command a technician pastes elsewhere.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-copy]").forEach(function (btn) {
    btn.hidden = false;
    btn.addEventListener("click", function () {
      var src = document.getElementById(btn.getAttribute("data-copy"));
      if (!src || !navigator.clipboard) return;
      navigator.clipboard.writeText(src.textContent).then(function () {
        btn.setAttribute("data-done", "1");
        btn.textContent = btn.getAttribute("data-copied") || btn.textContent;
      });
    });
  });
});
