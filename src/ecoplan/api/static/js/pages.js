// Behaviours of templates/data_macros.html and every table (no inline scripts: the CSP).
//   button.copy-link[data-href] — copies the page's permanent link (absolute URL)
//   .table-wrap                 — marked .scrolls with a cue when the table is wider than it
(function () {
  "use strict";

  function absolute(href) {
    return new URL(href, window.location.href).href;
  }

  document.addEventListener("click", function (ev) {
    var btn = ev.target && ev.target.closest ? ev.target.closest("button.copy-link") : null;
    if (!btn) return;
    var url = absolute(btn.dataset.href);
    var done = btn.parentNode.querySelector(".copy-done");
    function said(text) { if (done) done.textContent = text; }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(function () { said("已复制"); },
        function () { window.prompt("复制本页链接：", url); });
    } else {
      window.prompt("复制本页链接：", url);
    }
  });

  function markScrolling() {
    document.querySelectorAll(".table-wrap").forEach(function (w) {
      var wide = w.scrollWidth > w.clientWidth + 2;
      w.classList.toggle("scrolls", wide);
      var cue = w.nextElementSibling;
      if (wide && !(cue && cue.classList.contains("scroll-cue"))) {
        cue = document.createElement("p");
        cue.className = "scroll-cue";
        cue.textContent = "← 表格可左右滑动查看更多列 →";
        w.parentNode.insertBefore(cue, w.nextSibling);
      }
      if (!wide && w.hasAttribute("tabindex") === false) return;
      if (wide) { w.setAttribute("tabindex", "0"); w.setAttribute("role", "region");
        if (!w.getAttribute("aria-label")) w.setAttribute("aria-label", "可横向滚动的表格"); }
    });
  }

  function init() {
    var main = document.querySelector("main");
    if (main) main.dataset.url = window.location.href;
    markScrolling();
    window.addEventListener("resize", markScrolling);
    document.body.addEventListener("htmx:afterSwap", markScrolling);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
