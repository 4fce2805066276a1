import type { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import type { IRoom } from '@rocket.chat/apps-engine/definition/rooms';
import type { ISlashCommand, SlashCommandContext } from '@rocket.chat/apps-engine/definition/slashcommands';
import { randomBytes } from 'crypto';

import { BotClient, BotUnavailable, COMMAND_PATH, Clock, systemClock } from './bot';
import type { DeclaredCommand } from './generated/commands';
import { tellPrivately } from './notice';

/** What the bot reads (integrations/rocketchat/companion.py `invocation_from`). */
export interface Invocation {
    trigger_id: string;
    command: string;
    arguments: Array<string>;
    user: { id: string; username: string; name: string };
    room: { id: string; name: string; type: string };
    thread_id: string | null;
}

export function roomName(room: IRoom): string {
    return room.displayName || room.slugifiedName || room.id;
}

export function invocationOf(command: string, context: SlashCommandContext): Invocation {
    const sender = context.getSender();
    const room = context.getRoom();
    return {
        // Rocket.Chat gives one per invocation; the bot answers each trigger id once.
        trigger_id: context.getTriggerId() || randomBytes(12).toString('hex'),
        command,
        arguments: context.getArguments(),
        user: { id: sender.id, username: sender.username, name: sender.name || '' },
        room: { id: room.id, name: roomName(room), type: String(room.type) },
        thread_id: context.getThreadId() || null,
    };
}

/** One of the bot's commands as a native slash command: forwarded, answered by the bot. */
export class ForwardedCommand implements ISlashCommand {
    public readonly command: string;
    public readonly i18nDescription: string;
    public readonly i18nParamsExample: string;
    public readonly providesPreview = false;

    constructor(declared: DeclaredCommand, private readonly clock: Clock = systemClock) {
        this.command = declared.command;
        this.i18nDescription = declared.i18nDescription;
        this.i18nParamsExample = declared.i18nParamsExample;
    }

    public async executor(context: SlashCommandContext, read: IRead, modify: IModify, http: IHttp, _persis: IPersistence): Promise<void> {
        try {
            await new BotClient(read, http, this.clock).post(COMMAND_PATH, invocationOf(this.command, context));
        } catch (error) {
            const key = error instanceof BotUnavailable && error.reason === 'not_configured' ? 'bot_not_configured' : 'bot_unreachable';
            await tellPrivately(read, modify, context.getSender(), context.getRoom(), key, { command: this.command });
        }
    }
}
