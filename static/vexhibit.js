/* The exhibition editor (/dashboard/exhibitions/{slug}): beside each box of
   items, a button that shows the first image of the record on the line
   where the cursor is; dragging a rectangle over it writes the region
   (x,y,w,h in the image's pixels) into that line. Without JavaScript the
   numbers are typed: the form is the same. */
(function () {
  'use strict';
  function start() {
    var picker = document.getElementById('vx-picker');
    if (!picker || !window.fetch) return;
    var buttons = document.querySelectorAll('.vx-pick[data-for]');
    Array.prototype.forEach.call(buttons, function (b) {
      b.hidden = false;
      b.addEventListener('click', function () { open(document.getElementById(b.getAttribute('data-for'))); });
    });

    function say(text) {
      picker.textContent = '';
      var p = document.createElement('p');
      p.setAttribute('role', 'status');
      p.textContent = text;
      picker.appendChild(p);
      picker.hidden = false;
    }

    /* the line of the textarea where the cursor is: [start, end) */
    function lineAt(area) {
      var v = area.value, at = area.selectionStart || 0;
      var s = v.lastIndexOf('\n', at - 1) + 1, e = v.indexOf('\n', at);
      return { start: s, end: e < 0 ? v.length : e };
    }

    function open(area) {
      if (!area) return;
      var l = lineAt(area);
      var m = /^\s*(\d+)/.exec(area.value.slice(l.start, l.end));
      if (!m) { say(picker.getAttribute('data-none')); return; }
      var id = m[1];
      fetch('/api/v1/objects/' + id).then(function (r) { return r.ok ? r.json() : null; })
        .then(function (o) {
          var media = o && o.media && o.media[0];
          if (!media) { say(picker.getAttribute('data-none')); return; }
          show(area, l, id, media);
        }, function () { say(picker.getAttribute('data-none')); });
    }

    function show(area, l, id, media) {
      picker.textContent = '';
      var help = document.createElement('p');
      help.textContent = picker.getAttribute('data-help');
      var stage = document.createElement('div');
      stage.className = 'vx-pick-stage';
      var img = document.createElement('img');
      img.alt = picker.getAttribute('data-alt');
      /* a drag of the image itself would cancel the pointer's events */
      img.draggable = false;
      img.addEventListener('dragstart', function (ev) { ev.preventDefault(); });
      img.src = '/iiif/' + encodeURIComponent(media.identifier) + '/full/!800,800/0/default.jpg';
      var box = document.createElement('div');
      box.className = 'vx-pick-box';
      box.hidden = true;
      stage.appendChild(img);
      stage.appendChild(box);
      var close = document.createElement('button');
      close.type = 'button';
      close.textContent = picker.getAttribute('data-close');
      close.addEventListener('click', function () { picker.hidden = true; picker.textContent = ''; area.focus(); });
      picker.appendChild(help);
      picker.appendChild(stage);
      picker.appendChild(close);
      picker.hidden = false;
      var from = null;
      function point(ev) {
        var r = img.getBoundingClientRect();
        return { x: Math.max(0, Math.min(r.width, ev.clientX - r.left)),
                 y: Math.max(0, Math.min(r.height, ev.clientY - r.top)) };
      }
      function draw(a, b) {
        box.hidden = false;
        box.style.left = Math.min(a.x, b.x) + 'px';
        box.style.top = Math.min(a.y, b.y) + 'px';
        box.style.width = Math.abs(a.x - b.x) + 'px';
        box.style.height = Math.abs(a.y - b.y) + 'px';
      }
      stage.addEventListener('pointerdown', function (ev) {
        ev.preventDefault();
        from = point(ev);
        stage.setPointerCapture(ev.pointerId);
      });
      stage.addEventListener('pointermove', function (ev) { if (from) draw(from, point(ev)); });
      stage.addEventListener('pointerup', function (ev) {
        if (!from) return;
        var to = point(ev), k = media.width / img.getBoundingClientRect().width;
        var x = Math.round(Math.min(from.x, to.x) * k), y = Math.round(Math.min(from.y, to.y) * k);
        var w = Math.round(Math.abs(from.x - to.x) * k), h = Math.round(Math.abs(from.y - to.y) * k);
        from = null;
        if (w < 1 || h < 1) return;
        var line = area.value.slice(l.start, l.end);
        var bar = line.indexOf('|');
        var caption = bar >= 0 ? ' ' + line.slice(bar).trim() : '';
        var next = id + ' ' + [x, y, w, h].join(',') + caption;
        area.value = area.value.slice(0, l.start) + next + area.value.slice(l.end);
        l.end = l.start + next.length;
      });
    }
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
