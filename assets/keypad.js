// On-screen keypad for the amount field: large keys for people who find the phone's
// keyboard fiddly. Without JavaScript the field and the phone's number keyboard work.
document.querySelectorAll("[data-keypad]").forEach(function (pad) {
  var input = document.getElementById(pad.getAttribute("data-keypad"));
  if (!input) return;
  pad.hidden = false;
  pad.addEventListener("click", function (e) {
    var key = e.target.getAttribute("data-key");
    if (!key) return;
    if (key === "back") input.value = input.value.slice(0, -1);
    else if (input.value.length < 9) input.value = (input.value + key).replace(/^0+/, "");
    input.dispatchEvent(new Event("input"));
  });
});
