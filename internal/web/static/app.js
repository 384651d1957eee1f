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
});
