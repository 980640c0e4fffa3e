"""Words the search splits a compound into ("medicatieoverdracht" → "medicatie" + "overdracht").

Dutch writes compounds as one word, with a hyphen or apart ("medicatie-overdracht", "medicatie
overdragen"); someone searching for one spelling should find the others. This is a dictionary
decompounder (the same idea as OpenSearch's `dictionary_decompounder`): a query word that is two
of these words glued together (with or without a linking s or e) is also searched as its two
parts. The list holds the words of this domain; add a word when a compound is not split.

Also the Dutch stop words of PostgreSQL's `dutch` configuration (the Snowball list): a query word
that is one of these is dropped, as the full-text search would drop it.
"""

COMPOUND_PARTS = frozenset(
    """
    aanbod afspraak afstemming apotheek apotheker arts avond beleid bereikbaarheid bericht
    bewoner bezoek bezorging brief buurt capaciteit casus cirkel client coach contract dagbesteding
    dementie dienst dossier eerste financiering gegevens gemeente gesprek hulp huis huisarts
    huisbezoek informatie initiatief keten knelpunt kaart lijn lijst levering mantel medicatie medicijn
    melding middelen nacht nummer ondersteuning ontmoeting ontslag opname ouderen overdracht
    overdragen overleg pad patient plan praktijk preventie recept rol ruimte samenwerking signaal
    sociaal spoed team telefoon thuis tijd triage uitwisseling val verpleging verpleegkundige
    verwijzing voorzorg wacht weekend welzijn wijk wond zorg zorger ziekenhuis zorgverlener
    """.split()
)

STOP_WORDS = frozenset(
    """
    de en van ik te dat die in een hij het niet zijn is was op aan met als voor had er maar om hem
    dan zou of wat mijn men dit zo door over ze zich bij ook tot je mij uit der daar haar naar heb
    hoe heeft hebben deze u want nog zal me zij nu ge geen omdat iets worden toch al waren veel meer
    doen toen moet ben zonder kan hun dus alles onder ja eens hier wie werd altijd doch wordt wezen
    kunnen ons zelf tegen na reeds wil kon niets uw iemand geweest andere
    """.split()
)
