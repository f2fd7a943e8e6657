// Scans a QR code with the camera where the browser can (BarcodeDetector): a store's code
// opens its payment page; on the till (data-fill) a customer's code fills the form.
// Elsewhere the phone's own camera app or typing the code works.
(function () {
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  var box = document.querySelector(".scanner");
  var video = document.getElementById("scan-video");
  var detector = new BarcodeDetector({ formats: ["qr_code"] });
  navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
    box.hidden = false;
    video.srcObject = stream;
    video.play();
    function look() {
      detector.detect(video).then(function (codes) {
        var fill = box.getAttribute("data-fill");
        if (fill && codes.length) {
          // The till: put the customer's code in the form and stop the camera.
          document.getElementById(fill).value = codes[0].rawValue;
          stream.getTracks().forEach(function (t) { t.stop(); });
          box.hidden = true;
          var amount = document.getElementById("f-amount");
          if (amount) amount.focus();
          return;
        }
        for (var i = 0; i < codes.length; i++) {
          var url;
          try { url = new URL(codes[i].rawValue, location.href); } catch (e) { continue; }
          if (url.origin === location.origin && url.pathname.indexOf("/p/") === 0) {
            stream.getTracks().forEach(function (t) { t.stop(); });
            location.href = url.pathname;
            return;
          }
        }
        requestAnimationFrame(look);
      }).catch(function () { setTimeout(look, 500); });
    }
    look();
  }).catch(function () { /* no camera permission: the form below still works */ });
})();
