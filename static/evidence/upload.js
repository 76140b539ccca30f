// Evidence upload on the report form: each picked or dropped file is sent on its own with a
// progress bar, then the list of attached files is redrawn from the server's answer.
// Without this script the same <input type="file" multiple> is sent with the form.
(function () {
  "use strict";
  if (window.NQ57EvidenceUpload) {
    return;
  }
  window.NQ57EvidenceUpload = true;
  document.documentElement.classList.add("js");

  var queue = [];
  var busy = false;

  // Texts come translated from the template (data-msg-*); the Vietnamese here is the fallback.
  function msg(wrapper, key, fallback, params) {
    var text = (wrapper && wrapper.dataset && wrapper.dataset[key]) || fallback;
    Object.keys(params || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(String(params[name]));
    });
    return text;
  }

  function wrapperOf(node) {
    return node && node.closest ? node.closest("[data-evidence-upload]") : null;
  }

  function csrfToken(wrapper) {
    var form = wrapper.closest("form");
    var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // The period whose report the form shows (loaded_period), not whatever the period selector was
  // changed to without opening it: a file belongs to the report on screen.
  function periodOf(wrapper) {
    var form = wrapper.closest("form");
    var loaded = form && form.querySelector("input[name=loaded_period]");
    if (loaded && loaded.value) return loaded.value;
    var select = form && form.querySelector("[name=period]");
    return select ? select.value : "";
  }

  function prepare(root) {
    var wrappers = (root.querySelectorAll ? root : document).querySelectorAll("[data-evidence-upload]");
    Array.prototype.forEach.call(wrappers, function (wrapper) {
      var input = wrapper.querySelector("input[type=file]");
      if (input && wrapper.dataset.accept) {
        input.setAttribute("accept", wrapper.dataset.accept);
      }
    });
  }

  function row(wrapper, file) {
    var list = wrapper.querySelector("[data-upload-list]");
    var li = document.createElement("li");
    var name = document.createElement("span");
    name.className = "upload-name";
    name.textContent = file.name;
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", msg(wrapper, "msgProgress", "Tiến độ tải lên {name}", { name: file.name }));
    var status = document.createElement("span");
    status.className = "upload-status";
    status.textContent = msg(wrapper, "msgWaiting", "Đang chờ…");
    li.appendChild(name);
    li.appendChild(bar);
    li.appendChild(status);
    list.appendChild(li);
    return { li: li, bar: bar, status: status };
  }

  function finish(item, ok, text) {
    item.li.classList.add(ok ? "done" : "failed");
    item.status.textContent = text;
    if (ok) {
      item.bar.value = 100;
    } else {
      item.bar.remove();
    }
  }

  function post(url, body, onProgress, done) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    if (onProgress) {
      xhr.upload.addEventListener("progress", onProgress);
    }
    xhr.addEventListener("load", function () {
      var data = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch (e) {
        data = null;
      }
      done(xhr.status, data);
    });
    xhr.addEventListener("error", function () {
      done(0, null);
    });
    xhr.send(body);
  }

  function next() {
    if (busy || !queue.length) {
      return;
    }
    busy = true;
    var job = queue.shift();
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrfToken(job.wrapper));
    body.append("period", periodOf(job.wrapper));
    body.append("file", job.file, job.file.name);
    job.item.status.textContent = msg(job.wrapper, "msgUploading", "Đang tải lên…");
    post(
      job.wrapper.dataset.uploadUrl,
      body,
      function (event) {
        if (event.lengthComputable) {
          job.item.bar.value = Math.round((event.loaded / event.total) * 100);
        }
      },
      function (status, data) {
        if (status === 200 && data && data.ok) {
          finish(job.item, true, msg(job.wrapper, "msgAttached", "Đã đính kèm"));
          job.wrapper.querySelector("[data-attached]").innerHTML = data.html;
        } else if (data && data.errors) {
          finish(job.item, false, data.errors.join(" "));
        } else {
          finish(job.item, false, msg(job.wrapper, "msgUploadFailed", "Không tải lên được (lỗi {status}). Vui lòng thử lại.", { status: status }));
        }
        busy = false;
        next();
      }
    );
  }

  function upload(wrapper, files) {
    Array.prototype.forEach.call(files, function (file) {
      queue.push({ wrapper: wrapper, file: file, item: row(wrapper, file) });
    });
    next();
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    var wrapper = wrapperOf(input);
    if (!wrapper || input.type !== "file" || !input.files.length) {
      return;
    }
    upload(wrapper, input.files);
    input.value = ""; // sent already: the form must not send them again
  });

  ["dragenter", "dragover"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var zone = event.target.closest && event.target.closest("[data-dropzone]");
      if (zone) {
        event.preventDefault();
        zone.classList.add("dragover");
      }
    });
  });
  document.addEventListener("dragleave", function (event) {
    var zone = event.target.closest && event.target.closest("[data-dropzone]");
    if (zone && !zone.contains(event.relatedTarget)) {
      zone.classList.remove("dragover");
    }
  });
  document.addEventListener("drop", function (event) {
    var zone = event.target.closest && event.target.closest("[data-dropzone]");
    if (!zone) {
      return;
    }
    event.preventDefault();
    zone.classList.remove("dragover");
    if (event.dataTransfer && event.dataTransfer.files.length) {
      upload(wrapperOf(zone), event.dataTransfer.files);
    }
  });

  // Remove a file before sending: the button also works as a plain form post (formaction).
  document.addEventListener(
    "click",
    function (event) {
      var button = event.target.closest && event.target.closest("[data-evidence-remove]");
      var wrapper = wrapperOf(button);
      if (!button || !wrapper) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      button.disabled = true;
      var body = new FormData();
      body.append("csrfmiddlewaretoken", csrfToken(wrapper));
      post(button.dataset.evidenceRemove, body, null, function (status, data) {
        if (status === 200 && data && data.ok) {
          wrapper.querySelector("[data-attached]").innerHTML = data.html;
        } else {
          button.disabled = false;
          var item = row(wrapper, { name: button.getAttribute("aria-label") || "" });
          finish(item, false, data && data.errors ? data.errors.join(" ") : msg(wrapper, "msgRemoveFailed", "Không gỡ được tệp (lỗi {status}).", { status: status }));
        }
      });
    },
    true
  );

  document.addEventListener("DOMContentLoaded", function () {
    prepare(document);
  });
  document.addEventListener("htmx:load", function (event) {
    prepare(event.target);
  });
  prepare(document);
})();
