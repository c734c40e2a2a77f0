// The visit log form: "add another need" (a Django formset) and "record my position".
(function () {
  "use strict";
  const form = document.querySelector("[data-testid=log-form]");
  if (!form) return;

  const list = form.querySelector("[data-needs-list]");
  const template = form.querySelector("template[data-need-template]");
  const addButton = form.querySelector("[data-add-need]");
  if (list && template && addButton) {
    const total = form.querySelector("input[name$='-TOTAL_FORMS']");
    const max = form.querySelector("input[name$='-MAX_NUM_FORMS']");
    const renumber = function () {
      list.querySelectorAll("[data-need-number]").forEach(function (el, i) {
        el.textContent = String(i + 1);
      });
    };
    addButton.addEventListener("click", function () {
      const index = parseInt(total.value, 10);
      if (max && index >= parseInt(max.value, 10)) return;
      const html = template.innerHTML.replace(/__prefix__/g, String(index));
      list.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      renumber();
      const added = list.lastElementChild;
      const first = added && added.querySelector("select, textarea");
      if (first) first.focus();
    });
    list.addEventListener("click", function (event) {
      const remove = event.target.closest("[data-remove-need]");
      if (!remove) return;
      const item = remove.closest("[data-need]");
      const del = item.querySelector("input[name$='-DELETE']");
      if (del) {
        del.checked = true;
        item.hidden = true;
      }
    });
    renumber();
  }

  // Show which photos were taken / chosen under the (visually hidden) camera input.
  form.querySelectorAll("input[type=file][data-show-names]").forEach(function (input) {
    input.addEventListener("change", function () {
      const box = input.parentElement.querySelector("[data-file-names]");
      if (!box) return;
      box.textContent = Array.from(input.files).map(function (f) { return f.name; }).join("、");
    });
  });

  const locate = form.querySelector("[data-locate]");
  if (locate && navigator.geolocation) {
    locate.addEventListener("click", function () {
      const label = locate.querySelector("[data-locate-label]");
      label.textContent = locate.dataset.locating;
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          form.querySelector("input[name=latitude]").value = pos.coords.latitude.toFixed(6);
          form.querySelector("input[name=longitude]").value = pos.coords.longitude.toFixed(6);
          label.textContent = locate.dataset.located + " (" + pos.coords.latitude.toFixed(4) +
            ", " + pos.coords.longitude.toFixed(4) + ")";
        },
        function () {
          label.textContent = locate.dataset.failed;
        },
        { enableHighAccuracy: true, timeout: 10000 }
      );
    });
  } else if (locate) {
    locate.hidden = true;
  }
})();
