// The cockpit's charts (ECharts from static/vendor), the copy button and the big screen's
// full-screen toggle. No inline scripts: data comes from json_script blocks.
(function () {
  "use strict";

  function data(id) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function trendOption(d, dark) {
    const text = dark ? "#c9d8ee" : "#555";
    const size = dark ? 18 : 12;
    return {
      backgroundColor: "transparent",
      textStyle: { color: text, fontSize: size },
      tooltip: { trigger: "axis" },
      legend: { textStyle: { color: text, fontSize: size } },
      grid: { left: 50, right: 50, top: 50, bottom: 40 },
      xAxis: { type: "category", data: d.labels, axisLabel: { color: text, fontSize: size } },
      yAxis: [
        { type: "value", name: d.names.accepted, axisLabel: { color: text, fontSize: size }, nameTextStyle: { fontSize: size } },
        { type: "value", max: 100, axisLabel: { formatter: "{value}%", color: text, fontSize: size } },
      ],
      series: [
        { name: d.names.accepted, type: "bar", data: d.accepted, itemStyle: { color: "#5b8ff9" } },
        { name: d.names.done_rate, type: "line", yAxisIndex: 1, data: d.done_rate, connectNulls: true },
        { name: d.names.on_time_rate, type: "line", yAxisIndex: 1, data: d.on_time_rate, connectNulls: true },
        { name: d.names.satisfaction_rate, type: "line", yAxisIndex: 1, data: d.satisfaction_rate, connectNulls: true },
      ],
    };
  }

  function unitOption(d, dark) {
    const text = dark ? "#c9d8ee" : "#555";
    const size = dark ? 18 : 12;
    return {
      backgroundColor: "transparent",
      textStyle: { color: text, fontSize: size },
      tooltip: { trigger: "axis" },
      legend: { textStyle: { color: text, fontSize: size } },
      grid: { left: 170, right: 50, top: 40, bottom: 30 },
      xAxis: [{ type: "value", axisLabel: { color: text, fontSize: size } }],
      yAxis: { type: "category", inverse: true, data: d.units, axisLabel: { color: text, fontSize: size, width: 160, overflow: "truncate" } },
      series: [
        { name: d.names.accepted, type: "bar", data: d.unit_accepted, itemStyle: { color: "#5ee0ff" },
          label: { show: true, position: "right", color: text, fontSize: size } },
      ],
    };
  }

  function draw(root) {
    if (typeof echarts === "undefined") return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      const d = data(el.dataset.source);
      if (!d) return;
      const dark = el.dataset.theme === "dark";
      const existing = echarts.getInstanceByDom(el);
      if (existing) existing.dispose();
      const chart = echarts.init(el, dark ? "dark" : null);
      chart.setOption(el.dataset.chart === "units" ? unitOption(d, dark) : trendOption(d, dark));
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (event) { draw(event.target); });
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      const chart = typeof echarts !== "undefined" && echarts.getInstanceByDom(el);
      if (chart) chart.resize();
    });
  });
  // Tabs: a chart or table in a hidden tab gets its size when shown.
  document.addEventListener("shown.bs.tab", function () { window.dispatchEvent(new Event("resize")); });

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-copy]");
    if (button) {
      const source = document.querySelector(button.dataset.copy);
      const text = source ? source.textContent.trim() : "";
      const done = function () {
        button.dataset.original = button.dataset.original || button.innerHTML;
        button.textContent = button.dataset.copied || "OK";
        setTimeout(function () { button.innerHTML = button.dataset.original; }, 1500);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done);
      } else {
        const area = document.createElement("textarea");
        area.value = text;
        document.body.appendChild(area);
        area.select();
        document.execCommand("copy");
        area.remove();
        done();
      }
    }
    const full = event.target.closest("[data-fullscreen]");
    if (full) {
      if (document.fullscreenElement) document.exitFullscreen();
      else document.documentElement.requestFullscreen();
    }
  });
})();
