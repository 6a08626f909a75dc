// "Use my location": fills the search box with the browser's position as "lat,lng" and
// submits the form. The button stays hidden where geolocation is unavailable; typing a ZIP
// code or a city always works without it.
(function () {
  "use strict";
  if (!("geolocation" in navigator)) {
    return;
  }

  document.querySelectorAll("[data-locate]").forEach(function (button) {
    var form = button.closest("form");
    var input = form && form.querySelector("input[name=near]");
    var status = form && form.querySelector("[data-locate-status]");
    if (!input) {
      return;
    }
    button.hidden = false;

    function say(message) {
      if (status) {
        status.textContent = message;
      }
    }

    button.addEventListener("click", function () {
      say("Finding your location…");
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          input.value =
            position.coords.latitude.toFixed(5) + "," + position.coords.longitude.toFixed(5);
          input.removeAttribute("required");
          say("Searching near your location…");
          form.submit();
        },
        function () {
          button.disabled = false;
          say("We couldn't get your location. Type a ZIP code or a city and state instead.");
          input.focus();
        },
        { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 }
      );
    });
  });
})();
