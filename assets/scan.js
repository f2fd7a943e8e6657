// Reads QR codes with the camera: with the browser's BarcodeDetector where it exists,
// otherwise with the vendored jsQR decoder; a photo can be chosen instead of the live
// camera. A store's code opens its payment page; on the till (data-fill) a customer's
// code fills the form. Without JavaScript the code can still be typed.
(function () {
  var box = document.querySelector(".scanner");
  if (!box) return;
  var fill = box.getAttribute("data-fill");
  var video = document.getElementById("scan-video");
  var photo = document.getElementById("scan-photo");
  var canvas = document.createElement("canvas");
  var ctx = canvas.getContext("2d", { willReadFrequently: true });
  var stream = null;

  function done(text) {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    if (fill) {
      document.getElementById(fill).value = text;
      box.classList.add("read");
      var amount = document.getElementById("f-amount");
      if (amount) amount.focus();
      return true;
    }
    var url;
    try { url = new URL(text, location.href); } catch (e) { return false; }
    if (url.origin === location.origin && url.pathname.indexOf("/p/") === 0) {
      location.href = url.pathname;
      return true;
    }
    return false;
  }

  // Decodes what is drawn from `source` (a video or an image) with jsQR.
  function decodeWithJsQR(source, w, h) {
    if (!window.jsQR || !w || !h) return null;
    canvas.width = w; canvas.height = h;
    ctx.drawImage(source, 0, 0, w, h);
    var found = jsQR(ctx.getImageData(0, 0, w, h).data, w, h);
    return found ? found.data : null;
  }

  var detector = ("BarcodeDetector" in window) ? new BarcodeDetector({ formats: ["qr_code"] }) : null;

  function look() {
    if (!stream) return;
    if (detector) {
      detector.detect(video).then(function (codes) {
        for (var i = 0; i < codes.length; i++) if (done(codes[i].rawValue)) return;
        requestAnimationFrame(look);
      }).catch(function () { setTimeout(look, 500); });
    } else {
      var text = decodeWithJsQR(video, video.videoWidth, video.videoHeight);
      if (text && done(text)) return;
      setTimeout(look, 200);
    }
  }

  box.hidden = false;
  if (photo) {
    photo.addEventListener("change", function () {
      var file = photo.files && photo.files[0];
      if (!file) return;
      var img = new Image();
      img.onload = function () {
        var scale = Math.min(1, 1200 / Math.max(img.width, img.height));
        var text = decodeWithJsQR(img, Math.round(img.width * scale), Math.round(img.height * scale));
        if (!text || !done(text)) box.classList.add("unreadable");
        URL.revokeObjectURL(img.src);
      };
      img.src = URL.createObjectURL(file);
    });
  }
  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
      stream = s;
      video.hidden = false;
      video.srcObject = s;
      video.play();
      look();
    }).catch(function () { /* no camera or no permission: the photo and the form still work */ });
  }
})();
