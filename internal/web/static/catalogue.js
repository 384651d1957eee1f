// Place and instruction pages: keep them for offline use, and print buttons.
// The pages work without this file.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.addEventListener('message', (e) => {
    if (e.data && e.data.cached) document.documentElement.dataset.offline = 'ready';
  });
  navigator.serviceWorker.register('/sw.js', { scope: '/' })
    .then(() => navigator.serviceWorker.ready)
    .then((reg) => {
      const urls = [location.pathname + location.search];
      document.querySelectorAll('link[rel=stylesheet][href], link[rel=icon][href], script[src], img[src], video[src]')
        .forEach((el) => urls.push(el.getAttribute('href') || el.getAttribute('src')));
      // On a place page, also keep its instructions: the worker who scanned
      // the label may walk to where there is no Wi-Fi.
      document.querySelectorAll('.big-links a[href^="/learn/"]').forEach((a) => urls.push(a.getAttribute('href')));
      reg.active.postMessage({ cache: urls });
      // Feedback given offline waits in the worker's outbox: send it now
      // that this page loaded, and whenever the network comes back.
      reg.active.postMessage({ flush: true });
      window.addEventListener('online', () => reg.active.postMessage({ flush: true }));
    })
    .catch(() => {});
}
// Offline, the worker keeps the feedback and sends the person back here.
if (new URLSearchParams(location.search).get('queued') === '1') {
  document.addEventListener('DOMContentLoaded', () => {
    const box = document.getElementById('feedback');
    if (!box) return;
    const p = document.createElement('p');
    p.className = 'flash';
    p.setAttribute('role', 'status');
    p.id = 'queued';
    p.textContent = document.documentElement.lang === 'nl'
      ? 'Opgeslagen op deze telefoon. Het wordt verstuurd zodra er weer netwerk is.'
      : 'Saved on this phone. It will be sent as soon as there is a network again.';
    box.prepend(p);
    const u = new URL(location.href);
    u.searchParams.delete('queued');
    history.replaceState(null, '', u.pathname + u.search + u.hash);
  });
}
document.addEventListener('click', (e) => {
  if (e.target.closest('[data-print]')) { e.preventDefault(); window.print(); }
});
