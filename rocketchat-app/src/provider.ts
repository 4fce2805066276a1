import type { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import type { IVideoConfProvider, IVideoConferenceOptions, VideoConfData, VideoConfDataExtended } from '@rocket.chat/apps-engine/definition/videoConfProviders';
import type { IVideoConferenceUser } from '@rocket.chat/apps-engine/definition/videoConferences';

import { BotClient, CALL_LINK_PATH, CALL_PATH, Clock, systemClock } from './bot';
import { roomName } from './commands';

// The name Rocket.Chat shows in Administration › Settings › Video Conference › Default
// provider; set it there (the bot's meetings are ENSEMBLE Réunions in French).
export const PROVIDER_NAME = 'ENSEMBLE Réunions';

/** The microphone and camera choices of the join dialog, as jitsi-meet reads them from the
 * URL's fragment (as the official Jitsi app does: RocketChat/Apps.Jitsi src/videoConfProvider.ts). */
export function withDeviceChoices(url: string, options: IVideoConferenceOptions | undefined): string {
    const settings: Array<string> = [];
    if (options?.mic !== undefined) {
        settings.push(`config.startWithAudioMuted=${!options.mic}`);
    }
    if (options?.cam !== undefined) {
        settings.push(`config.startWithVideoMuted=${!options.cam}`);
    }
    if (!settings.length) {
        return url;
    }
    return url + (url.includes('#') ? '&' : '#') + settings.join('&');
}

function person(user: IVideoConferenceUser) {
    return { id: user._id, username: user.username, name: user.name || '' };
}

/** The call button as ENSEMBLE meetings: the bot records the meeting and signs the links;
 * this provider only asks. The video server's secret never reaches Rocket.Chat. */
export class EnsembleVideoProvider implements IVideoConfProvider {
    public readonly name = PROVIDER_NAME;
    public readonly capabilities = { mic: true, cam: true, title: true };

    constructor(private readonly clock: Clock = systemClock) {}

    public async isFullyConfigured(read: IRead): Promise<boolean> {
        const settings = read.getEnvironmentReader().getSettings();
        return Boolean((await settings.getValueById('bot_url')) && (await settings.getValueById('shared_secret')));
    }

    /** The call's tokenless URL; the bot records the call as a meeting of its room. */
    public async generateUrl(call: VideoConfData, read: IRead, _modify: IModify, http: IHttp, _persis: IPersistence): Promise<string> {
        const room = await read.getRoomReader().getById(call.rid);
        const answer = await new BotClient(read, http, this.clock).post(CALL_PATH, {
            call_id: call._id,
            room: { id: call.rid, name: room ? roomName(room) : call.rid, type: room ? String(room.type) : 'c' },
            user: person(call.createdBy),
            title: call.title || '',
        });
        return String(answer.url || '');
    }

    /** The joining person's own URL, signed by the bot when they may join; when the bot
     * cannot be asked, the call's tokenless URL, which leads to the lobby. */
    public async customizeUrl(
        call: VideoConfDataExtended,
        user: IVideoConferenceUser | undefined,
        options: IVideoConferenceOptions | undefined,
        read: IRead,
        _modify: IModify,
        http: IHttp,
        _persis: IPersistence,
    ): Promise<string> {
        let url = call.url;
        try {
            const answer = await new BotClient(read, http, this.clock).post(CALL_LINK_PATH, {
                call_id: call._id,
                user: user ? person(user) : null,
            });
            url = String(answer.url || call.url);
        } catch {
            // The tokenless URL: whoever joins waits in the lobby until a moderator admits them.
        }
        return withDeviceChoices(url, options);
    }
}
