// "Print this comparison": shows the button and opens the browser's print dialog. Without
// JavaScript the browser's own Print command gives the same one-page handout (print styles).
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
