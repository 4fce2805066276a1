import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { SlashCommandContext } from '@rocket.chat/apps-engine/definition/slashcommands/SlashCommandContext.js';

import { EnsembleApp } from '../EnsembleApp.js';
import { COMMAND_PATH } from '../src/bot.js';
import { ForwardedCommand } from '../src/commands.js';
import { COMMANDS } from '../src/generated/commands.js';
import { record } from './contract.mjs';
import { BOT_URL, FakeConfiguration, FakeHttp, FakeModify, FakeRead, FIXED_TIME, room, SECRET, user } from './fakes.mjs';

const reunion = COMMANDS.find((declared) => declared.command === 'reunion')!;
const aide = COMMANDS.find((declared) => declared.command === 'aide')!;

function context(args: Array<string>, language?: string, threadId?: string, triggerId = 'trigger-1') {
    return new SlashCommandContext(user(language), room(), args, threadId, triggerId);
}

async function run(declared = aide, args: Array<string> = [], http = new FakeHttp(), read = new FakeRead(), language?: string) {
    const modify = new FakeModify();
    const command = new ForwardedCommand(declared, () => FIXED_TIME);
    await command.executor(context(args, language), read as any, modify as any, http.asHttp(), {} as any);
    return { http, modify };
}

function i18n(language: string): Record<string, string> {
    return JSON.parse(readFileSync(`i18n/${language}.json`, 'utf8'));
}

test('the app registers every command the bot declares, with its texts in French and English', async () => {
    const configuration = new FakeConfiguration();
    const logger = { debug: () => undefined };
    const app = new EnsembleApp({ name: 'ENSEMBLE', author: { name: 'x' } } as any, logger as any, {} as any);
    await (app as any).extendConfiguration(configuration.asExtend(), {});
    assert.deepEqual(configuration.commands.map((c) => c.command), COMMANDS.map((c) => c.command));
    assert.ok(configuration.commands.some((c) => c.command === 'reunion'));
    assert.deepEqual(configuration.providers.map((p) => p.name), ['ENSEMBLE Réunions']);
    for (const language of ['fr', 'en']) {
        const texts = i18n(language);
        for (const command of configuration.commands) {
            assert.ok(texts[command.i18nDescription], `${language}: ${command.i18nDescription}`);
            assert.ok(command.i18nParamsExample in texts, `${language}: ${command.i18nParamsExample}`);
        }
    }
    assert.match(i18n('fr')[reunion.i18nParamsExample], /^\[sujet quand durée/);
    // The bot's URL and the shared secret, the secret hidden: nothing else.
    assert.deepEqual(configuration.settings.map((s) => [s.id, s.type]), [['bot_url', 'string'], ['shared_secret', 'password']]);
});

test('an invocation is forwarded to the bot signed over the timestamp and the exact body', async () => {
    const { http, modify } = await run(reunion, ['point', 'hebdo', 'demain', '10h']);
    assert.equal(http.sent.length, 1);
    const [sent] = http.sent;
    assert.equal(sent.url, BOT_URL + COMMAND_PATH);
    const body = sent.options.content!;
    const headers = sent.options.headers!;
    assert.equal(headers['X-Ensemble-Timestamp'], String(FIXED_TIME));
    const expected = createHmac('sha256', SECRET).update(`${FIXED_TIME}.${body}`).digest('hex');
    assert.equal(headers['X-Ensemble-Signature'], `v1=${expected}`);
    assert.deepEqual(JSON.parse(body), {
        trigger_id: 'trigger-1',
        command: 'reunion',
        arguments: ['point', 'hebdo', 'demain', '10h'],
        user: { id: 'MPRen6T3bk4rAXc2s', username: 'marie', name: 'Marie Curie' },
        room: { id: 'Z8YS3aQ4NiNv8gBbm', name: 'equipe-projet', type: 'p' },
        thread_id: null,
    });
    assert.deepEqual(modify.notices, []);
});

test('the contract fixtures are the requests the app sends', async () => {
    const inRoom = await run(aide, ['reunion']);
    record('command_aide', '/aide reunion typed in the team room', inRoom.http.sent[0]);
    const http = new FakeHttp();
    const command = new ForwardedCommand(aide, () => FIXED_TIME);
    await command.executor(context([], 'fr', 'THREADROOTmsg0001', 'trigger-2'), new FakeRead() as any, new FakeModify() as any, http.asHttp(), {} as any);
    record('command_aide_in_thread', '/aide typed in a thread of the team room', http.sent[0]);
    assert.equal(JSON.parse(http.sent[0].options.content!).thread_id, 'THREADROOTmsg0001');
});

test('while the bot is unreachable the user is told privately, in their language', async () => {
    const down = () => new FakeHttp(() => new Error('connect ECONNREFUSED'));
    const french = await run(reunion, [], down(), new FakeRead(), 'fr');
    assert.equal(french.modify.notices.length, 1);
    assert.equal(french.modify.notices[0].to.username, 'marie');
    assert.match(french.modify.notices[0].text, /injoignable.*\/reunion n’a pas été exécutée/);
    const english = await run(reunion, [], down(), new FakeRead(), 'en-GB');
    assert.match(english.modify.notices[0].text, /cannot be reached right now, so \/reunion was not run/);
    const failing = await run(reunion, [], new FakeHttp(() => ({ status: 503 })), new FakeRead(), 'en');
    assert.match(failing.modify.notices[0].text, /cannot be reached/);
});

test('an app left unconfigured, or whose secret the bot refuses, says so without calling out', async () => {
    const unset = await run(aide, [], new FakeHttp(), new FakeRead({ bot_url: BOT_URL }), 'fr');
    assert.equal(unset.http.sent.length, 0);
    assert.match(unset.modify.notices[0].text, /n’est pas encore configurée/);
    const refused = await run(aide, [], new FakeHttp(() => ({ status: 401 })), new FakeRead(), 'en');
    assert.match(refused.modify.notices[0].text, /not set up yet/);
});
