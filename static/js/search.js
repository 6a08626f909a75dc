// On wide screens the filters sit in a sidebar beside the results: show them open there.
// Without JavaScript they stay a collapsible section, open whenever a filter is chosen.
(function () {
  "use strict";
  var filters = document.querySelector(".search-form details.filters");
  if (filters && window.matchMedia("(min-width: 64rem)").matches) {
    filters.open = true;
  }
})();
