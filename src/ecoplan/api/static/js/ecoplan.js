// Small behaviours of every page (no inline scripts: the CSP allows only files from /static).
(function () {
  "use strict";
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (form.classList && form.classList.contains("confirm")) {
      var zh = document.documentElement.lang !== "en";
      if (!window.confirm(zh ? "确定要删除吗？此操作会记入审计日志。" : "Delete? This is recorded in the audit trail.")) {
        ev.preventDefault();
      }
    }
  });
})();
