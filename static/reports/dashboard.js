// Dashboard charts (reports/dashboard): drawn by the vendored Chart.js from the JSON blocks the
// page carries (<script type="application/json">, never executed), again after every htmx swap.
// Colour is never the only cue: lines differ by dash and point shape, bars carry text labels.
(function () {
  "use strict";

  var BLUE = "#0b5cad";
  var ORANGE = "#b35c00";
  var INK = "#1b2430";

  function data(canvas) {
    var node = document.getElementById(canvas.dataset.source);
    return node ? JSON.parse(node.textContent) : null;
  }

  function pct(value) {
    return value === null || value === undefined ? "—" : String(value).replace(".", ",") + " %";
  }

  // Writes each bar's value and flag count at its end, so the chart reads without colour or hover.
  var barLabels = {
    id: "nq57BarLabels",
    afterDatasetsDraw: function (chart) {
      if (chart.config.type !== "bar") return;
      var ctx = chart.ctx;
      var meta = chart.getDatasetMeta(0);
      var flags = chart.options.plugins.nq57BarLabels.flags || [];
      ctx.save();
      ctx.fillStyle = INK;
      ctx.font = "600 13px 'Noto Sans', 'Liberation Sans', Arial, sans-serif";
      ctx.textBaseline = "middle";
      meta.data.forEach(function (bar, i) {
        var value = chart.data.datasets[0].data[i];
        var text = pct(value) + (flags[i] ? "  ⚑ " + flags[i] : "");
        ctx.fillText(text, bar.x + 6, bar.y);
      });
      ctx.restore();
    },
  };

  // Chart texts come translated from the canvas (data-label-*, data-axis-title); Vietnamese is the fallback.
  function text(canvas, key, fallback) {
    return (canvas.dataset && canvas.dataset[key]) || fallback;
  }

  function progressChart(canvas, d) {
    return new window.Chart(canvas, {
      type: "line",
      data: {
        labels: d.labels,
        datasets: [
          {
            label: text(canvas, "labelActual", "Hoàn thành (đã công nhận), cộng dồn"),
            data: d.actual,
            borderColor: BLUE,
            backgroundColor: BLUE,
            borderWidth: 3,
            pointStyle: "circle",
            pointRadius: 4,
            spanGaps: false,
          },
          {
            label: text(canvas, "labelExpected", "Dự kiến theo tiến độ"),
            data: d.expected,
            borderColor: ORANGE,
            backgroundColor: ORANGE,
            borderWidth: 2,
            borderDash: [8, 5],
            pointStyle: "triangle",
            pointRadius: 4,
          },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          y: { min: 0, max: 100, ticks: { callback: function (v) { return v + " %"; }, color: INK }, title: { display: true, text: text(canvas, "axisTitle", "% phân công") } },
          x: { ticks: { color: INK, maxRotation: 0, autoSkip: true } },
        },
        plugins: {
          legend: { labels: { usePointStyle: true, color: INK, font: { size: 14 } } },
          tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + pct(c.parsed.y); } } },
        },
      },
    });
  }

  function itemsChart(canvas, d) {
    // One bar row per item: the box grows with the data (CSSOM, allowed by the CSP).
    canvas.parentNode.style.height = Math.max(160, d.labels.length * 30 + 50) + "px";
    // Labels take at most about a third of the width: shorter on a phone, whole on a projector.
    var room = Math.max(14, Math.min(60, Math.floor(canvas.parentNode.clientWidth / 3 / 6.5)));
    return new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: d.labels.map(function (l) { return l.length > room ? l.slice(0, room - 1) + "…" : l; }),
        datasets: [{ label: text(canvas, "labelRate", "Tỷ lệ hoàn thành (%)"), data: d.rate, backgroundColor: BLUE, borderColor: INK, borderWidth: 1, barThickness: 18 }],
      },
      options: {
        indexAxis: "y",
        animation: false,
        maintainAspectRatio: false,
        layout: { padding: { right: 90 } },
        scales: {
          x: { min: 0, max: 100, ticks: { callback: function (v) { return v + " %"; }, color: INK } },
          y: { ticks: { color: INK, autoSkip: false, font: { size: 12 } } },
        },
        plugins: {
          legend: { display: false },
          nq57BarLabels: { flags: d.flags },
          tooltip: {
            callbacks: {
              label: function (c) { return pct(c.parsed.x) + (d.flags[c.dataIndex] ? " · " + text(canvas, "labelFlags", "{count} cảnh báo").split("{count}").join(String(d.flags[c.dataIndex])) : ""); },
            },
          },
        },
      },
      plugins: [barLabels],
    });
  }

  var BUILDERS = { progress: progressChart, items: itemsChart };

  function drawAll(root) {
    if (!window.Chart) return;
    (root || document).querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var build = BUILDERS[canvas.dataset.chart];
      var d = data(canvas);
      if (!build || !d) return;
      var old = window.Chart.getChart(canvas);
      if (old) old.destroy();
      build(canvas, d);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSettle", function () { drawAll(document); });
  // Charts are drawn for the screen's width: redraw at print width so paper gets the whole chart.
  window.addEventListener("beforeprint", function () {
    if (!window.Chart) return;
    Object.values(window.Chart.instances || {}).forEach(function (c) { c.resize(); });
  });
})();
