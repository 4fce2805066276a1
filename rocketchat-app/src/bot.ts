import type { IHttp, IRead } from '@rocket.chat/apps-engine/definition/accessors';

import { BOT_URL, SHARED_SECRET } from './settings';
import { signedHeaders } from './signing';

// The bot's routes for this app (integrations/rocketchat/companion.py).
export const COMMAND_PATH = '/hooks/rocketchat-app/command';
export const CALL_PATH = '/hooks/rocketchat-app/call';
export const CALL_LINK_PATH = '/hooks/rocketchat-app/call-link';
// Long enough for a command that calls Nextcloud or Wekan, short enough to tell the user.
export const TIMEOUT_MS = 20000;

/** Why a request did not get the bot's answer: not set up (or the secrets differ), or down. */
export class BotUnavailable extends Error {
    constructor(public readonly reason: 'not_configured' | 'unreachable', detail: string) {
        super(`${reason}: ${detail}`);
    }
}

export type Clock = () => number;
export const systemClock: Clock = () => Math.floor(Date.now() / 1000);

export class BotClient {
    constructor(private readonly read: IRead, private readonly http: IHttp, private readonly clock: Clock = systemClock) {}

    /** Posts `payload` signed; the bot's JSON answer, or BotUnavailable. */
    public async post(path: string, payload: object): Promise<Record<string, unknown>> {
        const settings = this.read.getEnvironmentReader().getSettings();
        const url = String((await settings.getValueById(BOT_URL)) || '').replace(/\/+$/, '');
        const secret = String((await settings.getValueById(SHARED_SECRET)) || '');
        if (!url || !secret) {
            throw new BotUnavailable('not_configured', 'bot URL or shared secret unset');
        }
        const content = JSON.stringify(payload);
        let response;
        try {
            response = await this.http.post(url + path, {
                content,
                headers: signedHeaders(secret, this.clock(), content),
                timeout: TIMEOUT_MS,
            });
        } catch (error) {
            throw new BotUnavailable('unreachable', String(error));
        }
        if (response.statusCode === 401) {
            throw new BotUnavailable('not_configured', 'the bot refused the signature');
        }
        if (response.statusCode < 200 || response.statusCode >= 300) {
            throw new BotUnavailable('unreachable', `HTTP ${response.statusCode}`);
        }
        return parse(response.content);
    }
}

function parse(content: string | undefined): Record<string, unknown> {
    try {
        const value = JSON.parse(content || '{}');
        return typeof value === 'object' && value !== null ? value : {};
    } catch {
        return {};
    }
}
