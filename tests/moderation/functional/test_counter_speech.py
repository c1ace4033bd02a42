"""Counter-speech: a comment that opposes hate, names it or quotes it to reject it, is not hate."""

APPROVED = [
    "Saying Muslims are terrorists is bigotry, full stop.",
    "People who call immigrants rats should be ashamed of themselves.",
    "The idea that Jews control the banks is a lie that has got people killed.",
    "Anyone claiming Black people are less intelligent is peddling racist junk science.",
    "I'm sick of seeing gay people called perverts in these comments.",
    "Calling trans people mentally ill is cruel and wrong.",
    "The commenter above who said women should not vote needs to read a history book.",
    "Hate against Roma families has gone up, and this thread shows why.",
    "Stop blaming refugees for the housing shortage, it was caused by decades of underbuilding.",
    "Comparing disabled people to a burden is exactly the attitude the article criticises.",
    "No, Asians are not 'taking over', they are our neighbours and they pay taxes like you.",
    "The racist abuse the striker got online is disgusting and the club should act.",
    # Written after the engine learned to read reported claims, to see that it generalises:
    "Describing Mexicans as criminals is lazy and racist.",
    "Claiming that Jews are greedy is an antisemitic smear.",
    "Calling disabled people useless is disgusting.",
    "Saying women are too emotional to lead is sexist nonsense.",
    "Tired of hearing immigrants called invaders by people who have never met one.",
    "Labelling every Muslim an extremist is prejudice, plain and simple.",
    "Suggesting that gay teachers are a danger to kids is homophobic and wrong.",
    "Anyone who calls Roma people thieves should be ashamed.",
]
HELD = [
    "I'm sick of people defending Muslims, they really are terrorists.",
    "Stop pretending immigrants are people, they are rats.",
    # The same frame, endorsing the claim instead of condemning it:
    "Calling Somalis savages is just telling the truth.",
    "Saying gays are perverts isn't homophobic, it's honest.",
    "Describing Jews as parasites is accurate.",
    "Calling migrants vermin is not racist, they are vermin.",
]


def test_counter_speech_passes(judge):
    judge.assert_passed(APPROVED, held_at_most=0)  # v2 at first run: 3 of 12; reading reported claims: 0 of 20


def test_hate_dressed_as_a_complaint_is_still_held(judge):
    judge.assert_held(HELD, missed_at_most=2)  # 2 of 6 missed, both endorsing the claim as the truth (v1: 4)
