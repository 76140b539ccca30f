// Small progressive enhancements; every page works without this file.
// Loaded without `defer` (base.html) so this class is on <html> before the first paint: CSS folds the phone
// header only under .js, hence never without JavaScript.
document.documentElement.classList.add("js");
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

// The phone header (≤ 640 px): a "Menu" button opens #topbar-menu (links, user, language). The button is
// a <button>, so Enter and Space work natively; Escape closes and gives focus back to the button; a tap
// outside the header closes. The CSS reads aria-expanded, the only state kept.
(function () {
  var phone = window.matchMedia("(max-width: 640px)");

  function menuButton() {
    return document.querySelector(".topbar .menu-toggle");
  }
  function isOpen(button) {
    return button.getAttribute("aria-expanded") === "true";
  }
  function setOpen(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  document.addEventListener("click", function (event) {
    var button = menuButton();
    if (!button) return;
    if (event.target.closest(".menu-toggle")) {
      setOpen(button, !isOpen(button));
    } else if (isOpen(button) && !event.target.closest(".topbar")) {
      setOpen(button, false);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var button = menuButton();
    if (!button || !isOpen(button)) return;
    // Escape in a dialog or a field of the page belongs to them, not to the menu.
    var focused = document.activeElement;
    if (focused && focused !== document.body && !button.closest(".topbar").contains(focused)) return;
    setOpen(button, false);
    button.focus();
  });

  // On a phone the bell stays on the one line, just before the button (in the reading and Tab order
  // too); on a wider screen it goes back to the start of the user box, where the template puts it.
  function placeBell() {
    var button = menuButton();
    var bell = document.getElementById("notification-bell");
    if (!button || !bell) return;
    if (phone.matches) {
      if (bell.nextElementSibling !== button) button.before(bell);
    } else {
      var box = document.querySelector(".topbar .userbox");
      if (box && bell.parentElement !== box) box.prepend(bell);
    }
  }
  document.addEventListener("DOMContentLoaded", placeBell);
  if (phone.addEventListener) phone.addEventListener("change", placeBell);
  else if (phone.addListener) phone.addListener(placeBell);
})();
