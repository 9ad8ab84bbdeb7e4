// The portal's only script. Inline handlers are not allowed by the Content Security Policy
// (docs/adr/0093), so behaviour is attached here, by data attributes.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
