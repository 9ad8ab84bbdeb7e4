/* The consumption map (docs/adr/0152): Leaflet (vendored, static/vendor/leaflet) draws the
   kecamatan as circles sized by spend and the merchants as small dots, from the JSON the page
   embeds (#map-data). Background tiles only when the server is configured with a tiles URL;
   without them the points still read against the empty map. */
(function () {
  "use strict";
  var box = document.getElementById("consumption-map");
  var source = document.getElementById("map-data");
  if (!box || !source || typeof L === "undefined") return;
  var data = JSON.parse(source.textContent);
  var all = (data.kecamatan || []).concat(data.merchants || []);
  if (!all.length) return;
  var map = L.map(box, {
    scrollWheelZoom: false, attributionControl: !!data.tiles, minZoom: 3, maxZoom: 18
  });
  if (data.tiles) {
    L.tileLayer(data.tiles, { maxZoom: 18, attribution: data.attribution || "" }).addTo(map);
  }
  var top = Math.max.apply(null, (data.kecamatan || []).map(function (k) { return k.spend; }).concat([1]));
  function esc(text) {
    var d = document.createElement("div");
    d.textContent = String(text);
    return d.innerHTML;
  }
  (data.kecamatan || []).forEach(function (k) {
    var radius = 8 + 32 * Math.sqrt(k.spend / top);
    L.circleMarker([k.lat, k.lng], {
      radius: radius, color: "#136f3b", weight: 2, fillColor: "#22a35a", fillOpacity: 0.35
    }).addTo(map).bindTooltip(
      "<strong>" + esc(k.name) + "</strong><br>" + esc(k.spend_label) + " · " + k.merchants + " " + esc(data.labels.merchants),
      { permanent: !data.tiles, direction: "top", className: "eb-map-label" }
    );
  });
  (data.merchants || []).forEach(function (m) {
    L.circleMarker([m.lat, m.lng], {
      radius: 3, color: "#7e22ce", weight: 1, fillColor: "#7e22ce", fillOpacity: 0.8
    }).addTo(map).bindTooltip(
      "<strong>" + esc(m.name) + "</strong><br>" + esc(m.kecamatan) + "<br>" + esc(m.spend_label) + " · " + m.purchases + " " + esc(data.labels.purchases)
    );
  });
  var bounds = L.latLngBounds(all.map(function (p) { return [p.lat, p.lng]; }));
  var lastWidth = -1;
  function fit() {
    // The desk lays its page out after the scripts ran: measure again once it has a size.
    if (box.clientWidth === lastWidth) return;
    lastWidth = box.clientWidth;
    map.invalidateSize(false);
    map.fitBounds(bounds.pad(0.15), { maxZoom: 13, animate: false });
  }
  map.setView(bounds.getCenter(), 10, { animate: false });
  fit();
  window.addEventListener("load", fit);
  if (window.ResizeObserver) new ResizeObserver(fit).observe(box);
})();
