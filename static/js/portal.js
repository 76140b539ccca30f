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
  // The translated text comes from <body data-msg-request-failed>; the Vietnamese is the fallback.
  var text = document.body.dataset.msgRequestFailed || "Không thực hiện được yêu cầu ({status}). Vui lòng tải lại trang.";
  box.textContent = text.split("{status}").join(String(event.detail.xhr.status));
});

// <select data-autosubmit> submits its form on change (no inline handlers: the CSP forbids them).
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-autosubmit]")) {
    event.target.form.requestSubmit ? event.target.form.requestSubmit() : event.target.form.submit();
  }
});

// A table wider than its scrolling box (a phone) must be reachable by keyboard, so arrow keys can
// scroll it (WCAG 2.1.1; axe "scrollable-region-focusable"). Boxes that fit are left out of the Tab order.
function markScrollers(root) {
  (root || document).querySelectorAll(".table-wrap").forEach(function (box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1;
    if (scrolls && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("data-scroll-focus", "");
      if (!box.hasAttribute("aria-label")) {
        var caption = box.querySelector("caption");
        var scope = box.closest("section, .card, main") || document;
        var heading = caption || scope.querySelector("h2, h3, h1");
        if (heading) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", heading.textContent.trim().replace(/\s+/g, " "));
        }
      }
    } else if (!scrolls && box.hasAttribute("data-scroll-focus")) {
      box.removeAttribute("tabindex");
      box.removeAttribute("data-scroll-focus");
    }
  });
}
document.addEventListener("DOMContentLoaded", function () { markScrollers(document); });
document.addEventListener("htmx:afterSettle", function () { markScrollers(document); });
var scrollerTimer = null;
window.addEventListener("resize", function () {
  clearTimeout(scrollerTimer);
  scrollerTimer = setTimeout(function () { markScrollers(document); }, 100);
});
