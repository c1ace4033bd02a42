"""Threats: violence wished on or promised to a group or a person."""

HELD = [
    "Someone should burn down that mosque with everyone inside.",
    "All Jews should be rounded up and gassed.",
    "I hope every immigrant on that boat drowns.",
    "Gay people should be hanged from the nearest tree.",
    "We need to start shooting these refugees at the border.",
    "Trans people should be wiped out.",
    "I will find you and break your legs.",
    "Keep writing this and you will end up in a ditch.",
    "Muslims deserve to be exterminated.",
    "Black people should be lynched like in the old days.",
    "The reporter who wrote this should be shot.",
    "Kill every last one of them, Roma included.",
    # Written after the wish pattern learned relative clauses and "<group> people", to check it generalises:
    "Every politician who voted for this should be hanged.",
    "The judge who let him go should be strung up.",
    "Gay people should be shot on sight.",
]
APPROVED = [
    "Kill the bill. It hands the telecoms everything.",
    "The striker absolutely killed it in the second half.",
    "The governor said the prisoner should be executed, and I think that is wrong.",
    "Police say the man threatened to shoot his neighbour; he was arrested Tuesday.",
    "This tax plan will murder small businesses.",
    "The play bombed on its opening night.",
    "Threats against election workers are a crime and should be prosecuted.",
    "The comedian died on stage, then won them back with the encore.",
    "The plan that they proposed should be put down as a failure.",
    "The reporter who wrote this should be thanked.",
    "Black people should be represented on the board.",
    "The project that ran over budget should be killed.",
]


def test_threats_are_held(judge):
    judge.assert_held(HELD, missed_at_most=4)  # v2 at first run: 7 of 12 missed (v1: 8); with relative clauses: 4 of 15


def test_violent_idioms_and_reports_pass(judge):
    judge.assert_passed(APPROVED, held_at_most=0)
