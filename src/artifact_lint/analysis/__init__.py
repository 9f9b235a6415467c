"""Analysis: the text understanding the claims rules share.

`claims` finds win claims and the competition rows they name; `measures` parses every
number and signed delta the rules compare.
"""
