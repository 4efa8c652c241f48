"""Irregular English verb forms mapped to their base form before stemming.

The Snowball stemmer joins "gives/giving/given" but not "gave": without this table,
"How many helicopters did Russia give?" would not match "we gave our partners four
helicopters". Applied to corpus and questions alike, before BM25 tokenisation.
"""

from __future__ import annotations

import re

_FORMS = """
arise arose arisen|bear bore borne|beat beaten|become became|begin began begun|bend bent|
bet|bid|bind bound|bite bit bitten|bleed bled|blow blew blown|break broke broken|breed bred|
bring brought|build built|burn burnt|buy bought|catch caught|choose chose chosen|cling clung|
come came|cost|creep crept|cut|deal dealt|dig dug|do did done|draw drew drawn|drink drank drunk|
drive drove driven|eat ate eaten|fall fell fallen|feed fed|feel felt|fight fought|find found|
flee fled|fly flew flown|forbid forbade forbidden|forget forgot forgotten|forgive forgave forgiven|
freeze froze frozen|get got gotten|give gave given|go went gone|grow grew grown|hang hung|
have had|hear heard|hide hid hidden|hold held|hurt|keep kept|know knew known|lay laid|
lead led|leave left|lend lent|let|lie lay lain|lose lost|make made|mean meant|meet met|
pay paid|put|quit|read|ride rode ridden|ring rang rung|rise rose risen|run ran|say said|
see saw seen|seek sought|sell sold|send sent|set|shake shook shaken|shoot shot|show shown|
shrink shrank shrunk|shut|sing sang sung|sink sank sunk|sit sat|sleep slept|slide slid|
speak spoke spoken|spend spent|spin spun|split|spread|stand stood|steal stole stolen|
stick stuck|sting stung|strike struck|swear swore sworn|sweep swept|swim swam swum|
swing swung|take took taken|teach taught|tear tore torn|tell told|think thought|
throw threw thrown|understand understood|wake woke woken|wear wore worn|weep wept|
win won|wind wound|withdraw withdrew withdrawn|write wrote written|undertake undertook undertaken|
overcome overcame|oversee oversaw overseen|uphold upheld|withhold withheld
"""
# "left", "found", "lay", "saw", "wound", "bound", "rose" are also nouns or adjectives; the
# merge costs little for retrieval and helps more often than it hurts.
BASE: dict[str, str] = {}
for _group in _FORMS.replace("\n", " ").split("|"):
    _words = _group.split()
    for _form in _words[1:]:
        BASE.setdefault(_form, _words[0])

# Past participles of the table, and "born", which stemming leaves alone.
PARTICIPLES = frozenset(
    {*(g.split()[-1] for g in _FORMS.replace("\n", " ").split("|") if g.strip()), "born"}
)
_WORD = re.compile(r"\b(" + "|".join(sorted(BASE, key=len, reverse=True)) + r")\b", re.IGNORECASE)


def base_forms(text: str) -> str:
    """``text`` with irregular past forms replaced by the verb's base form."""
    return _WORD.sub(lambda m: BASE[m.group(1).lower()], text)
