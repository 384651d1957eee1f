// Progressive enhancement only: every page works without this file.
document.addEventListener('DOMContentLoaded', () => {
  // On a phone the main navigation folds into a menu, so that a dozen
  // entries do not push the page below the fold; wider screens, and
  // phones without JavaScript, show it open.
  const menu = document.querySelector('header details.menu');
  if (menu && window.matchMedia('(max-width: 699px)').matches) menu.open = false;

  // Auto-submit filter selects so that filtering takes one tap.
  document.querySelectorAll('form.filters select').forEach((sel) => {
    sel.addEventListener('change', () => sel.form.requestSubmit());
  });

  // Long jobs: poll their status and move the bar; when the job ends,
  // reload so that the server renders the outcome. Without JavaScript a
  // meta refresh in the page does the same, less smoothly.
  document.querySelectorAll('[data-progress-url]').forEach((box) => {
    const bar = box.querySelector('progress');
    const stage = box.querySelector('[data-progress-stage]');
    const poll = async () => {
      try {
        const res = await fetch(box.dataset.progressUrl, { headers: { Accept: 'application/json' }, cache: 'no-store' });
        if (!res.ok) throw new Error(res.status);
        const st = await res.json();
        if (st.status !== 'running') { window.location.reload(); return; }
        const label = box.getAttribute('data-stage-' + st.stage);
        if (stage && label) stage.textContent = label;
        if (bar && st.total > 0) {
          bar.value = st.percent;
          let pct = box.querySelector('[data-progress-percent]');
          if (!pct) {
            pct = document.createElement('span');
            pct.dataset.progressPercent = '';
            stage.after(' · ', pct, ' %');
          }
          pct.textContent = st.percent;
        }
      } catch (e) {
        // A passing network error: try again at the next tick.
      }
      setTimeout(poll, 1000);
    };
    setTimeout(poll, 1000);
  });
});
