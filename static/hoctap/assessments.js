/* Assessments pages: a form marked data-once is sent once (a double click sends nothing more;
   the server refuses a second step anyway through the version), and a "tick all" box. */
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.matches || !form.matches("form[data-once]")) return;
  if (form.dataset.sent) { event.preventDefault(); return; }
  form.dataset.sent = "1";
  setTimeout(function () {
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
  }, 0);
});
document.addEventListener("change", function (event) {
  var box = event.target;
  if (!box.matches || !box.matches("input[data-tick-all]")) return;
  document.querySelectorAll("input[name=" + box.dataset.tickAll + "]").forEach(function (b) {
    b.checked = box.checked;
  });
});
