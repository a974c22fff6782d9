/* Deep zoom on object pages: replaces the still image with OpenSeadragon
   over the IIIF image service. Without JavaScript the page keeps the
   responsive image. Keyboard: focus the viewer, then arrows or w/a/s/d to
   pan, + and - to zoom, 0 to go home, r to rotate. */
(function () {
  'use strict';
  function start() {
    var el = document.getElementById('viewer');
    if (!el || !window.OpenSeadragon) return;
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
    window.vcmViewer = viewer;
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
