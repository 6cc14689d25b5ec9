"""Every figure says how it is computed: the pages carry their explanations, in the page language."""


def test_pages_explain_their_figures(open_app) -> None:
    at = open_app("incidents", **{"from": "2026-09-12", "to": "2026-11-20"})
    assert any(e.label == "How these figures are computed" for e in at.expander)
    text = " ".join(m.value for m in at.markdown)
    for words in (
        "Excess contacts = contacts linked to the incident − the baseline",
        "Told first",
        "Score of a spike",
    ):
        assert words in text, words
    assert "incident days skipped" in text  # baselines leave incident days out (issue 14)
    at.switch_page("app_pages/actions.py").run()
    assert "Reduced only when the whole range is below 1" in " ".join(m.value for m in at.markdown)
    assert "Unit" in next(d.value for d in at.dataframe if "Action" in d.value.columns).columns


def test_explanations_in_french(open_app) -> None:
    at = open_app("why", lang="fr")
    assert any(e.label == "Comment ces chiffres sont calculés" for e in at.expander)
    assert "coût par minute de son canal" in " ".join(m.value for m in at.markdown)
