import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CALL_LINK_PATH, CALL_PATH } from '../src/bot.js';
import { EnsembleVideoProvider, PROVIDER_NAME, withDeviceChoices } from '../src/provider.js';
import { record } from './contract.mjs';
import { ADMIN, BOT_URL, FakeHttp, FakeRead, FIXED_TIME, JEAN, MARIE, TEAM_ROOM } from './fakes.mjs';

const CALL_ID = 'CALLensembleTest1';
const PUBLIC_URL = 'https://visio.example.org/tokenless-room';

function call(): any {
    return {
        _id: CALL_ID,
        type: 'videoconference',
        rid: TEAM_ROOM.id,
        createdBy: { _id: MARIE.id, username: MARIE.username, name: MARIE.name },
        title: '',
        url: PUBLIC_URL,
    };
}

function person(who: { id: string; username: string; name: string }) {
    return { _id: who.id, username: who.username, name: who.name };
}

const provider = new EnsembleVideoProvider(() => FIXED_TIME);

test('the provider is ENSEMBLE Réunions and is set up once the bot is known', async () => {
    assert.equal(provider.name, PROVIDER_NAME);
    assert.equal(await provider.isFullyConfigured(new FakeRead() as any), true);
    assert.equal(await provider.isFullyConfigured(new FakeRead({ bot_url: BOT_URL }) as any), false);
});

test('generateUrl asks the bot to open the meeting of the call and returns its URL', async () => {
    const http = new FakeHttp(() => ({ status: 200, json: { url: PUBLIC_URL } }));
    const url = await provider.generateUrl(call(), new FakeRead() as any, {} as any, http.asHttp(), {} as any);
    assert.equal(url, PUBLIC_URL);
    assert.equal(http.sent[0].url, BOT_URL + CALL_PATH);
    assert.deepEqual(JSON.parse(http.sent[0].options.content!), {
        call_id: CALL_ID,
        room: { id: TEAM_ROOM.id, name: 'equipe-projet', type: 'p' },
        user: MARIE,
        title: '',
    });
    assert.match(http.sent[0].options.headers!['X-Ensemble-Signature'], /^v1=[0-9a-f]{64}$/);
    record('call_open', 'the call button pressed by marie in the team room (generateUrl)', http.sent[0]);
});

test('customizeUrl asks the bot for the joining person’s own link', async () => {
    for (const [name, who] of [['organizer', MARIE], ['member', JEAN], ['outsider', ADMIN]] as const) {
        const http = new FakeHttp(() => ({ status: 200, json: { url: `${PUBLIC_URL}?jwt=for-${who.username}` } }));
        const url = await provider.customizeUrl({ ...call() }, person(who), undefined, new FakeRead() as any, {} as any, http.asHttp(), {} as any);
        assert.equal(url, `${PUBLIC_URL}?jwt=for-${who.username}`);
        assert.equal(http.sent[0].url, BOT_URL + CALL_LINK_PATH);
        assert.deepEqual(JSON.parse(http.sent[0].options.content!), { call_id: CALL_ID, user: who });
        record(`call_link_${name}`, `${who.username} joins the call (customizeUrl)`, http.sent[0]);
    }
    const http = new FakeHttp(() => ({ status: 200, json: { url: PUBLIC_URL } }));
    await provider.customizeUrl(call(), undefined, undefined, new FakeRead() as any, {} as any, http.asHttp(), {} as any);
    assert.deepEqual(JSON.parse(http.sent[0].options.content!), { call_id: CALL_ID, user: null });
    record('call_link_anonymous', 'an anonymous guest joins the call (customizeUrl)', http.sent[0]);
});

test('when the bot cannot be asked, a joiner gets the tokenless URL, never a made-up link', async () => {
    const down = new FakeHttp(() => new Error('connect ECONNREFUSED'));
    const url = await provider.customizeUrl(call(), person(JEAN), undefined, new FakeRead() as any, {} as any, down.asHttp(), {} as any);
    assert.equal(url, PUBLIC_URL);
    const refused = new FakeHttp(() => ({ status: 401 }));
    assert.equal(await provider.customizeUrl(call(), person(JEAN), undefined, new FakeRead() as any, {} as any, refused.asHttp(), {} as any), PUBLIC_URL);
    // Starting a call without the bot fails: Rocket.Chat tells the caller it could not start.
    await assert.rejects(provider.generateUrl(call(), new FakeRead() as any, {} as any, down.asHttp(), {} as any));
});

test('the join dialog’s microphone and camera choices reach Jitsi with the person’s link', async () => {
    const http = new FakeHttp(() => ({ status: 200, json: { url: `${PUBLIC_URL}?jwt=abc#config.subject=%22Point%22` } }));
    const url = await provider.customizeUrl(call(), person(JEAN), { mic: false, cam: true }, new FakeRead() as any, {} as any, http.asHttp(), {} as any);
    assert.equal(url, `${PUBLIC_URL}?jwt=abc#config.subject=%22Point%22&config.startWithAudioMuted=true&config.startWithVideoMuted=false`);
    assert.equal(withDeviceChoices(PUBLIC_URL, { cam: false }), `${PUBLIC_URL}#config.startWithVideoMuted=true`);
    assert.equal(withDeviceChoices(PUBLIC_URL, undefined), PUBLIC_URL);
});
