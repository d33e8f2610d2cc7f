"""Messages as data: services say *what* happened, the edges say it in a language.

A service returns ``msg(N_("{firm}: suspected certificate lending"), firm=name)``: an English
msgid (marked with the no-op :func:`N_` so ``pybabel extract`` finds it) and its parameters. The
web renders it in the request's language (Flask-Babel), the command line in the one it was asked
for (:func:`translations`); both read the one gettext catalogue in ``chengxin/translations``.

A parameter may itself be a :class:`Message` (rendered first, in the same language) or a
:class:`Listing` of values and messages (joined with the language's list separator). Plain
values are formatted with ``str.format``; dates print as ISO dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Protocol

from babel.support import NullTranslations, Translations

DOMAIN = "messages"
DEFAULT = "zh_Hans"
LANGS = ("zh_Hans", "en")
# What a ?lang= value, a cookie or CHENGXIN_LANG may say, and the catalogue locale it means.
ALIASES = {"zh": "zh_Hans", "zh_hans": "zh_Hans", "zh-hans": "zh_Hans", "zh_cn": "zh_Hans", "zh-cn": "zh_Hans",
           "zh-hans-cn": "zh_Hans", "en": "en", "en_us": "en", "en-us": "en", "en_gb": "en", "en-gb": "en"}


def N_(msgid: str) -> str:
    """Mark a msgid for extraction; translated later, where the language is known."""
    return msgid


def pick_lang(value: str | None) -> str | None:
    """The catalogue locale a user's choice names (``zh``, ``zh_Hans``, ``zh-CN`` → ``zh_Hans``), or None."""
    return ALIASES.get((value or "").strip().lower())


def html_lang(lang: str) -> str:
    """The BCP 47 tag for ``<html lang>`` and ``Content-Language``."""
    return "zh-Hans" if lang == "zh_Hans" else lang


class Translator(Protocol):
    """What rendering needs: gettext's ``gettext`` and ``pgettext`` (Babel's Translations, or
    Flask-Babel's ``get_translations()``)."""

    def gettext(self, message: str) -> str: ...

    def pgettext(self, context: str, message: str) -> str: ...


@dataclass(frozen=True)
class Message:
    msgid: str
    params: dict[str, Any] = field(default_factory=dict)
    context: str | None = None  # gettext's msgctxt, where one English text has two Chinese ones

    def template(self, tr: Translator) -> str:
        return tr.pgettext(self.context, self.msgid) if self.context else tr.gettext(self.msgid)

    def render(self, tr: Translator) -> str:
        values = _Blank({k: _value(v, tr) for k, v in self.params.items()})
        return self.template(tr).format_map(values)

    def to_json(self, tr: Translator) -> dict:
        """The API's shape: the msgid, its parameters (as data) and the rendered text."""
        return {"msgid": self.msgid, "params": {k: _plain(v) for k, v in self.params.items()},
                "text": self.render(tr)}

    def __str__(self) -> str:  # logs and exception texts: the English
        return self.render(NullTranslations())


@dataclass(frozen=True)
class Listing:
    """Several values said as one list: '、' in Chinese, '; ' or ', ' in English."""
    items: tuple
    separator: str

    def render(self, tr: Translator) -> str:
        return tr.gettext(self.separator).join(str(_value(v, tr)) for v in self.items)


# The separators between list items, as msgids of their own so each language chooses its own.
SEMICOLONS = N_("; ")
COMMAS = N_(", ")


class _Blank(dict):
    """A parameter the data lacks (a relationship without that property) is said as nothing."""

    def __missing__(self, key):
        return ""


def msg(msgid: str, **params) -> Message:
    return Message(msgid, params)


def listing(items, separator: str = SEMICOLONS) -> Listing:
    return Listing(tuple(items), separator)


def _value(v, tr: Translator):
    if isinstance(v, (Message, Listing)):
        return v.render(tr)
    return "—" if v is None else v  # numbers keep their format spec ({points:g}); dates print ISO


def _plain(v):
    if isinstance(v, Message):
        return {"msgid": v.msgid, "params": {k: _plain(x) for k, x in v.params.items()}}
    if isinstance(v, tuple):
        return list(v)
    if isinstance(v, Listing):
        return [_plain(x) for x in v.items]
    return v


def as_data(data, tr: Translator):
    """Data for JSON: every message becomes ``{"msgid", "params", "text"}``, a list its text."""
    if isinstance(data, Message):
        return data.to_json(tr)
    if isinstance(data, Listing):
        return data.render(tr)
    if isinstance(data, dict):
        return {k: as_data(v, tr) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [as_data(v, tr) for v in data]
    return data


def catalogue_dir() -> str:
    """The folder both edges read: ``<locale>/LC_MESSAGES/messages.mo``, shipped as package data."""
    return str(resources.files("chengxin") / "translations")


@lru_cache(maxsize=None)
def translations(lang: str | None = None) -> NullTranslations:
    """The gettext translations of one locale (the default Chinese when None or unknown)."""
    lang = pick_lang(lang) or DEFAULT
    if lang == "en":
        return NullTranslations()  # the msgids are English
    return Translations.load(catalogue_dir(), [lang], DOMAIN)


def render(value, lang: str | None = None) -> str:
    """A message (or plain text) in one language: for the command line, tests and logs."""
    if isinstance(value, (Message, Listing)):
        return value.render(translations(lang))
    return "" if value is None else str(value)
