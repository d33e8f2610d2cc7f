"""Simplified Chinese first, English second, through Flask-Babel and one gettext catalogue.

Templates and views write English msgids (``{{ _('Enterprise') }}``); the Chinese lives in
``chengxin/translations/zh_Hans/LC_MESSAGES/messages.po``. ``?lang=en`` / ``?lang=zh`` (also
``zh_Hans``, ``zh-CN``) switches and is remembered in a cookie. Services return
:class:`chengxin.graph.messages.Message` values; :func:`say` renders them in the request's
language. Every response carries ``Content-Language``; :func:`jsonable` gives the API each
message as msgid, parameters and text.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, g, request, url_for
from flask_babel import Babel, get_translations
from markupsafe import Markup, escape

from chengxin.graph.messages import DEFAULT, N_, Listing, Message, as_data, catalogue_dir, html_lang, pick_lang
from chengxin.graph import vocabulary
from chengxin.graph.flags import DETECTORS
from chengxin.graph.risk import LEVELS
from chengxin.graph.model import get_model


def current() -> str:
    """The request's catalogue locale: ``zh_Hans`` or ``en``."""
    return getattr(g, "lang", DEFAULT)


def gettext(msgid: str) -> str:
    return get_translations().gettext(msgid)


def pgettext(context: str, msgid: str) -> str:
    return get_translations().pgettext(context, msgid)


def say(value) -> str:
    """A service's message in the request's language (plain text passes through)."""
    if isinstance(value, (Message, Listing)):
        return value.render(get_translations())
    return "" if value is None else value


def say_linked(value, refs=()) -> Markup:
    """A message as HTML in the request's language, each name or key it shows that one of ``refs``
    (``{"route", "key", "name"}``, a hit's evidence) names drawn as a link to that entity's page.
    The text and every value are escaped; only the links are markup."""
    by_text: dict[str, dict] = {}
    for r in refs:
        if r and r.get("key") and r.get("route"):
            for text in (r.get("name"), r.get("key")):
                if text:
                    by_text.setdefault(str(text), r)
    return _html(value, get_translations(), by_text)


def _html(v, tr, by_text: dict) -> Markup:
    if isinstance(v, Message):
        values = _Blank({k: _html(x, tr, by_text) for k, x in v.params.items()})
        return escape(v.template(tr)).format_map(values)
    if isinstance(v, Listing):
        return escape(tr.gettext(v.separator)).join(_html(x, tr, by_text) for x in v.items)
    if v is None:
        return Markup("—")
    if isinstance(v, str) and v in by_text:
        r = by_text[v]
        return Markup('<a class="ent ent-{}" href="{}">{}</a>').format(
            r["route"], url_for(r["route"] + ".profile", key=r["key"]), v)
    return escape(v) if isinstance(v, str) else v


class _Blank(dict):
    def __missing__(self, key):
        return ""


def jsonable(value):
    """A message as the API returns it: msgid, parameters and the rendered text."""
    if isinstance(value, Message):
        return value.to_json(get_translations())
    if isinstance(value, Listing):
        return value.render(get_translations())
    return value


def to_json(data):
    """A view's data for the API: every message as msgid, parameters and text (in the request's language)."""
    return as_data(data, get_translations())


#: Labels the graph holds beside the model's own (bookkeeping), with their names (English msgids).
OTHER_LABELS = {"Dataset": N_("Datasets loaded")}


def label_name(label: str) -> str:
    spec = get_model().labels.get(label)
    if spec:
        return gettext(spec.title)
    return gettext(OTHER_LABELS[label]) if label in OTHER_LABELS else label


def rel_name(rel: str) -> str:
    spec = get_model().relationships.get(rel)
    return pgettext(spec.name, spec.title) if spec else rel


#: Which vocabulary group a property's values come from (graph/vocabulary.toml).
ENUM_GROUPS = {"type": "enterprise_types", "category": "qualification_categories", "role": "participation_roles",
               "measure": "measures", "reg_type": "registration_types"}


def enum(value, group: str):
    """A value of the vocabulary in the request's language (English names from vocabulary.toml);
    values the vocabulary does not know pass as they are."""
    if value is None or value == "":
        return value
    return vocabulary.render(ENUM_GROUPS.get(group, group), str(value), "en" if current() == "en" else "zh")


def flag_name(kind: str) -> str:
    """A red flag's name (not its internal kind) in the request's language."""
    d = DETECTORS.get(kind)
    return gettext(d.name) if d else kind


def level_name(level: str) -> str:
    return gettext(LEVELS[level]) if level in LEVELS else level


def lang_url(lang: str) -> str:
    args = request.args.to_dict()
    args["lang"] = lang
    return request.path + "?" + urlencode(args)


def _select() -> str:
    return current()


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=_select, default_locale=DEFAULT, default_domain="messages",
          default_translation_directories=catalogue_dir())

    @app.before_request
    def _pick():
        g.lang = pick_lang(request.args.get("lang")) or pick_lang(request.cookies.get("lang")) or DEFAULT

    @app.after_request
    def _remember(resp):
        chosen = pick_lang(request.args.get("lang"))
        if chosen:
            resp.set_cookie("lang", chosen, max_age=365 * 86400, samesite="Lax")
        resp.headers["Content-Language"] = html_lang(getattr(g, "lang", DEFAULT))
        return resp

    # Jinja globals rather than a context processor, so imported macros see them too.
    app.jinja_env.globals.update(say=say, say_linked=say_linked, flag_name=flag_name, level_name=level_name, label_name=label_name, rel_name=rel_name, lang_url=lang_url,
                                 html_lang=html_lang)
    app.jinja_env.filters["say"] = say
    app.jinja_env.filters["enum"] = enum

    @app.context_processor
    def _lang():
        return {"lang": current()}
