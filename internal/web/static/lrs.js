// Copy buttons beside the new LRS credential: shown only when the
// clipboard can be used; without JavaScript the text can be selected.
document.addEventListener('DOMContentLoaded', () => {
  if (!navigator.clipboard) return;
  document.querySelectorAll('button.copy[data-copy]').forEach((btn) => {
    btn.hidden = false;
    btn.addEventListener('click', async () => {
      const src = document.getElementById(btn.dataset.copy);
      if (!src) return;
      try {
        await navigator.clipboard.writeText(src.textContent);
        const label = btn.textContent;
        btn.textContent = '✓ ' + label;
        setTimeout(() => { btn.textContent = label; }, 2000);
      } catch (e) { /* the text stays selectable */ }
    });
  });
});
