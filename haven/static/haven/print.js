// Printing a page prints what its closed <details> hold: Chromium leaves a closed one's content
// out of print. Each closed one is opened before printing and closed again afterwards. Loaded
// from Haven's own origin, as the Content-Security-Policy (script-src 'self') requires.
(function () {
  "use strict";
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (details) {
      details.open = true;
      opened.push(details);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (details) {
      details.open = false;
    });
    opened = [];
  });
})();
