"""`ensemble-bot provision`: the first set-up of the bot's accounts on each server, repeatable.

One module per server (rocketchat, nextcloud, wekan), each given an administrator account and
the values a previous run wrote; each step looks before it acts, so a second run changes
nothing and says so. What they obtain goes to an env file (mode 0600) the bot reads."""
