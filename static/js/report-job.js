// The progress page of a background report: asks /reports/jobs/<id>.json every 1.5 s and
// updates the bar (the answer has an ETag: an unchanged one comes back as a 304), the words and the download link; stops when the job is done or failed.
// Without JavaScript the page refreshes itself (a meta refresh inside <noscript>).
(function () {
  "use strict";
  var box = document.getElementById("report-job");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-progress-text]");
  var message = box.querySelector("[data-message]");
  var link = box.querySelector("[data-download]");
  var size = box.querySelector("[data-size]");

  function show(state) {
    bar.value = state.progress;
    bar.textContent = state.progress + " %";
    text.textContent = state.progress;
    box.querySelectorAll("[data-when]").forEach(function (el) {
      el.hidden = el.getAttribute("data-when").split(" ").indexOf(state.status) < 0;
    });
    if (state.message) { message.textContent = state.message; message.hidden = false; }
    if (state.download) { link.href = state.download; }
    if (state.size) { size.textContent = Math.ceil(state.size / 1024).toLocaleString("vi-VN") + " KB"; }
  }

  function poll() {
    fetch(box.getAttribute("data-state-url"), {credentials: "same-origin", cache: "no-cache",
                                               headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) { return; }
        show(state);
        if (state.status === "queued" || state.status === "running") { window.setTimeout(poll, 1500); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  var status = box.getAttribute("data-status");
  if (status === "queued" || status === "running") { window.setTimeout(poll, 1000); }
})();
