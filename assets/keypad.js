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

// The button that finishes the form: while its place is below the bottom of the screen
// (large text, a long page) it floats at the bottom of the screen, until the page is
// scrolled to it. Without JavaScript it stays in its place.
document.querySelectorAll(".reach").forEach(function (holder) {
  var button = holder.querySelector("button");
  if (!button || !("IntersectionObserver" in window)) return;
  new IntersectionObserver(function (entries) {
    var e = entries[entries.length - 1];
    var below = !e.isIntersecting || e.intersectionRatio < 1;
    button.classList.toggle("floating", below && e.boundingClientRect.top > 0);
  }, { threshold: [0, 1] }).observe(holder);
});
