/* Draws the dashboard's charts from the JSON the server keeps for them (#dashboard-figures' data-src),
 * and fetches each "view as table" when it is opened (details[data-src]). No inline script, no
 * eval: the page's CSP is "script-src 'self'". A click on a bar, point or cell opens the
 * commitment list the server put in the point's customdata. */
(function () {
  'use strict';

  // Tables first: they need no Plotly. The fragment is the server's own escaped HTML.
  function loadTable(details) {
    var src = details.getAttribute('data-src');
    if (!src || details.getAttribute('data-loaded')) { return; }
    details.setAttribute('data-loaded', 'loading');
    var body = details.querySelector('.chart-table-body');
    if (body) { body.setAttribute('aria-busy', 'true'); }
    window.fetch(src, { credentials: 'same-origin', headers: { Accept: 'text/html' } }).then(function (r) {
      if (!r.ok) { throw new Error('HTTP ' + r.status); }
      return r.text();
    }).then(function (html) {
      if (body) { body.innerHTML = html; body.removeAttribute('aria-busy'); }
      details.setAttribute('data-loaded', 'yes');
    }).catch(function (err) {
      details.removeAttribute('data-loaded');  // the link stays; a later opening tries again
      if (body) { body.removeAttribute('aria-busy'); }
      if (window.console) { window.console.error('dashboard: table not loaded', err); }
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll('details.chart-table[data-src]'), function (d) {
    d.addEventListener('toggle', function () { if (d.open) { loadTable(d); } });
  });

  var source = document.getElementById('dashboard-figures');
  if (!source || typeof window.Plotly === 'undefined') { return; }
  var figures = {};

  var lang = (document.documentElement.getAttribute('lang') || 'vi').slice(0, 2);

  // Vietnamese words and number marks for Plotly's own interface (the toolbar, notices).
  window.Plotly.register({
    moduleType: 'locale',
    name: 'vi',
    dictionary: {
      'Download plot as a PNG': 'Tải biểu đồ (PNG)',
      'Download plot': 'Tải biểu đồ',
      'Preparing image - this may take a few seconds': 'Đang chuẩn bị ảnh, xin chờ giây lát',
      'Image download succeeded': 'Đã tải ảnh',
      'Sorry, there was a problem downloading your image!': 'Không tải được ảnh biểu đồ.',
      'Reset axes': 'Đặt lại trục',
      'Autoscale': 'Tự động co giãn'
    },
    format: {
      days: ['Chủ nhật', 'Thứ hai', 'Thứ ba', 'Thứ tư', 'Thứ năm', 'Thứ sáu', 'Thứ bảy'],
      shortDays: ['CN', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7'],
      months: ['Tháng 1', 'Tháng 2', 'Tháng 3', 'Tháng 4', 'Tháng 5', 'Tháng 6',
        'Tháng 7', 'Tháng 8', 'Tháng 9', 'Tháng 10', 'Tháng 11', 'Tháng 12'],
      shortMonths: ['Th1', 'Th2', 'Th3', 'Th4', 'Th5', 'Th6', 'Th7', 'Th8', 'Th9', 'Th10', 'Th11', 'Th12'],
      date: '%d/%m/%Y',
      decimal: ',',
      thousands: '.'
    }
  });

  // Only our own pages: a path on this site, never "//host" or "javascript:".
  function safeTarget(value) {
    if (Array.isArray(value)) { value = value[0]; }
    if (typeof value !== 'string' || value.charAt(0) !== '/' || value.charAt(1) === '/' || value.charAt(1) === '\\') {
      return null;
    }
    return value;
  }

  // Below Bootstrap's sm breakpoint a chart takes its box's width: its legend goes below the
  // plot, in rows, and a figure may carry shorter labels for it ("narrow", from the server).
  var phone = window.matchMedia('(max-width: 575.98px)');

  function copy(value) { return JSON.parse(JSON.stringify(value)); }

  function fitted(fig) {
    var data = copy(fig.data);
    var layout = copy(fig.layout);
    if (!phone.matches) { return { data: data, layout: layout }; }
    ['x', 'y'].forEach(function (axis) {
      if (fig.narrow && fig.narrow[axis]) {
        data.forEach(function (trace) { trace[axis] = copy(fig.narrow[axis]); });
      }
    });
    if (fig.narrow && fig.narrow.layout) {
      Object.keys(fig.narrow.layout).forEach(function (key) {
        layout[key] = Object.assign({}, layout[key] || {}, copy(fig.narrow.layout[key]));
      });
    }
    if (layout.showlegend) {
      layout.legend = Object.assign({}, layout.legend || {}, {
        orientation: 'h', x: 0, xanchor: 'left', y: 0, yref: 'container', yanchor: 'bottom'
      });
      var items = data.filter(function (t) { return t.showlegend !== false; }).length;
      layout.margin = Object.assign({}, layout.margin || {}, { b: 56 + 20 * items });
      layout.height = (layout.height || 340) + 20 * items;
    }
    return { data: data, layout: layout };
  }

  function draw(el) {
    var fig = figures[el.getAttribute('data-figure')];
    if (!fig) { return; }
    var shown = fitted(fig);
    var config = {
      responsive: true,
      displaylogo: false,
      locale: lang === 'en' ? 'en' : 'vi',
      modeBarButtons: [['toImage']],
      toImageButtonOptions: { filename: 'tong-quan-' + el.getAttribute('data-figure'), scale: 2 },
      scrollZoom: false,
      doubleClick: false
    };
    var redraw = function () { var f = fitted(fig); window.Plotly.react(el, f.data, f.layout, config); };
    if (phone.addEventListener) { phone.addEventListener('change', redraw); }
    window.Plotly.newPlot(el, shown.data, shown.layout, config).then(function (gd) {
      gd.on('plotly_click', function (event) {
        var point = event && event.points && event.points[0];
        var target = point && safeTarget(point.customdata);
        if (target) { window.location.assign(target); }
      });
      gd.on('plotly_hover', function (event) {
        var point = event && event.points && event.points[0];
        gd.classList.toggle('chart-link', Boolean(point && safeTarget(point.customdata)));
      });
      gd.on('plotly_unhover', function () { gd.classList.remove('chart-link'); });
    });
  }

  window.fetch(source.getAttribute('data-src'), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
    .then(function (r) {
      if (!r.ok) { throw new Error('HTTP ' + r.status); }
      return r.json();
    }).then(function (loaded) {
      figures = loaded;
      Array.prototype.forEach.call(document.querySelectorAll('.chart[data-figure]'), draw);
    }).catch(function (err) {
      if (window.console) { window.console.error('dashboard: figures not loaded', err); }
    });

  // Printing (or a screen reader user's print-out) gets every "view as table" open.
  window.addEventListener('beforeprint', function () {
    Array.prototype.forEach.call(document.querySelectorAll('details.chart-table'), function (d) {
      if (!d.open) { d.setAttribute('data-opened-for-print', ''); d.open = true; }
    });
  });
  window.addEventListener('afterprint', function () {
    Array.prototype.forEach.call(document.querySelectorAll('details[data-opened-for-print]'), function (d) {
      d.removeAttribute('data-opened-for-print');
      d.open = false;
    });
  });
}());
