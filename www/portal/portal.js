// The portal's own script: where the API lives comes from the portal's configuration,
// and a bearer token from the portal's token endpoint (in this demo: the reference
// server's demo-only token endpoint, for the portal's signed-in user).
const config = await (await fetch("/config.json")).json();
const element = document.querySelector("security-info");
document.querySelector("[data-testid=portal-user]").textContent = config.user;

let cached = null;
async function getToken() {
  if (cached && cached.expires > Date.now() + 30_000) return cached.token;
  const response = await fetch(`${config.apiBase}/demo/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sub: config.user }),
  });
  if (!response.ok) return null;
  const { token } = await response.json();
  cached = { token, expires: Date.now() + 5 * 60_000 };
  return token;
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
