// Results while typing for the search box in the header. Without this
// file the box is a plain form that opens the results page.
(() => {
  const form = document.querySelector('form.searchbox[data-suggest]');
  if (!form) return;
  const input = form.querySelector('input[name=q]');
  const list = form.querySelector('.suggest');
  let timer = 0, ctrl = null, seq = 0, active = -1;

  const items = () => Array.from(list.querySelectorAll('a'));
  const close = () => {
    list.hidden = true; list.replaceChildren(); active = -1;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  };
  const mark = (i) => {
    const as = items();
    as.forEach((a, j) => a.parentElement.setAttribute('aria-selected', j === i ? 'true' : 'false'));
    active = i;
    if (i >= 0 && as[i]) input.setAttribute('aria-activedescendant', as[i].parentElement.id);
  };
  const show = (data) => {
    list.replaceChildren();
    (data.items || []).forEach((it, i) => {
      const li = document.createElement('li');
      li.id = 'search-opt-' + i; li.setAttribute('role', 'option');
      const a = document.createElement('a');
      a.href = it.url; a.textContent = it.title;
      const t = document.createElement('span');
      t.className = 'tag'; t.textContent = it.type;
      a.append(' ', t); li.append(a); list.append(li);
    });
    if (data.all && data.items && data.items.length) {
      const li = document.createElement('li');
      li.id = 'search-opt-all'; li.setAttribute('role', 'option'); li.className = 'all';
      const a = document.createElement('a');
      a.href = data.all; a.textContent = form.querySelector('button').textContent + ' …';
      li.append(a); list.append(li);
    }
    const any = list.children.length > 0;
    list.hidden = !any; active = -1;
    input.setAttribute('aria-expanded', any ? 'true' : 'false');
  };
  const ask = () => {
    const q = input.value;
    if (!q.trim()) { close(); return; }
    if (ctrl) ctrl.abort();
    ctrl = new AbortController();
    const mine = ++seq;
    fetch(form.dataset.suggest + '?q=' + encodeURIComponent(q), { signal: ctrl.signal, credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then((r) => (r.ok ? r.json() : null))
      .then((data) => { if (data && mine === seq) show(data); })
      .catch(() => {});
  };
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(ask, 120); });
  input.addEventListener('keydown', (e) => {
    const as = items();
    if (e.key === 'ArrowDown' && as.length) { e.preventDefault(); mark((active + 1) % as.length); }
    else if (e.key === 'ArrowUp' && as.length) { e.preventDefault(); mark(active <= 0 ? as.length - 1 : active - 1); }
    else if (e.key === 'Enter' && active >= 0 && as[active]) { e.preventDefault(); window.location.href = as[active].href; }
    else if (e.key === 'Escape') { close(); }
  });
  document.addEventListener('click', (e) => { if (!form.contains(e.target)) close(); });
})();

// On the results page a facet takes effect when ticked.
document.querySelectorAll('form.search-page .facets input[type=checkbox]').forEach((cb) => {
  cb.addEventListener('change', () => cb.form.requestSubmit());
});
