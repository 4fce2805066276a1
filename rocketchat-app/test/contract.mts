// The contract with the bot: each request this app sends is written, byte for byte, to
// tests/contract/rocketchat_app/ at the repository's root, where the bot's Python tests replay
// it against the real bot process (tests/e2e/test_rocketchat_app_contract.py).
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';

import type { Sent } from './fakes.mjs';
import { BOT_URL, FIXED_TIME, SECRET } from './fakes.mjs';

export const CONTRACT_DIR = join(process.cwd(), '..', 'tests', 'contract', 'rocketchat_app');

export function record(name: string, description: string, sent: Sent): void {
    mkdirSync(CONTRACT_DIR, { recursive: true });
    const fixture = {
        description,
        method: 'POST',
        path: sent.url.slice(BOT_URL.length),
        headers: sent.options.headers,
        body: sent.options.content,
        // What the bot needs to check it: the shared secret of the tests and the signing time.
        secret: SECRET,
        signed_at: FIXED_TIME,
    };
    writeFileSync(join(CONTRACT_DIR, `${name}.json`), JSON.stringify(fixture, null, 4) + '\n');
}
