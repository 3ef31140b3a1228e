"""The accessibility statement follows DIGG's model in Swedish and English: the compliance
status, the known inaccessible content with reasons (from the one list the page renders),
the date and method of the latest assessment, the feedback function and DIGG's form."""

import pytest

from facilitator.core import accessibility

PARTS = {
    "sv": ["Hur tillgänglig är tjänsten?", "delvis förenlig",
           "Vad kan du göra om du inte kan använda delar av tjänsten?",
           "Rapportera brister i tjänstens tillgänglighet", "Tillsyn",
           "Anmäl bristande tillgänglighet till Digg", "Innehåll som inte är tillgängligt",
           "Hur vi testat tjänsten", "Den senaste bedömningen gjordes den 2 december 2026",
           "Självskattning", "Bristande förenlighet med lagkraven",
           "Innehåll som inte omfattas av lagen", "Oskälig börda"],
    "en": ["How accessible is the service?", "partially compliant",
           "What can you do if you cannot use parts of the service?",
           "Report shortcomings in the service's accessibility", "Supervision",
           "Report inaccessibility to Digg", "Content that is not accessible",
           "How we tested the service", "The latest assessment was made on December 2, 2026",
           "Self-assessment", "Non-compliance with the legal requirements",
           "Content not covered by the law", "Disproportionate burden"],
}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_part_of_digg_model_in_both_languages(client, lang, app):
    client.set_cookie("lang", lang)
    html = client.get("/tillganglighet").get_data(as_text=True)
    assert f'lang="{lang}"' in html
    for part in PARTS[lang]:
        assert part in html.replace("&#39;", "'"), part
    assert accessibility.DIGG_REPORT_URL in html
    assert f"mailto:{app.config['ACCESSIBILITY_CONTACT']}" in html
    with app.test_request_context(headers={"Cookie": f"lang={lang}"}):
        for issue in accessibility.KNOWN_ISSUES:
            assert str(issue.what) in html.replace("&#39;", "'")


def test_never_none_known_while_something_is_known(client, monkeypatch):
    html = client.get("/tillganglighet").get_data(as_text=True)
    assert "Vi känner inte till något innehåll som inte är tillgängligt" not in html
    monkeypatch.setattr(accessibility, "KNOWN_ISSUES", ())
    html = client.get("/tillganglighet").get_data(as_text=True)
    assert "helt förenlig" in html
    assert "Vi känner inte till något innehåll som inte är tillgängligt" in html


@pytest.mark.parametrize("lang, sentence", [
    ("sv", "med färre än 5 svar visas aldrig för sig"),
    ("en", "with fewer than 5 answers is never shown on its own"),
])
def test_the_statement_states_the_small_group_rule_with_the_configured_limit(
        client, app, lang, sentence):
    app.config["MIN_GROUP_SIZE"] = 5
    client.set_cookie("lang", lang)
    html = client.get("/tillganglighet").get_data(as_text=True).replace("&#39;", "'")
    assert sentence in html
    assert ("Övriga" if lang == "sv" else "“Other”") in html
