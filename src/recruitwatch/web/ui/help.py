"""Public help pages: a guided questionnaire and a page of rights, risks and next steps.

For a frightened migrant or relative on a cheap phone over a slow link: no
sign-in, no JavaScript, no cookies, one small stylesheet, plain GET forms, and
URLs that can be shared (/help/ru/answer?nationality=UZ&citizen=no&situation=summons).
The language is part of the path because the help pages speak six languages
(uz, uz-Cyrl, ru, tg, ky, en) while the staff interface speaks three. All
content comes from recruitwatch.legal.guidance; see docs/help-pages.md.
"""

from __future__ import annotations

import urllib.parse

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from ...legal import guidance
from ...legal.source_kinds import kind_label
from ..deps import PUBLIC, Viewer
from ..render import TEMPLATES

router = APIRouter(include_in_schema=False)

LANDING_LANG = "en"


@router.get("/help")
def choose_language(request: Request, who: Viewer = Depends(PUBLIC)) -> Response:
    """The entry page: one link per language, each labelled in its own language."""
    return _page(request, "help/index.html", LANDING_LANG, status_code=200, missing=False)


@router.get("/help/{lang}/")
def questionnaire(request: Request, lang: str, who: Viewer = Depends(PUBLIC)) -> Response:
    """The three questions as a plain GET form; answers in the query string are pre-selected."""
    if lang not in guidance.LANGUAGES:
        return _page(request, "help/index.html", LANDING_LANG, status_code=404, missing=True)
    selected = {q.param: request.query_params.get(q.param) for q in guidance.questions(lang)}
    return _page(request, "help/questions.html", lang, selected=selected, problems=())


@router.get("/help/{lang}/answer")
def answer(request: Request, lang: str, who: Viewer = Depends(PUBLIC)) -> Response:
    """The result page; a missing or unknown answer gets the form again with a 400, in `lang`."""
    if lang not in guidance.LANGUAGES:
        return _page(request, "help/index.html", LANDING_LANG, status_code=404, missing=True)
    params = request.query_params
    selected = {q.param: params.get(q.param) for q in guidance.questions(lang)}
    try:
        result = guidance.answer_for(selected, lang)
    except guidance.InvalidAnswers as exc:
        return _page(request, "help/questions.html", lang, status_code=400, selected=selected, problems=exc.problems)
    query = urllib.parse.urlencode({k: v for k, v in selected.items() if v})
    return _page(request, "help/answer.html", lang, result=result, query=query)


@router.get("/help/{lang}/sources")
def sources(request: Request, lang: str, who: Viewer = Depends(PUBLIC)) -> Response:
    """Every source of every statement, with its kind and date: answer pages show one per citation."""
    if lang not in guidance.LANGUAGES:
        return _page(request, "help/index.html", LANDING_LANG, status_code=404, missing=True)
    entries = guidance.source_entries(guidance.every_citation(lang))
    return _page(request, "help/sources.html", lang, entries=entries, warnings=guidance.source_warnings(lang))


def _page(request: Request, template: str, lang: str, status_code: int = 200, **context) -> HTMLResponse:
    """Rendered without render.render on purpose: no language or CSRF cookie for these visitors."""
    return TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "lang": lang,
            "ui": guidance.ui(lang),
            "ui_verified": guidance.ui_verified(lang),
            "languages": guidance.languages(),
            "questions": guidance.questions(lang),
            "choose": {code: guidance.ui(code) for code in guidance.LANGUAGES},
            "switch": lambda code: _same_page_in(request, code),
            "source_kind_label": kind_label,
            **context,
        },
        status_code=status_code,
    )


def _same_page_in(request: Request, code: str) -> str:
    """This page in another language, answers kept: /help/tg/answer?.. -> /help/ru/answer?.."""
    parts = request.url.path.split("/")
    if len(parts) < 3 or parts[2] not in guidance.LANGUAGES:
        return f"/help/{code}/"
    parts[2] = code
    query = urllib.parse.urlencode([(k, v) for k, v in request.query_params.multi_items()])
    return "/".join(parts) + (f"?{query}" if query else "")
