// Small behaviours without inline scripts (the content-security policy forbids them).
document.addEventListener("click", function (event) {
  const el = event.target.closest("[data-confirm]");
  if (el && !window.confirm(el.dataset.confirm)) {
    event.preventDefault();
  }
});
document.addEventListener("click", function (event) {
  const el = event.target.closest("[data-print]");
  if (el) {
    event.preventDefault();
    window.print();
  }
});
