// How the tests launch Debian's Chromium (no browser download), shared by
// the config, the clip generator and the specs that add a fake camera.
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

export const launchOptions = { executablePath, args: chromiumArgs };

/** Launch options whose camera plays the given Y4M clip. */
export function withCamera(clip) {
  return {
    executablePath,
    args: [
      ...chromiumArgs,
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${clip}`,
    ],
  };
}
