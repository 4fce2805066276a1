import type { ISetting } from '@rocket.chat/apps-engine/definition/settings';
import { SettingType } from '@rocket.chat/apps-engine/definition/settings';

// Only what the bot cannot know: where it is and the secret it shares with this app. The
// bot keeps every other setting (Jitsi, rooms, languages) and every other secret.
export const BOT_URL = 'bot_url';
export const SHARED_SECRET = 'shared_secret';

export const SETTINGS: ReadonlyArray<ISetting> = [
    {
        id: BOT_URL,
        type: SettingType.STRING,
        packageValue: '',
        required: true,
        public: false,
        i18nLabel: 'setting_bot_url',
        i18nDescription: 'setting_bot_url_description',
    },
    {
        id: SHARED_SECRET,
        type: SettingType.PASSWORD,
        packageValue: '',
        required: true,
        public: false,
        i18nLabel: 'setting_shared_secret',
        i18nDescription: 'setting_shared_secret_description',
    },
];
