// The plan import: show a progress bar while a (large) file uploads and is checked.
(function () {
  var form = document.getElementById("upload-form");
  var bar = document.getElementById("upload-progress");
  if (!form || !bar) { return; }
  form.addEventListener("submit", function () {
    bar.classList.remove("d-none");
  });
})();
