// A stand-in for the office Asterisk for the browser tests: it greets the hub's connector with
// the recorded banner, answers its login as recorded (with the connector's ActionID), pings and
// the list of channels asked for after the login,
// then plays a recorded call (`tests/fixtures/ami`) whenever the test asks, with the recorded
// spacing — at the recorded pace while the phones start ringing, faster after — under fresh
// channel ids each time so every play is a new call. `play` resolves to the moment the call's
// first `Newchannel` left for the hub, on the same clock as `performance.timeOrigin + now()`
// in the browser.
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, root } from './support.mjs';

const now = () => performance.timeOrigin + performance.now();

function recording(name) {
  const dir = join(root, 'tests/fixtures/ami');
  const wire = readFileSync(join(dir, `ami-${name}.txt`));
  return readFileSync(join(dir, `ami-${name}.timestamps.tsv`), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [, offset, length, epoch] = l.split('\t');
      return { text: wire.subarray(Number(offset), Number(offset) + Number(length)).toString('latin1'), at: Number(epoch) };
    });
}

const field = (block, key) => block.split('\r\n').find((l) => l.startsWith(`${key}: `))?.slice(key.length + 2);

export async function amiPeer(name) {
  const blocks = recording(name);
  // The call: from its first Newchannel up to the recording's own actions' answers.
  const first = blocks.findIndex((b) => b.text.startsWith('Event: Newchannel'));
  const call = blocks.slice(first).filter((b) => !b.text.startsWith('Response: '));
  let socket = null;
  let connected;
  const ready = new Promise((r) => (connected = r));
  const server = createServer((s) => {
    s.setNoDelay(true);
    let buf = '';
    s.write(blocks[0].text);
    s.on('data', (chunk) => {
      buf += chunk.toString('latin1');
      let end;
      while ((end = buf.indexOf('\r\n\r\n')) >= 0) {
        const block = buf.slice(0, end + 2);
        buf = buf.slice(end + 4);
        const id = field(block, 'ActionID') ?? '';
        const action = field(block, 'Action');
        if (action === 'Login') {
          s.write(blocks[1].text.replace(/ActionID: [^\r]*/, `ActionID: ${id}`));
          socket = s;
          connected();
        } else if (action === 'CoreShowChannels') {
          // As the recorded PBX answers its `crm` user (write=originate,call).
          s.write(`Response: Error\r\nActionID: ${id}\r\nMessage: Permission denied\r\n\r\n`);
        } else if (action === 'Status') {
          // Asked right after the login, before any call is played: no channels.
          s.write(`Response: Success\r\nActionID: ${id}\r\nEventList: start\r\nMessage: Channel status will follow\r\n\r\n`);
          s.write(`Event: StatusComplete\r\nActionID: ${id}\r\nEventList: Complete\r\nListItems: 0\r\nItems: 0\r\n\r\n`);
        } else if (action) {
          s.write(`Response: Success\r\nActionID: ${id}\r\nPing: Pong\r\n\r\n`);
        }
      }
    });
    s.on('error', () => {});
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  let round = 0;
  return {
    address: `127.0.0.1:${server.address().port}`,
    ready,
    /** Plays the call once: `sentAt` is when its Newchannel left, `ended` resolves when all did. */
    play({ fastAfter = 0.5, speedup = 20 } = {}) {
      round += 1;
      const fresh = (t) => t.replace(/\b(\d{10}\.\d+)\b/g, `${round}0$1`);
      let sentAt = 0;
      const ended = (async () => {
        const t0 = call[0].at;
        let last = t0;
        for (const b of call) {
          const gap = b.at - last;
          last = b.at;
          const wait = (b.at - t0 < fastAfter ? gap : gap / speedup) * 1000;
          if (wait > 0.5) await new Promise((r) => setTimeout(r, wait));
          socket.write(fresh(b.text));
          if (!sentAt) sentAt = now();
        }
      })();
      // The first block goes out before `play` returns (no wait before it).
      return { sentAt, ended };
    },
    close() {
      socket?.destroy();
      server.close();
    },
  };
}

/** Points the hub's PBX settings at `peer` (as a manager), keeping the extensions. */
export async function connectPbx(page, peer) {
  const s = await api(page, 'pbx_settings_get', {});
  const extensions = s.extensions.map((e) => ({ extension: e.extension, user_id: e.user.id }));
  const settings = { kind: 'asterisk', address: peer.address, username: 'crm', secret: 's3cret', dial_context: 'internal', dial_prefix: '', dial_format: 'national', webhook_secret: null, extensions };
  const saved = await api(page, 'pbx_settings_update', { version: s.version, settings });
  if (saved.kind !== 'asterisk') throw new Error(JSON.stringify(saved));
  await peer.ready;
}

/**
 * Watches `page` for the popup of the call played in round `round`; resolves (once the watch
 * is in place) to a function that waits for it and returns when it showed (browser clock).
 */
export async function popupSeen(page, round) {
  await page.evaluate((round) => {
    window.__popupSeen = new Promise((done) => {
      const at = () => performance.timeOrigin + performance.now();
      const find = () => document.querySelector(`[data-testid=call-popup][data-call-id^="${round}0"]`);
      if (find()) return done(at());
      const obs = new MutationObserver(() => {
        if (find()) {
          obs.disconnect();
          done(at());
        }
      });
      obs.observe(document.body, { subtree: true, childList: true });
    });
  }, round);
  return () => page.evaluate(() => window.__popupSeen);
}
