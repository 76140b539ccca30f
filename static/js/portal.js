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

// The report form (kpis/report_form.html, a page or inline on My tasks) never drops typed text without
// asking. A form is unsaved when a field differs from what the page rendered, or when the server rendered
// typed values that are not saved yet (data-unsaved: after an error, a KPI proposal, a period switch).
// Without this script the server still carries typed text into a period that has no report; only the
// questions are missing.
(function () {
  var FALLBACK = "Bạn có nội dung chưa gửi. Rời trang này và bỏ nội dung đó?";
  var lastSubmit = null;

  function isUnsaved(form) {
    if (form.hasAttribute("data-unsaved")) return true;
    return Array.prototype.some.call(form.elements, function (field) {
      if (!field.name || field.name === "period" || field.disabled) return false;
      if (/^(hidden|file|submit|button|reset)$/.test(field.type)) return false;
      if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
      if (field.tagName === "SELECT") {
        return Array.prototype.some.call(field.options, function (option) {
          return option.selected !== option.defaultSelected;
        });
      }
      return field.value !== field.defaultValue;
    });
  }

  function question(form) {
    return (form && form.dataset.msgUnsaved) || FALLBACK;
  }

  // "Mở kỳ này": the server carries typed text into a period without a report of its own (or keeps it on
  // the same period); a period with its own report opens with that report, so ask before dropping the
  // text. The click comes before the submit, so cancelling sends nothing (Enter in a field clicks the
  // same button). discard_unsaved=1 tells the server the question was dealt with here.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[name=action][value=load]");
    var form = button && button.form;
    if (!form || !form.hasAttribute("data-unsaved-warning")) return;
    var period = form.elements.period;
    var loaded = form.elements.loaded_period;
    var discard = form.elements.discard_unsaved;
    if (!period || !loaded || !discard) return;
    var reported = (form.dataset.reportedPeriods || "").split(" ");
    var drops = period.value !== loaded.value && reported.indexOf(period.value) !== -1;
    if (drops && isUnsaved(form) && !window.confirm(question(form))) {
      event.preventDefault();
      period.value = loaded.value; // the selector names the period the text belongs to again
      return;
    }
    discard.value = "1";
  });

  // A real navigation (a link, the language, log out, closing the tab) asks the browser's own question.
  // Sending the form itself does not: htmx cancels the submit event and swaps in a clean form, and a
  // plain submit leaves with the text.
  document.addEventListener("submit", function (event) { lastSubmit = event; }, true);
  window.addEventListener("beforeunload", function (event) {
    var leavingWith = lastSubmit && !lastSubmit.defaultPrevented ? lastSubmit.target : null;
    var forms = document.querySelectorAll("form[data-unsaved-warning]");
    var unsaved = Array.prototype.filter.call(forms, function (form) {
      return form !== leavingWith && isUnsaved(form);
    });
    if (!unsaved.length) return;
    event.preventDefault();
    event.returnValue = question(unsaved[0]); // older browsers want a value; none shows it any more
  });
})();

// The report form after htmx swapped it in: focus goes to the answer, not to the page's body (where a
// keyboard or screen reader user would start over, ~25 Tab stops above it). The server names it in
// data-focus-after-swap on the panel: "saved" (the message), "error" (the first field in error, else the
// error summary), or the field to look at next ("completion" after a KPI proposal, "period" after
// "Mở kỳ này"). A page rendered whole with errors (without htmx) does the same once loaded.
(function () {
  function target(panel, what) {
    if (what === "saved") return panel.querySelector("[data-saved-message]");
    if (what === "error") {
      return panel.querySelector("[aria-invalid=true]:not(:disabled)") || panel.querySelector("[data-error-summary]");
    }
    return panel.querySelector("[name='" + what + "']:not(:disabled)");
  }

  function focusPanels() {
    document.querySelectorAll(".report-panel[data-focus-after-swap]").forEach(function (panel) {
      var element = target(panel, panel.getAttribute("data-focus-after-swap"));
      panel.removeAttribute("data-focus-after-swap"); // once: a later swap elsewhere leaves focus alone
      if (element) element.focus();
    });
  }
  document.addEventListener("DOMContentLoaded", focusPanels);
  document.addEventListener("htmx:afterSettle", focusPanels);
})();
