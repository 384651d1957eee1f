// In-place validation in the skills matrix (issue 3). Progressive
// enhancement only: without this file, or without <dialog>, every cell is
// a link to its own validation page, which stays the fallback for
// history, attachments and other kinds of evidence.
document.addEventListener('DOMContentLoaded', () => {
  const dlg = document.getElementById('cell-dialog');
  const table = document.querySelector('table.matrix');
  if (!dlg || !table || typeof dlg.showModal !== 'function' || !window.fetch) return;
  const form = dlg.querySelector('form');
  const levels = Array.from(form.querySelectorAll('input[name=level]'));
  const note = form.querySelector('textarea[name=note]');
  const who = dlg.querySelector('#cd-who');
  const err = dlg.querySelector('#cd-error');
  const pw = dlg.querySelector('#cd-pw');
  const more = dlg.querySelector('#cd-more');
  const save = form.querySelector('button[type=submit]');
  const status = document.getElementById('cell-status');
  let row = null; // the row and column of the cell being edited: the
  let col = -1;   // <td> itself is replaced after a save

  const cellLink = () => row && row.cells[col] && row.cells[col].querySelector('a');
  const gapping = (td) => td.classList.contains('below') || td.classList.contains('missing');

  table.addEventListener('click', (ev) => {
    const a = ev.target.closest('td a[href^="/matrix/cell"]');
    if (!a || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey || ev.button !== 0) return;
    ev.preventDefault();
    const td = a.closest('td');
    row = td.parentElement;
    col = td.cellIndex;
    const u = new URL(a.href, location.href);
    form.elements.p.value = u.searchParams.get('p');
    form.elements.c.value = u.searchParams.get('c');
    const head = table.tHead.rows[0].cells[col];
    who.textContent = row.cells[0].textContent.trim() + ' · ' + (head ? head.textContent.replace('*', '').trim() : '');
    const cur = String(parseInt(a.textContent, 10) || 0);
    const checked = levels.find((r) => r.value === cur) || levels[0];
    levels.forEach((r) => { r.checked = r === checked; });
    note.value = '';
    err.hidden = true;
    err.textContent = '';
    pw.hidden = !td.classList.contains('pw');
    more.href = a.getAttribute('href');
    save.disabled = false;
    dlg.showModal();
    checked.focus();
  });

  dlg.querySelector('[data-close]').addEventListener('click', () => dlg.close());
  // Browsers close a modal dialog on Escape themselves; this covers the
  // older ones without that.
  dlg.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && dlg.open) {
      ev.preventDefault();
      dlg.close();
    }
  });
  // Escape closes a modal dialog by itself; either way focus goes back
  // to the cell the lead came from.
  dlg.addEventListener('close', () => {
    const a = cellLink();
    if (a) a.focus();
  });

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    save.disabled = true;
    err.hidden = true;
    let data = null;
    let ok = false;
    try {
      const res = await fetch(form.action, {
        method: 'POST', body: new FormData(form), credentials: 'same-origin',
        headers: { 'Accept': 'application/json', 'X-CSRF-Token': form.elements.csrf.value },
      });
      if ((res.headers.get('Content-Type') || '').startsWith('application/json')) data = await res.json();
      ok = res.ok && data && data.td;
    } catch (e) {
      data = null;
    }
    if (!ok) {
      err.textContent = (data && data.error) || dlg.dataset.failed;
      err.hidden = false;
      save.disabled = false;
      return;
    }
    const old = row.cells[col];
    const wasGap = gapping(old);
    old.outerHTML = data.td;
    const gaps = row.querySelector('td.gaps');
    if (gaps) {
      const n = parseInt(gaps.textContent, 10) + (gapping(row.cells[col]) ? 1 : 0) - (wasGap ? 1 : 0);
      if (!isNaN(n)) gaps.textContent = String(n);
    }
    row.cells[col].classList.add('saved');
    if (status) status.textContent = data.message || '';
    dlg.close();
  });
});
