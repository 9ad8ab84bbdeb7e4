// The portal's only script. Inline handlers are not allowed by the Content Security Policy
// (docs/adr/0093), so behaviour is attached here, by data attributes.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});


// Fields shown only for one choice of another field (the QRIS reference only for QRIS):
// <div data-show-when="id_payment_method=qris">. Without JavaScript everything stays visible.
function applyShowWhen() {
  document.querySelectorAll("[data-show-when]").forEach((box) => {
    const [id, wanted] = box.dataset.showWhen.split("=");
    const control = document.getElementById(id);
    if (!control) return;
    const show = control.value === wanted || box.querySelector(".has-error") !== null;
    box.hidden = !show;
  });
}
document.addEventListener("change", (event) => {
  if (event.target.matches("select, input")) applyShowWhen();
});
document.addEventListener("DOMContentLoaded", applyShowWhen);

// Installable web app: the service worker caches the shell only (docs/adr/0162).
if ("serviceWorker" in navigator && window.isSecureContext) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js").catch(() => {});
  });
}
