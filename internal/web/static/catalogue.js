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
    })
    .catch(() => {});
}
document.addEventListener('click', (e) => {
  if (e.target.closest('[data-print]')) { e.preventDefault(); window.print(); }
});
