// The portal's own script. The portal signs in its own users (its session is an HttpOnly
// cookie on this origin) and gets short-lived bearer tokens for the signed-in user from
// its own token endpoint; where the API lives comes from the portal's configuration.
// State changes send the anti-forgery header, which another origin cannot add here.
const CSRF = { "x-security-info-csrf": "1" };
const $ = (id) => document.querySelector(`[data-testid="${id}"]`);

const config = await (await fetch("/config.json")).json();
const session = await (await fetch("/session")).json();

if (session) {
  $("portal-user").textContent = session.user;
  $("portal-account").hidden = false;
  $("portal-signed-in").hidden = false;
  $("portal-sign-out").addEventListener("click", async () => {
    await fetch("/session", { method: "DELETE", headers: CSRF });
    location.reload();
  });
  embed($("portal-embed"));
} else {
  $("portal-sign-in").hidden = false;
  $("portal-sign-in-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const response = await fetch("/session", {
      method: "POST",
      headers: { "content-type": "application/json", ...CSRF },
      body: JSON.stringify({ username: form.get("username"), password: form.get("password") }),
    });
    if (response.ok) {
      location.reload();
    } else {
      $("portal-error").textContent =
        response.status === 401 ? "Wrong email or password." : "Signing in failed; try again.";
    }
  });
}

function embed(element) {
  let cached = null;
  async function getToken() {
    if (cached && cached.expiresAt * 1000 > Date.now() + 30_000) return cached.token;
    const response = await fetch("/session/token", { method: "POST", headers: CSRF });
    if (!response.ok) return null;
    cached = await response.json();
    return cached.token;
  }
  const params = new URLSearchParams(location.search);
  if (params.has("locale")) element.setAttribute("locale", params.get("locale"));
  if (params.has("theme")) element.setAttribute("theme", params.get("theme"));
  element.setAttribute("base-url", config.apiBase);
  element.getToken = getToken;
  for (const name of ["method-added", "method-deleted", "default-changed"]) {
    element.addEventListener(`security-info:${name}`, (event) => {
      document.body.dataset.lastEvent = `${name}`;
      console.info(`security-info:${name}`, event.detail);
    });
  }
}
