"""Short stop-word lists, enough to keep "of the" and "and a" out of keyword suggestions."""

from __future__ import annotations

_LISTS: dict[str, str] = {
    "en": """a about above after again against all also am an and any are as at be because been before
        being below between both but by can could did do does doing down during each even ever every few
        for from further get gets got had has have having he her here hers him his how however i if in into
        is it its itself just let like made make many may me might more most much must my no nor not now
        of off often on once one only or other our ours out over own per quite rather really said same see
        she should since so some such than that the their theirs them then there these they this those
        through to too under until up upon us use used using very via was way we well were what when
        where whether which while who whom whose why will with within without would yet you your yours""",
    "de": """aber alle als also am an auch auf aus bei bin bis bist da damit dann das dass dem den der des
        die dies diese dieser doch du durch ein eine einem einen einer es für hat hatte ich ihr im in ist
        ja kann kein mit nach nicht noch nur oder sich sie sind so über um und uns von vor war wie wir wird
        zu zum zur""",
    "fr": """au aux avec ce ces cette dans de des du elle en est et il ils je la le les leur lui mais me
        même mes ne nous on ou par pas pour qu que qui sa se ses son sont sur ta te tes toi ton tu un une
        vous y à été être""",
    "es": """a al como con de del el ella ellos en entre es esta este esto la las le les lo los más me mi
        no nos o para pero por que se sin sobre su sus también te tu un una uno y ya""",
    "it": """a al alla anche che chi con da dal dei del della di e ed gli ha i il in la le lo ma ne nel
        nella non o per più si sono su tra un una uno""",
    "nl": """aan als bij dan dat de die dit door een en er het hij ik in is je met na niet nog of om ook op
        over te tot uit van voor was wat we wel ze zich zijn""",
    "pl": """a aby ale bo by być co czy dla do go i ich im jak jako je jego jej jest jeszcze już ku lub ma
        mi na nad nie niż o od oraz po pod przez przy się są ta tak także te tego tej ten to tu tylko w we
        z za ze że""",
}
_SETS = {lang: frozenset(text.split()) for lang, text in _LISTS.items()}


def stopwords_for(language: str) -> frozenset[str]:
    """The language's list, plus English (pages often mix in English words)."""
    root = language.split("_")[0].split("-")[0].lower()
    return _SETS.get(root, frozenset()) | _SETS["en"]
