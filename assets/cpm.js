// The payment-code page: asks every two seconds whether a store has used the code, and
// then shows the completion screen; shortly before the code expires, shows a new one.
(function () {
  var box = document.querySelector("section.cpm[data-token]");
  if (!box) return;
  var token = box.getAttribute("data-token");
  var deadline = Date.now() + (parseInt(box.getAttribute("data-ttl"), 10) - 15) * 1000;
  function poll() {
    if (Date.now() > deadline) { location.reload(); return; }
    fetch("/app/qr/status?token=" + encodeURIComponent(token), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (s && s.payment_id) location.href = "/app/payments/" + s.payment_id;
        else setTimeout(poll, 2000);
      })
      .catch(function () { setTimeout(poll, 4000); });
  }
  setTimeout(poll, 2000);
})();
