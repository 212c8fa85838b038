"""Writing one page: render it in a language, write its bytes, or link the previous build's.

Plain os calls, not pathlib: at 550,000 files the wrappers alone cost seconds.
"""

from __future__ import annotations

import functools
import os
import shutil
import socket
from pathlib import Path
from typing import Any

from jinja2 import Environment

from . import urls
from .pagehash import Job, page_files


@functools.lru_cache(maxsize=4)
def _host_pid(pid: int) -> str:
    return f"{socket.gethostname()}.{pid}"


def _tag() -> str:
    """Temporary names carry host and process: cluster workers on several machines share the
    output folder, and two of them may have the same pid."""
    return _host_pid(os.getpid())


def _folder_for(target: str) -> None:
    """The folder a page goes in: one mkdir, usually failing fast because it exists (makedirs
    stats every parent first; linked pages paid that 550,000 times a night)."""
    folder = os.path.dirname(target)
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)


class PageWriter:
    """The file side of clearbuild.render.Renderer (which declares these attributes)."""

    output: Path
    globals: dict[str, Any]
    languages: list[str]
    settings: dict[str, Any]
    atomic: bool

    def lang_path(self, lang: str, path: str) -> str:
        return path if lang == self.languages[0] else f"{lang}/{path}"

    def render_one(self, job: Job, lang: str, env: Environment) -> int:
        path = self.lang_path(lang, job.path)
        template = env.get_template(job.template)
        ctx = dict(self.globals)
        ctx.update(job.context)
        ctx.update(root=urls.root_prefix(path), page_path=path, lang=lang,
                   site_root=urls.root_prefix(job.path), lang_root=urls.root_prefix(path) +
                   ("" if lang == self.languages[0] else f"{lang}/"),
                   alternates=[(lg, urls.root_prefix(path) + self.lang_path(lg, job.path))
                               for lg in self.languages])
        ctx["record_kind"], ctx["record_key"] = job.kind, job.key  # the record a record page shows
        ctx["SITENAME"] = (ctx.get("SITENAMES") or {}).get(lang) or ctx.get("SITENAME", "")
        return self.write(path, template.render(ctx))

    def write(self, path: str, body: str | bytes) -> int:
        data = body.encode("utf-8") if isinstance(body, str) else body
        target = os.path.join(self.output, path)
        _folder_for(target)
        if self.atomic:  # two runs of one task may write the same page at once: whole or nothing
            tmp = f"{target}.{_tag()}.tmp"
            with open(tmp, "wb") as f:
                f.write(data)
            os.replace(tmp, target)
            return len(data)
        # Never write through an existing name: it may be a hard link into a published build.
        try:
            os.unlink(target)
        except FileNotFoundError:
            pass
        with open(target, "wb") as f:
            f.write(data)
        return len(data)

    def link_one(self, path: str, lang: str) -> int:
        """Reuse the previous build's bytes for an unchanged page; returns their size, 0 if absent."""
        path = self.lang_path(lang, path) if path.endswith(".html") else path
        src = os.path.join(self.settings["CB_PREVIOUS_BUILD"], path)
        target = os.path.join(self.output, path)
        _folder_for(target)
        tmp = f"{target}.{_tag()}.link"
        try:
            try:
                os.link(src, target)
            except FileExistsError:  # updating a folder in place: swap the name over, whole
                if os.path.exists(tmp):
                    os.unlink(tmp)
                os.link(src, tmp)
                os.replace(tmp, target)
                if os.path.exists(tmp):  # rename is a no-op when both names are one file
                    os.unlink(tmp)
        except FileNotFoundError:
            return 0
        except OSError:  # another file system, or too many links: copy instead
            try:
                shutil.copyfile(src, tmp)
                os.replace(tmp, target)
            except FileNotFoundError:
                return 0
        return os.stat(target).st_size or 1

    def remove(self, path: str) -> None:
        """A page of a record that is gone, in every language, and its folder when left empty."""
        for rel in page_files(path, self.languages):
            target = self.output / rel
            target.unlink(missing_ok=True)
            try:
                target.parent.rmdir()
            except OSError:
                pass
