// On wide screens the filters sit in a sidebar beside the results: show them open there.
// Without JavaScript they stay a collapsible section, open whenever a filter is chosen.
(function () {
  "use strict";
  var filters = document.querySelector(".search-form details.filters");
  if (filters && window.matchMedia("(min-width: 64rem)").matches) {
    filters.open = true;
  }

  // Ticking a filter applies it at once; without JavaScript, "Update results" does.
  var form = document.querySelector(".search-form");
  if (form && filters) {
    filters.addEventListener("change", function (event) {
      if (event.target.matches("input[type=checkbox], input[type=radio]")) {
        form.requestSubmit ? form.requestSubmit() : form.submit();
      }
    });
  }

  // After a search, focus goes to the error summary or to the heading with the number of
  // results, so that screen readers announce the outcome (issue 7).
  var outcome =
    document.querySelector(".error-summary") || document.getElementById("results-heading");
  if (outcome && window.location.search) {
    outcome.focus();
  }
})();
