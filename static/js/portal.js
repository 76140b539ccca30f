// Small progressive enhancements; every page works without this file.
document.addEventListener("htmx:responseError", function (event) {
  var box = document.getElementById("htmx-error");
  if (!box) {
    box = document.createElement("div");
    box.id = "htmx-error";
    box.className = "message error";
    box.setAttribute("role", "alert");
    document.getElementById("main").prepend(box);
  }
  box.textContent = "Không thực hiện được yêu cầu (" + event.detail.xhr.status + "). Vui lòng tải lại trang.";
});

// <select data-autosubmit> submits its form on change (no inline handlers: the CSP forbids them).
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-autosubmit]")) {
    event.target.form.requestSubmit ? event.target.form.requestSubmit() : event.target.form.submit();
  }
});
