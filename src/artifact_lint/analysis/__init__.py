"""Analysis: the text understanding the claims rules share.

`claims` finds win claims in public copy: it cuts prose into `sentences`, finds the win
`cues` in each and the competition `rows` each names; `gates` compares a claim with the
evidence a Direct row is measured on; `measures` parses every number and signed delta the
rules compare; `patterns` tries a pattern only where its gate says a match can start.
"""
