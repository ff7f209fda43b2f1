/**
 * How Debian's Chromium is launched on these machines, for the e2e tests and the bench alike:
 * Playwright cannot download its own browser here, and without the background-networking
 * flags Chromium keeps trying to reach the network (TOOLCHAIN.md).
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--headless',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
