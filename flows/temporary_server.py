"""Whether `newsmon run` uses the Prefect server it started before importing Prefect.

`newsmon run` starts Prefect's temporary server first thing (newsmon/prefect_server.py:
`start_early`), so that it comes up while this process imports Prefect and the flows. Once Prefect
is imported, `adopt` keeps that server only if Prefect would have started the same one: no API URL
configured, the temporary server enabled, and no setting from a profile or settings file that
Prefect would pass on to its server. Otherwise, or if the server does not answer in time, it is
stopped, and Prefect does what it is configured to do.
"""

from __future__ import annotations

import os

from newsmon.prefect_server import EarlyServer, stop_early, wait_early

# Settings that Prefect's bundled default profile sets, and that change nothing here.
DEFAULT_PROFILE_SETTINGS = frozenset({"PREFECT_SERVER_EPHEMERAL_ENABLED"})


def adopt(server: EarlyServer | None) -> bool:
    """Call once Prefect is imported: make the early server this process's Prefect API if Prefect
    would have started the same one, and it answers. True if adopted; else the server is stopped."""
    if server is None:
        return False
    from prefect.context import refresh_global_settings_context
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    # The environment outranks every settings file, so a setting Prefect would pass on to its server
    # that is not in the environment came from a profile, prefect.toml, pyproject.toml or .env.
    from_files = set(settings.to_environment_variables(exclude_unset=True)) - set(os.environ) - DEFAULT_PROFILE_SETTINGS
    timeout_s = settings.server.ephemeral.startup_timeout_seconds
    if settings.api.url or not settings.server.ephemeral.enabled or from_files or not wait_early(server, timeout_s):
        stop_early(server.process)
        return False
    os.environ["PREFECT_API_URL"] = server.api_url
    refresh_global_settings_context()  # Prefect read the environment when it was imported
    return True
