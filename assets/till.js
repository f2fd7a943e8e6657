// The till's live feed: asks every two seconds for payments newer than the last one shown,
// puts them on top, and signals each (vibration where the phone allows it).
(function () {
  var feed = document.getElementById("feed");
  if (!feed) return;
  var after = parseInt(feed.getAttribute("data-after"), 10) || 0;
  var takings = document.getElementById("takings");
  var count = document.getElementById("count");
  function poll() {
    fetch("/shop/feed?after=" + after, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && data.items.length) {
          data.items.forEach(function (item) {
            feed.insertAdjacentHTML("afterbegin", item.html);
            feed.firstElementChild.classList.add("new");
            after = Math.max(after, item.id);
            if (count) count.textContent = String(parseInt(count.textContent, 10) + 1);
            if (takings) {
              var now = parseInt(takings.textContent.replace(/[^0-9]/g, ""), 10) || 0;
              takings.textContent = (now + item.amount).toLocaleString("ja-JP") + "円";
            }
          });
          if (navigator.vibrate) navigator.vibrate(200);
          chime();
        }
        setTimeout(poll, 2000);
      })
      .catch(function () { setTimeout(poll, 4000); });
  }
  // A short chime where the browser lets the page play sound (after a tap on the page).
  var audio = null;
  document.addEventListener("click", function () {
    if (!audio && window.AudioContext) audio = new AudioContext();
  }, { once: true });
  function chime() {
    if (!audio) return;
    var o = audio.createOscillator(), g = audio.createGain();
    o.frequency.value = 880;
    g.gain.setValueAtTime(0.2, audio.currentTime);
    g.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
    o.connect(g); g.connect(audio.destination);
    o.start(); o.stop(audio.currentTime + 0.4);
  }
  setTimeout(poll, 2000);
})();
