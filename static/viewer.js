/* Deep zoom on object pages: replaces the still image with OpenSeadragon
   over the IIIF image service. Without JavaScript the page keeps the
   responsive image.

   OpenSeadragon is large (about 90 KB gzipped): it is fetched only once the
   page and its still image have loaded (the window's load event), so the
   first view of the page stays light; the still image shows meanwhile.

   Keyboard: focus the viewer (Tab), then the arrow keys or w/a/s/d pan,
   + and - zoom (on the main keyboard or the numeric pad), 0 goes home, r
   rotates. The zoom level, in per cent of the whole image in view, is
   written into the page's live region (#viewer-state) when a move ends, so
   screen readers say it; its sentence comes from the page (data-zoom, "{}"
   for the number), in the visitor's language. */
(function () {
  'use strict';
  var el = document.getElementById('viewer');
  if (!el) return;

  function announce(viewer) {
    var live = document.getElementById('viewer-state');
    if (!live) return;
    var vp = viewer.viewport;
    var home = vp.getHomeZoom();
    if (!home) return;
    var pct = Math.round(vp.getZoom(true) / home * 100);
    var text = (live.getAttribute('data-zoom') || '{} %').replace('{}', String(pct));
    if (live.textContent !== text) live.textContent = text;
  }

  function start() {
    if (!window.OpenSeadragon) return;
    var sources = el.getAttribute('data-info').split(' ');
    var still = el.querySelector('img');
    var label = still ? still.getAttribute('alt') : '';
    el.textContent = '';
    el.classList.add('live');
    var reduce = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    var viewer = window.OpenSeadragon({
      element: el,
      prefixUrl: '/static/osd/images/',
      tileSources: sources,
      sequenceMode: sources.length > 1,
      showReferenceStrip: sources.length > 1,
      showNavigator: true,
      showRotationControl: true,
      animationTime: reduce ? 0 : 1.0,
      springStiffness: reduce ? 100 : 6.5,
      crossOriginPolicy: 'Anonymous'
    });
    var canvas = el.querySelector('.openseadragon-canvas');
    if (canvas) {
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', label);
    }
    // + and - from keys other than those OpenSeadragon knows by position
    // (the numeric pad, layouts where + is not on the = key)
    viewer.addHandler('canvas-key', function (e) {
      var ev = e.originalEvent;
      if (ev.type !== 'keydown' || ev.ctrlKey || ev.altKey || ev.metaKey) return;
      if (ev.code === 'Equal' || ev.code === 'Minus') return;
      var by = ev.key === '+' ? 1.2 : ev.key === '-' ? 1 / 1.2 : 0;
      if (!by) return;
      e.preventDefaultAction = true;
      ev.preventDefault();
      viewer.viewport.zoomBy(by);
      viewer.viewport.applyConstraints();
    });
    viewer.addHandler('open', function () { announce(viewer); });
    viewer.addHandler('animation-finish', function () { announce(viewer); });
    window.vcmViewer = viewer;
  }

  function load() {
    if (window.OpenSeadragon) return start();
    var s = document.createElement('script');
    s.src = '/static/osd/openseadragon.min.js';
    s.onload = start;
    document.head.appendChild(s);
  }
  if (document.readyState === 'complete') load();
  else window.addEventListener('load', load);
})();
