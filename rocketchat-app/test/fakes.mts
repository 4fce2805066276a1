// Small fakes of the Apps-Engine accessors this app uses: no Rocket.Chat needed.
import type { IHttp, IHttpRequest, IHttpResponse } from '@rocket.chat/apps-engine/definition/accessors/index.js';
import type { IRoom } from '@rocket.chat/apps-engine/definition/rooms/index.js';
import type { IUser } from '@rocket.chat/apps-engine/definition/users/index.js';

// The sandbox Rocket.Chat's seeded identities (sandbox/rocketchat/state/seed.py `stable_id`),
// so that the bot's end-to-end tests can replay the recorded requests as they are.
export const MARIE = { id: 'MPRen6T3bk4rAXc2s', username: 'marie', name: 'Marie Curie' };
export const JEAN = { id: 'iY2Fz6zSPbGA9cmcB', username: 'jean', name: 'Jean Moulin' };
// Not a member of the team room.
export const ADMIN = { id: '77yp8xBwQ4YoP4K4J', username: 'admin', name: 'Administrateur' };
export const TEAM_ROOM = { id: 'Z8YS3aQ4NiNv8gBbm', slugifiedName: 'equipe-projet', type: 'p' };
export const SECRET = 'contract-secret-shared-by-app-and-bot';
export const BOT_URL = 'http://ensemble-bot.test:8080';
export const FIXED_TIME = 1767261600; // 2026-01-01T10:00:00Z: the fixtures' signing time

export function user(language?: string): IUser {
    return { ...MARIE, settings: language ? { preferences: { language } } : undefined } as unknown as IUser;
}

export function room(): IRoom {
    return { ...TEAM_ROOM } as unknown as IRoom;
}

export interface Sent {
    url: string;
    options: IHttpRequest;
}

/** Records each request; answers with `respond` (a status and JSON) or throws like a refused connection. */
export class FakeHttp {
    public readonly sent: Array<Sent> = [];
    constructor(public respond: (sent: Sent) => { status: number; json?: object } | Error = () => ({ status: 200, json: { ok: true } })) {}

    public async post(url: string, options: IHttpRequest = {}): Promise<IHttpResponse> {
        const sent = { url, options };
        this.sent.push(sent);
        const answer = this.respond(sent);
        if (answer instanceof Error) {
            throw answer;
        }
        return { url, method: 'post', statusCode: answer.status, content: JSON.stringify(answer.json ?? {}) } as IHttpResponse;
    }

    public asHttp(): IHttp {
        return this as unknown as IHttp;
    }
}

export class FakeRead {
    constructor(public settings: Record<string, string> = { bot_url: BOT_URL, shared_secret: SECRET }) {}

    public getEnvironmentReader() {
        return { getSettings: () => ({ getValueById: async (id: string) => this.settings[id] }) };
    }

    public getRoomReader() {
        return { getById: async (id: string) => (id === TEAM_ROOM.id ? room() : undefined) };
    }

    public getUserReader() {
        return { getAppUser: async () => ({ id: 'app-user', username: 'ensemble.bot' }) };
    }
}

export interface Notice {
    to: IUser;
    text: string;
    room: IRoom;
}

export class FakeModify {
    public readonly notices: Array<Notice> = [];

    public getNotifier() {
        const notices = this.notices;
        return {
            getMessageBuilder() {
                const message: Record<string, unknown> = {};
                const builder = {
                    setRoom: (value: IRoom) => ((message.room = value), builder),
                    setText: (value: string) => ((message.text = value), builder),
                    setSender: (value: IUser) => ((message.sender = value), builder),
                    getMessage: () => message,
                };
                return builder;
            },
            async notifyUser(to: IUser, message: { text: string; room: IRoom }) {
                notices.push({ to, text: message.text, room: message.room });
            },
        };
    }
}

export class FakeConfiguration {
    public readonly settings: Array<{ id: string; type: string }> = [];
    public readonly commands: Array<{ command: string; i18nDescription: string; i18nParamsExample: string }> = [];
    public readonly providers: Array<{ name: string }> = [];

    public asExtend() {
        return {
            settings: { provideSetting: async (setting: { id: string; type: string }) => void this.settings.push(setting) },
            slashCommands: { provideSlashCommand: async (command: any) => void this.commands.push(command) },
            videoConfProviders: { provideVideoConfProvider: async (provider: any) => void this.providers.push(provider) },
        };
    }
}
