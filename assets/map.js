// The store map: Leaflet over the configured tile server, one marker per store of the
// list below it. When Leaflet or the tiles cannot load, the list still shows every store,
// and a message on the map says the map itself could not load.
(function () {
  var el = document.getElementById("map");
  if (!el || !window.L) return;
  var items = document.querySelectorAll("ul.stores li[data-lat]");
  if (!items.length) return;
  el.hidden = false;
  var map = L.map(el);
  var failed = document.getElementById("map-tiles-failed");
  L.tileLayer(el.getAttribute("data-tiles"), {
    maxZoom: 19,
    attribution: el.getAttribute("data-attribution")
  }).on("tileerror", function () {
    if (failed) failed.hidden = false;
  }).addTo(map);
  var bounds = [];
  items.forEach(function (li) {
    var at = [parseFloat(li.getAttribute("data-lat")), parseFloat(li.getAttribute("data-lng"))];
    var link = li.querySelector("a");
    var popup = document.createElement("a");
    popup.href = link.getAttribute("href");
    popup.textContent = link.textContent;
    L.marker(at, { title: link.textContent, alt: link.textContent }).addTo(map).bindPopup(popup);
    bounds.push(at);
  });
  map.fitBounds(bounds, { padding: [30, 30], maxZoom: 16 });
})();
