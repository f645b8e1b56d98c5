"""Reports of a run: ``write_report`` writes one interactive, self-contained HTML page
(``html``) from bounded summaries of the run (``data``), drawn by ``page.js`` and ``page.css``."""
