// Progressive enhancement only: every page works without this file.
document.addEventListener('DOMContentLoaded', () => {
  // Auto-submit filter selects so that filtering takes one tap.
  document.querySelectorAll('form.filters select').forEach((sel) => {
    sel.addEventListener('change', () => sel.form.requestSubmit());
  });
});
