// On wide screens the filters sit in a sidebar beside the results: show them open there.
// Without JavaScript they stay a collapsible section, open whenever a filter is chosen.
(function () {
  "use strict";
  var filters = document.querySelector(".search-form details.filters");
  if (filters && window.matchMedia("(min-width: 64rem)").matches) {
    filters.open = true;
  }

  // After a search, focus goes to the error summary or to the heading with the number of
  // results, so that screen readers announce the outcome (issue 7).
  var outcome =
    document.querySelector(".error-summary") || document.getElementById("results-heading");
  if (outcome && window.location.search) {
    outcome.focus();
  }
})();
