/* The merchant's location on the marketplace page (issue 17): the vendored Leaflet of the
   reports draws one marker from #market-point; tiles only when the server has a tiles URL. */
(function () {
  "use strict";
  var box = document.getElementById("market-map");
  var source = document.getElementById("market-point");
  if (!box || !source || typeof L === "undefined") return;
  var p = JSON.parse(source.textContent);
  var map = L.map(box, { scrollWheelZoom: false, attributionControl: !!p.tiles });
  if (p.tiles) L.tileLayer(p.tiles, { maxZoom: 18 }).addTo(map);
  map.setView([p.lat, p.lng], 15);
  var label = document.createElement("span");
  label.textContent = p.name;
  L.circleMarker([p.lat, p.lng], {
    radius: 8, color: "#136f3b", weight: 2, fillColor: "#22a35a", fillOpacity: 0.7
  }).addTo(map).bindTooltip(label, { permanent: !p.tiles, direction: "top" });
})();
