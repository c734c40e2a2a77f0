// The campaign form: Bootstrap classes on Django's default widgets (no inline styles, CSP).
document.querySelectorAll(".qq-field input, .qq-field textarea, .qq-field select").forEach((el) => {
  el.classList.add(el.tagName === "SELECT" ? "form-select" : "form-control");
});
document.querySelectorAll(".qq-form input[type=file]").forEach((el) => el.classList.add("form-control"));
document.querySelectorAll(".qq-form input[type=radio]").forEach((el) => el.classList.add("form-check-input"));
