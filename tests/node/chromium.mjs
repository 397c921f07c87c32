// Where the browser tests find Debian's Chromium, and how they start it.
export const CHROMIUM = process.env.RC_GATEWAY_CHROMIUM ?? "/usr/bin/chromium";
export const REQUIRED = process.env.RC_GATEWAY_REQUIRE_BROWSER === "1";
export const INSTALL_HINT =
  `Chromium not found at ${CHROMIUM}: install Debian's package with ` +
  "`sudo apt-get install -y chromium` (or point RC_GATEWAY_CHROMIUM at a " +
  "Chromium binary)";
// Flags for a closed network: no background calls home, no sandbox as root.
export const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
