// Benchmark: from the PBX's Newchannel to the caller popup visible in the browser. A peer
// replays the recorded call (ami-a) into a real hub on the demo database, 40 times, each a new
// call; the reception's browser notes when the popup appears (one clock: the peer and the
// browser run on this machine). Prints median, p95 and the worst.
// Run: `./dev bench` (or `node e2e/calls.bench.mjs` with HALLPASS_HUB_BIN).
import { DESK, signIn, start } from './support.mjs';
import { amiPeer, connectPbx, popupSeen } from './amiPeer.mjs';

const ROUNDS = 40;
const env = await start('calls-bench');
const peer = await amiPeer('a');
try {
  const manager = await (await env.browser.newContext(DESK)).newPage();
  const desk = await (await env.browser.newContext(DESK)).newPage();
  await signIn(manager, env.base, 'manager');
  await signIn(desk, env.base, 'reception');
  await connectPbx(manager, peer);
  await desk.locator('[data-testid=live-state][data-state=live]').waitFor();
  const times = [];
  for (let n = 1; n <= ROUNDS; n++) {
    const seen = await popupSeen(desk, String(n));
    const { sentAt, ended } = peer.play();
    times.push((await seen()) - sentAt);
    await ended;
    await desk.getByTestId('call-popup').getByRole('button', { name: 'Close' }).first().click();
    await new Promise((r) => setTimeout(r, 200));
  }
  times.sort((x, y) => x - y);
  const pct = (p) => times[Math.round((times.length - 1) * p)];
  console.log(`AMI Newchannel → caller popup visible in Chromium (${ROUNDS} calls, loopback hub on SQLite): median ${pct(0.5).toFixed(1)} ms, p95 ${pct(0.95).toFixed(1)} ms, max ${times.at(-1).toFixed(1)} ms`);
} finally {
  peer.close();
  await env.stop();
}
