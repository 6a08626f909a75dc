// Maps over lists that already work on their own: any element with data-map gets a Leaflet
// map of the points in the JSON script its data-points names (written by Django's
// json_script, so no inline script is needed under the strict CSP).
(function () {
  "use strict";
  if (typeof window.L === "undefined") {
    return;
  }

  function initMap(element) {
    var source = document.getElementById(element.dataset.points);
    var tileUrl = element.dataset.tileUrl;
    if (!source || !tileUrl) {
      return;
    }
    var points;
    try {
      points = JSON.parse(source.textContent);
    } catch (error) {
      return;
    }
    if (!points.length) {
      return;
    }
    element.hidden = false;
    document.querySelectorAll(".map-jump").forEach(function (jump) {
      jump.hidden = false;
    });
    var map = L.map(element, { scrollWheelZoom: false });
    L.tileLayer(tileUrl, {
      maxZoom: 18,
      attribution: element.dataset.attribution || "",
    }).addTo(map);

    var bounds = [];
    points.forEach(function (point) {
      // Numbered like the list, so "3" on the map is the third result.
      var marker = point.number
        ? L.marker([point.lat, point.lng], {
            icon: L.divIcon({
              className: "map-number",
              html: String(point.number),
              iconSize: [26, 26],
            }),
            title: point.number + ". " + point.name,
            alt: point.number + ". " + point.name,
          }).addTo(map)
        : L.circleMarker([point.lat, point.lng], {
            radius: 8,
            weight: 2,
            color: "#1d4e89",
            fillColor: "#3b82c4",
            fillOpacity: 0.8,
          }).addTo(map);
      var popup = document.createElement("div");
      var link = document.createElement("a");
      link.href = point.url;
      link.textContent = point.name;
      popup.appendChild(link);
      if (point.clinic && point.clinic !== point.name) {
        var detail = document.createElement("div");
        detail.textContent = point.clinic;
        popup.appendChild(detail);
      }
      marker.bindPopup(popup);
      bounds.push([point.lat, point.lng]);
    });
    // The searched place, and the circle searched around it.
    var originSource = element.dataset.origin && document.getElementById(element.dataset.origin);
    var origin = originSource ? JSON.parse(originSource.textContent) : null;
    if (origin) {
      L.circleMarker([origin.lat, origin.lng], {
        radius: 6,
        weight: 3,
        color: "#7a4b00",
        fillColor: "#ffffff",
        fillOpacity: 1,
      })
        .bindTooltip(element.dataset.originTooltip || "You searched near " + origin.label)
        .addTo(map);
      if (origin.radius_miles) {
        L.circle([origin.lat, origin.lng], {
          radius: origin.radius_miles * 1609.344,
          weight: 1,
          color: "#7a4b00",
          fill: false,
          dashArray: "4 4",
        }).addTo(map);
      }
    }
    if (bounds.length === 1) {
      map.setView(bounds[0], 13);
    } else {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13 });
    }
  }

  document.querySelectorAll("[data-map]").forEach(initMap);
})();
