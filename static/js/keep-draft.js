// Keeps what an official types in a form in this browser until the server has saved it,
// so a lost connection or an expired session does not cost the text. Nothing leaves the
// browser; the copy is removed once the page after a successful save says so.
(function () {
  "use strict";
  var PREFIX = "tracker-draft:";

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrf_token" && el.name !== "form_token" && el.name !== "version" &&
        el.type !== "file" && el.type !== "hidden" && el.type !== "submit" && el.type !== "button";
    });
  }

  function read(form) {
    var data = {};
    fields(form).forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) { data[el.name + "=" + el.value] = true; }
      } else if (el.value) {
        data[el.name] = el.value;
      }
    });
    return data;
  }

  function write(form, data) {
    fields(form).forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = !!data[el.name + "=" + el.value];
      } else if (Object.prototype.hasOwnProperty.call(data, el.name)) {
        el.value = data[el.name];
      }
    });
  }

  function keep(form) {
    var key = PREFIX + form.getAttribute("data-keep-draft");
    var saved = null;
    try { saved = JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
    var notice = form.querySelector("[data-draft-notice]");
    var typedNow = read(form);
    if (saved && notice && JSON.stringify(saved) !== JSON.stringify(typedNow)) {
      notice.hidden = false;
      notice.querySelector("button").addEventListener("click", function () {
        write(form, saved);
        notice.hidden = true;
      });
    }
    var timer = null;
    form.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        try { window.localStorage.setItem(key, JSON.stringify(read(form))); } catch (e) { /* storage full or off */ }
      }, 400);
    });
  }

  document.querySelectorAll("[data-clear-draft]").forEach(function (el) {
    try { window.localStorage.removeItem(PREFIX + el.getAttribute("data-clear-draft")); } catch (e) { /* off */ }
  });
  document.querySelectorAll("form[data-keep-draft]").forEach(keep);
})();
