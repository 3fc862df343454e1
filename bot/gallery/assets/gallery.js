// Keeps the projector page current: every refresh_ms while the contest is
// not closed, and every minute or so once it is (organisers may reopen or
// extend voting), it reads the leaderboard JSON and re-renders the cards from
// the page's own <template>, reusing the <img> elements it already has so
// that nothing flickers. Text goes in with textContent only.
(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('gallery-config').textContent);
  var L = cfg.labels;
  var main = document.getElementById('gallery');
  var tpl = document.getElementById('card-template');

  // data-loaded marks a photo that arrived and decoded (for the page's tests
  // and for anyone inspecting the room's screen).
  function watch(img) {
    function mark() { if (img.naturalWidth > 0) { img.dataset.loaded = '1'; } }
    if (img.complete) { mark(); }
    img.addEventListener('load', mark);
  }
  main.querySelectorAll('img').forEach(watch);

  // Once voting closed nothing changes unless organisers reopen it.
  var slow = Math.max(cfg.refresh_ms * 6, 60000);
  function wait(state) { return state === 'closed' ? slow : cfg.refresh_ms; }

  function byId(id) { return document.getElementById(id); }

  function setText(root, sel, text) {
    var el = root.querySelector(sel);
    el.textContent = text;
    el.hidden = !text;
  }

  function medal(rank) {
    return ['', 'gold', 'silver', 'bronze'][rank] || '';
  }

  function score(s) {
    return String(Math.round(s * 100) / 100).replace('.', ',');
  }

  function card(p, winner, old) {
    var el = tpl.content.firstElementChild.cloneNode(true);
    var visible = typeof p.rank === 'number';
    el.dataset.id = p.id;
    if (visible && medal(p.rank)) { el.classList.add('medal-' + medal(p.rank)); }
    var num = L.entry + ' ' + p.id;
    var alt = p.caption ? num + ': ' + p.caption : num;
    var img = el.querySelector('img');
    var reuse = (old.get(p.image) || []).shift();
    if (reuse) {
      img.replaceWith(reuse);
      reuse.alt = alt;
    } else {
      img.src = p.image;
      img.alt = alt;
      watch(img);
    }
    setText(el, '.badge', visible ? (winner ? L.prize : L.rank) + ' ' + p.rank : '');
    setText(el, '.num', num);
    setText(el, '.votes', visible ? p.votes + ' ' + L.votes : '');
    setText(el, '.score', visible ? score(p.score) + ' ' + L.points : '');
    setText(el, '.category', p.category || '');
    setText(el, '.group', p.group ? L.group + ' ' + p.group : '');
    setText(el, '.caption', p.caption || '');
    return el;
  }

  function fill(grid, photos, winner, old) {
    var frag = document.createDocumentFragment();
    photos.forEach(function (p) { frag.appendChild(card(p, winner, old)); });
    grid.replaceChildren(frag);
  }

  function render(lb) {
    var old = new Map();
    main.querySelectorAll('img').forEach(function (img) {
      var src = img.getAttribute('src');
      if (!old.has(src)) { old.set(src, []); }
      old.get(src).push(img);
    });
    var photos = lb.photos || [];
    var winners = [];
    if (lb.state === 'closed' && lb.totals_visible && cfg.prizes > 0) {
      // A photo nobody voted for wins nothing (as in the chat).
      winners = photos.filter(function (p) { return p.rank >= 1 && p.rank <= cfg.prizes && p.votes > 0; });
    }
    document.body.className = 'state-' + lb.state;
    byId('state').textContent = L.states[lb.state] || lb.state;
    byId('hidden-note').hidden = !!lb.totals_visible;
    fill(byId('winners-grid'), winners, true, old);
    byId('winners').hidden = winners.length === 0;
    byId('ranking-title').textContent = lb.totals_visible ? L.ranking : L.entries;
    fill(byId('ranking-grid'), photos, false, old);
    byId('empty').hidden = photos.length > 0;
    byId('live').hidden = lb.state === 'closed';
    main.dataset.rendered = String(Number(main.dataset.rendered) + 1);
  }

  function refresh() {
    fetch(cfg.api, { cache: 'no-store', credentials: 'same-origin' })
      .then(function (r) {
        if (!r.ok) { throw new Error('leaderboard: HTTP ' + r.status); }
        return r.json();
      })
      .then(function (lb) {
        render(lb);
        setTimeout(refresh, wait(lb.state));
      })
      // A missed refresh (Wi-Fi in a conference room) keeps the last
      // rendering on screen and tries again.
      .catch(function () { setTimeout(refresh, cfg.refresh_ms); });
  }
  setTimeout(refresh, wait(cfg.state));
})();
