// @ts-check
// Placeholder start-up: tell whether the server answers and who is signed in.
const status = document.getElementById('status');

/** Show one line of status. */
function show(text) {
  if (status) status.textContent = text;
}

fetch('/api/me', { credentials: 'same-origin' })
  .then(async (response) => {
    if (response.status === 401) return show('The server is running. Nobody is signed in yet.');
    const body = await response.json();
    if (!response.ok) return show(`The server answered: ${body.error?.message ?? response.status}`);
    const partner = body.partner ? ` Paired with ${body.partner.display_name}.` : '';
    return show(`Signed in as ${body.user.display_name}.${partner}`);
  })
  .catch(() => show('The server cannot be reached.'));
