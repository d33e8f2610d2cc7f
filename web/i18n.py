"""Simplified Chinese first, English second: ``?lang=en`` switches and is remembered in a cookie.

Templates write both texts side by side, ``{{ t('企业', 'Enterprise') }}``, so the pairs stay
next to each other and nothing falls out of sync with a catalog.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, g, request

from chengxin.graph.model import get_model

LANGS = ("zh", "en")


def current() -> str:
    return getattr(g, "lang", "zh")


def t(zh: str, en: str) -> str:
    return en if current() == "en" else zh


def label_name(label: str) -> str:
    spec = get_model().labels.get(label)
    return t(spec.zh, spec.en) if spec else label


def rel_name(rel: str) -> str:
    spec = get_model().relationships.get(rel)
    return t(spec.zh, spec.en) if spec else rel


def lang_url(lang: str) -> str:
    args = request.args.to_dict()
    args["lang"] = lang
    return request.path + "?" + urlencode(args)


def init_app(app: Flask) -> None:
    @app.before_request
    def _pick():
        lang = request.args.get("lang") or request.cookies.get("lang") or "zh"
        g.lang = lang if lang in LANGS else "zh"

    @app.after_request
    def _remember(resp):
        if request.args.get("lang") in LANGS:
            resp.set_cookie("lang", request.args["lang"], max_age=365 * 86400, samesite="Lax")
        return resp

    # Jinja globals rather than a context processor, so imported macros see them too.
    app.jinja_env.globals.update(t=t, label_name=label_name, rel_name=rel_name, lang_url=lang_url)

    @app.context_processor
    def _lang():
        return {"lang": current()}
