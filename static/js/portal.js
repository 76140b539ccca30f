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
