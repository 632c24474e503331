// ediflow console: live parts of a page refresh from their JSON endpoint (no reload), and the
// dead-letter list's "select all" box. Served as a file so the CSP needs no 'unsafe-inline'.
'use strict';
(function () {
  function refresh(el) {
    var url = el.getAttribute('data-refresh');
    var every = Math.max(1000, Number(el.getAttribute('data-every')) || 5000);
    function tick() {
      fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' })
        .then(function (res) {
          if (res.status === 401) {
            window.location.assign('/login');
            return undefined;
          }
          return res.ok ? res.json() : undefined;
        })
        .then(function (body) {
          if (body && typeof body.html === 'string') {
            el.innerHTML = body.html;
            el.setAttribute('data-updated', body.at || '');
          }
        })
        .catch(function () {
          el.setAttribute('data-stale', 'true');
        })
        .finally(function () {
          window.setTimeout(tick, every);
        });
    }
    window.setTimeout(tick, every);
  }
  document.querySelectorAll('[data-refresh]').forEach(refresh);
  var form = document.querySelector('form.replay');
  if (form) {
    var head = form.querySelector('thead th');
    if (head) {
      var all = document.createElement('input');
      all.type = 'checkbox';
      all.setAttribute('aria-label', 'select all');
      all.addEventListener('change', function () {
        form.querySelectorAll('tbody input[type=checkbox]').forEach(function (box) {
          box.checked = all.checked;
        });
      });
      head.appendChild(all);
    }
  }
})();
