"""`newsmon init DIR`: copy the editable seeds where a user can edit them.

An installed newsmon reads its shipped seeds from inside the package, where edits would be lost at the
next upgrade. `init` copies every seeds/*.csv (feeds, topics, terms, alert rules, grammar, inflections,
event terms) into DIR, and writes DIR/.env pointing newsmon at them. Existing files are kept unless
`force`. The demo feeds are not copied: they are part of the program, not of the configuration.
"""

from __future__ import annotations

import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

from newsmon.paths import SEEDS_DIR


@dataclass(frozen=True, slots=True)
class InitResult:
    directory: Path
    copied: list[str]
    kept: list[str]  # files already there, left as they were
    variables: dict[str, str]  # what to set so newsmon reads the copies


def init_seeds(directory: Path, force: bool = False, seeds_dir: Path = SEEDS_DIR) -> InitResult:
    directory = directory.expanduser().resolve()
    directory.mkdir(parents=True, exist_ok=True)
    copied, kept = [], []
    for source in sorted(seeds_dir.glob("*.csv")):
        target = directory / source.name
        if target.exists() and not force:
            kept.append(source.name)
            continue
        shutil.copyfile(source, target)
        copied.append(source.name)
    variables = {
        "NEWSMON_SEEDS": str(directory),
        "NEWSMON_FEEDS": str(directory / "feeds.csv"),
        "NEWSMON_ALERT_RULES": str(directory / "alert_rules.csv"),
    }
    env_file = directory / ".env"
    if force or not env_file.exists():
        env_file.write_text("# written by `newsmon init`: newsmon reads this file when run from this directory,\n"
                            "# or anywhere with --env-file " + str(env_file) + "\n"
                            + "".join(f"{name}='{value}'\n" for name, value in variables.items()), encoding="utf-8")
        copied.append(".env")
    else:
        kept.append(".env")
    return InitResult(directory, copied, kept, variables)


def describe_init(result: InitResult) -> str:
    lines = [f"{result.directory}: copied {', '.join(result.copied) or 'nothing'}"
             + (f"; kept {', '.join(result.kept)} (--force overwrites)" if result.kept else ""),
             "newsmon reads them when run from that directory (its .env), or with --env-file; or set:"]
    lines += [f"  export {name}={shlex.quote(value)}" for name, value in result.variables.items()]
    return "\n".join(lines)
