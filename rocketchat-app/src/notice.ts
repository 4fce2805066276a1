import type { IModify, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import type { IRoom } from '@rocket.chat/apps-engine/definition/rooms';
import type { IUser } from '@rocket.chat/apps-engine/definition/users';

import { DEFAULT_LANGUAGE, NOTICES } from './generated/commands';

export type NoticeKey = 'bot_unreachable' | 'bot_not_configured';

/** The user's own language when the bot has it, else the bot's default one. */
export function noticeText(key: NoticeKey, language: string | undefined, params: Record<string, string>): string {
    const base = (language || '').toLowerCase().split(/[-_]/)[0];
    const texts = NOTICES[base] || NOTICES[DEFAULT_LANGUAGE];
    return texts[key].replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
}

/** An ephemeral message only `user` sees, in `room`: nothing is posted for the others. */
export async function tellPrivately(
    read: IRead,
    modify: IModify,
    user: IUser,
    room: IRoom,
    key: NoticeKey,
    params: Record<string, string>,
): Promise<void> {
    const text = noticeText(key, user.settings?.preferences?.language, params);
    const builder = modify.getNotifier().getMessageBuilder().setRoom(room).setText(text);
    const appUser = await read.getUserReader().getAppUser();
    if (appUser) {
        builder.setSender(appUser);
    }
    await modify.getNotifier().notifyUser(user, builder.getMessage());
}
