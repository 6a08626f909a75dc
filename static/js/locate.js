// "Use my location": fills the search box with the browser's position, rounded to about 1 km,
// as "lat,lng" and submits the form. The button stays hidden where geolocation is unavailable; typing a ZIP
// code or a city always works without it.
(function () {
  "use strict";
  if (!("geolocation" in navigator)) {
    return;
  }

  // Two decimals of a degree: about 1 km (1.1 km of latitude; less of longitude). The exact
  // position never leaves the browser (issue 19.4): a search near it needs no more.
  function roughly(degrees) {
    return degrees.toFixed(2);
  }

  document.querySelectorAll("[data-locate]").forEach(function (button) {
    var form = button.closest("form");
    var input = form && form.querySelector("input[name=near]");
    var status = form && form.querySelector("[data-locate-status]");
    if (!input) {
      return;
    }
    button.hidden = false;

    // The messages come from the status line of the (translated) page; English by default.
    var texts = (status && status.dataset) || {};
    var messages = {
      finding: texts.finding || "Finding your location…",
      searching: texts.searching || "Searching near your location…",
      failed:
        texts.failed ||
        "We couldn't get your location. Type a ZIP code or a city and state instead.",
    };

    function say(message) {
      if (status) {
        status.textContent = message;
      }
    }

    button.addEventListener("click", function () {
      say(messages.finding);
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          input.value = roughly(position.coords.latitude) + "," + roughly(position.coords.longitude);
          input.removeAttribute("required");
          say(messages.searching);
          form.submit();
        },
        function () {
          button.disabled = false;
          say(messages.failed);
          input.focus();
        },
        { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 }
      );
    });
  });
})();
