// Picking a store's location: a tap on the map puts the marker there and fills the
// latitude and longitude fields; typing in the fields moves the marker. Without the map
// (no JavaScript, tiles that cannot load) the two fields still work by hand.
(function () {
  var el = document.getElementById("pick-map");
  var lat = document.getElementById("f-lat");
  var lng = document.getElementById("f-lng");
  if (!el || !lat || !lng || !window.L) return;
  el.hidden = false;
  var failed = document.getElementById("pick-tiles-failed");
  var map = L.map(el);
  L.tileLayer(el.getAttribute("data-tiles"), {
    maxZoom: 19,
    attribution: el.getAttribute("data-attribution")
  }).on("tileerror", function () {
    if (failed) failed.hidden = false;
  }).addTo(map);
  var marker = null;
  function typed() {
    var a = parseFloat(lat.value), b = parseFloat(lng.value);
    return isFinite(a) && isFinite(b) && Math.abs(a) <= 90 && Math.abs(b) <= 180 ? [a, b] : null;
  }
  function place(at) {
    if (marker) marker.setLatLng(at);
    else marker = L.marker(at, { title: el.getAttribute("aria-label"), alt: el.getAttribute("aria-label") }).addTo(map);
  }
  var start = typed();
  if (start) {
    place(start);
    map.setView(start, 16);
  } else {
    map.setView([parseFloat(el.getAttribute("data-lat")), parseFloat(el.getAttribute("data-lng"))],
      parseInt(el.getAttribute("data-zoom"), 10));
  }
  map.on("click", function (e) {
    lat.value = e.latlng.lat.toFixed(6);
    lng.value = e.latlng.lng.toFixed(6);
    place([e.latlng.lat, e.latlng.lng]);
  });
  function moved() {
    var at = typed();
    if (at) { place(at); map.panTo(at); }
  }
  lat.addEventListener("change", moved);
  lng.addEventListener("change", moved);
})();
