/* The comparison page (/compare): a deep-zoom viewer over each image, their
   zoom and pan kept together while "link" is checked, and the view written
   into the address as IIIF Content State (iiif-content), so that copying
   the address shares what is on screen. Without JavaScript the page keeps
   its images and data side by side. */
(function () {
  'use strict';
  var CONTEXT = 'http://iiif.io/api/presentation/3/context.json';

  /* base64url without padding of encodeURIComponent(text): the Content
     State API's encoding */
  function encodeState(text) {
    return window.btoa(encodeURIComponent(text))
      .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function start() {
    var boxes = document.querySelectorAll('.cmp-viewer[data-info]');
    if (!window.OpenSeadragon || boxes.length < 2) return;
    var reduce = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    var linked = document.getElementById('cmp-linked');
    var share = document.getElementById('cmp-share');
    var shareLink = document.getElementById('cmp-share-link');
    var viewers = [];
    var syncing = false;
    var timer = null;

    function regionOf(el) {
      var r = (el.getAttribute('data-region') || '').split(',').map(Number);
      return r.length === 4 && r[2] > 0 && r[3] > 0 ? r : null;
    }

    /* the part of each image in view, as a content state */
    function writeState() {
      var targets = [];
      var ids = [];
      viewers.forEach(function (v) {
        ids.push(v.objectId);
        var src = { id: v.canvas, type: 'Canvas' };
        var item = v.world.getItemAt(0);
        if (!item) { targets.push(src); return; }
        var size = item.getContentSize();
        var r = item.viewportToImageRectangle(v.viewport.getBounds(true));
        var x = Math.max(0, Math.round(r.x)), y = Math.max(0, Math.round(r.y));
        var w = Math.min(size.x - x, Math.round(r.width)), h = Math.min(size.y - y, Math.round(r.height));
        if (w <= 0 || h <= 0 || (x === 0 && y === 0 && w >= size.x && h >= size.y)) {
          targets.push(src);
          return;
        }
        targets.push({ type: 'SpecificResource', source: src,
                       selector: { type: 'FragmentSelector', value: 'xywh=' + [x, y, w, h].join(',') } });
      });
      var state = encodeState(JSON.stringify({ '@context': CONTEXT, type: 'Annotation',
                                               motivation: 'contentState', target: targets }));
      var url = '/compare?objects=' + ids.join(',') + '&iiif-content=' + state;
      if (window.history && window.history.replaceState) window.history.replaceState(null, '', url);
      if (share) share.value = window.location.origin + url;
      if (shareLink) shareLink.setAttribute('href', url);
    }

    function later() {
      if (timer) window.clearTimeout(timer);
      timer = window.setTimeout(writeState, 300);
    }

    /* the others follow the one the visitor moves: the same zoom and centre
       in viewport coordinates, which are relative to each image's width */
    function follow(leader) {
      if (syncing || (linked && !linked.checked)) return;
      syncing = true;
      var zoom = leader.viewport.getZoom();
      var center = leader.viewport.getCenter();
      viewers.forEach(function (v) {
        if (v === leader) return;
        v.viewport.zoomTo(zoom, null, true);
        v.viewport.panTo(center, true);
      });
      syncing = false;
    }

    Array.prototype.forEach.call(boxes, function (el) {
      var still = el.querySelector('img');
      var label = still ? still.getAttribute('alt') : '';
      var region = regionOf(el);
      el.textContent = '';
      el.classList.add('live');
      var v = window.OpenSeadragon({
        element: el,
        prefixUrl: '/static/osd/images/',
        tileSources: [el.getAttribute('data-info')],
        showNavigator: false,
        showRotationControl: false,
        animationTime: reduce ? 0 : 1.0,
        springStiffness: reduce ? 100 : 6.5,
        crossOriginPolicy: 'Anonymous'
      });
      v.canvas = el.getAttribute('data-canvas');
      var m = /\/iiif\/manifest\/(\d+)\//.exec(v.canvas || '');
      v.objectId = m ? m[1] : '';
      var canvas = el.querySelector('.openseadragon-canvas');
      if (canvas) {
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', label);
      }
      v.addHandler('open', function () {
        if (region) {
          var item = v.world.getItemAt(0);
          v.viewport.fitBounds(item.imageToViewportRectangle(region[0], region[1], region[2], region[3]), true);
        }
      });
      v.addHandler('zoom', function () { follow(v); });
      v.addHandler('pan', function () { follow(v); });
      v.addHandler('animation-finish', later);
      viewers.push(v);
    });
    var box = document.querySelector('.cmp-link');
    if (box) box.hidden = false;
    window.vcmCompare = viewers;
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
