// Draws an evidence PDF page by page with pdf.js (static/vendor/pdfjs). pdf.js never runs the
// document's own JavaScript (there is no scripting here, and no eval: isEvalSupported is false);
// the file is fetched from the download route, which the browser would only save, never open.
const root = document.getElementById("pdf-preview");
const status = root.querySelector(".pdf-status");
const pages = root.querySelector(".pdf-pages");
// In the claim page's frame the page above already names the file and offers the download.
if (window.self !== window.top) root.classList.add("framed");
const say = (template, values) => template.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ""));

async function draw() {
  const pdfjs = await import(root.dataset.lib);
  pdfjs.GlobalWorkerOptions.workerSrc = root.dataset.worker;
  const task = pdfjs.getDocument({
    url: root.dataset.src,
    isEvalSupported: false,
    enableXfa: false,
    standardFontDataUrl: root.dataset.fonts,
    wasmUrl: root.dataset.wasm,
  });
  const doc = await task.promise;
  const total = doc.numPages;
  const ratio = window.devicePixelRatio || 1;
  for (let n = 1; n <= total; n += 1) {
    const page = await doc.getPage(n);
    const natural = page.getViewport({ scale: 1 });
    const width = Math.max(200, pages.clientWidth);
    const scale = Math.min(width / natural.width, 2);
    const viewport = page.getViewport({ scale: scale * ratio });
    const figure = document.createElement("figure");
    figure.className = "pdf-page";
    const canvas = document.createElement("canvas");
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    canvas.style.width = `${Math.floor(viewport.width / ratio)}px`;
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", say(root.dataset.msgPage, { n, total }));
    const caption = document.createElement("figcaption");
    caption.textContent = say(root.dataset.msgPage, { n, total });
    figure.append(canvas, caption);
    pages.append(figure);
    await page.render({ canvasContext: canvas.getContext("2d"), viewport }).promise;
    page.cleanup();
  }
  status.textContent = say(root.dataset.msgLoaded, { total });
  root.dataset.rendered = String(total);
}

draw().catch(() => {
  status.textContent = root.dataset.msgFailed;
  status.classList.add("pdf-failed");
  root.dataset.rendered = "failed";
});
