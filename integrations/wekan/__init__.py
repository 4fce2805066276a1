"""The Wekan adapter: REST client (login, decoding, write-verify) and incoming webhooks.

Import from the modules (`integrations.wekan.boards`, `.session`, `.errors`...): this package
imports none of them, so that reading its settings does not load the HTTP client."""
