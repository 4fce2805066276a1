import type { IAppAccessors, IConfigurationExtend, ILogger } from '@rocket.chat/apps-engine/definition/accessors';
import { App } from '@rocket.chat/apps-engine/definition/App';
import type { IAppInfo } from '@rocket.chat/apps-engine/definition/metadata';

import { ForwardedCommand } from './src/commands';
import { COMMANDS } from './src/generated/commands';
import { EnsembleVideoProvider } from './src/provider';
import { SETTINGS } from './src/settings';

/** ENSEMBLE's companion: the bot's commands as native slash commands and
 * the call button as ENSEMBLE meetings (a video-conference provider). The bot keeps the
 * logic and the secrets; this app only forwards, signed. */
export class EnsembleApp extends App {
    constructor(info: IAppInfo, logger: ILogger, accessors: IAppAccessors) {
        super(info, logger, accessors);
    }

    protected async extendConfiguration(configuration: IConfigurationExtend): Promise<void> {
        await Promise.all(SETTINGS.map((setting) => configuration.settings.provideSetting(setting)));
        for (const declared of COMMANDS) {
            await configuration.slashCommands.provideSlashCommand(new ForwardedCommand(declared));
        }
        await configuration.videoConfProviders.provideVideoConfProvider(new EnsembleVideoProvider());
    }
}
