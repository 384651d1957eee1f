// Competences (issue 3), progressive enhancement only.
document.addEventListener('DOMContentLoaded', () => {
  matrixEditor();
  peoplePicker();
});

// peoplePicker filters the campaign form's people (a plain checkbox list
// grouped by team without JavaScript) by name, job title or team, and says
// how many are chosen.
function peoplePicker() {
  const list = document.getElementById('people-list');
  const box = document.getElementById('people-filter');
  const count = document.getElementById('people-count');
  if (!list || !box || !count) return;
  box.closest('.pick-filter').hidden = false;
  count.hidden = false;
  const boxes = Array.from(list.querySelectorAll('input[name=person]'));
  const say = () => {
    count.textContent = count.dataset.text.replace('%d', String(boxes.filter((b) => b.checked).length));
  };
  box.addEventListener('input', () => {
    const q = box.value.trim().toLowerCase();
    list.querySelectorAll('fieldset.pick-team').forEach((fs) => {
      const team = fs.querySelector('legend').textContent.toLowerCase();
      let any = false;
      fs.querySelectorAll('label').forEach((l) => {
        const show = !q || team.includes(q) || l.textContent.toLowerCase().includes(q);
        l.hidden = !show;
        any = any || show;
      });
      fs.hidden = !any;
    });
  });
  // Enter in the filter would submit the whole form.
  box.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') ev.preventDefault(); });
  list.addEventListener('change', say);
  say();
}

// matrixEditor: in-place validation in the skills matrix. Without this
// file, or without <dialog>, every cell is a link to its own validation
// page, which stays the way to history, attachments and other kinds of
// evidence.
function matrixEditor() {
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
}
