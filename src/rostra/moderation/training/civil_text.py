"""Civil news-discussion text written for Rostra, used as extra negatives and to measure over-moderation.

The public datasets are mostly tweets and barely contain what a news site sees every day: long,
heated but acceptable disagreement with an article or a government, and people naming their own
or others' identity in neutral or warm ways. A model that never sees these learns that politics or
naming a group is toxic. Everything here was written for this project.

Identity sentences come from two disjoint sets of templates: training templates, and held-out
evaluation templates used only to measure false positives per group.
"""

from __future__ import annotations

from rostra.moderation.training.datasets import LEARNED_ATTRIBUTES, Example, hashed_split

HEATED_COMMENTS = """
This article is one-sided propaganda and the paper should be ashamed of printing it.
I completely disagree with the author. The numbers in the report say the opposite.
The government's housing policy has failed an entire generation, and no amount of spin changes that.
The minister should resign. Three scandals in a year is not bad luck, it is bad leadership.
Did the reporter even read the study? The sample was forty people.
What a ridiculous decision by the council. They ignored every resident who spoke at the hearing.
This is the most dishonest piece of journalism I have read this year.
The mayor has been incompetent on transit from day one and should be voted out.
I am furious about this. My taxes went up and the library closed anyway.
Sorry, but this editorial is naive about how trade actually works.
You are wrong about the tariffs. They raised prices for farmers, not lowered them.
The prime minister lied about the deficit and everyone knows it.
Calling this a "reform" is an insult to our intelligence. It is a tax hike.
Your argument makes no sense. Crime fell in both cities, with and without the program.
Stop pretending the police budget is untouchable. Every department should justify its spending.
The opposition has no plan at all, just slogans.
I have voted for this party for thirty years and this budget is a betrayal.
Propaganda, plain and simple. Where are the other side's quotes?
This war is a catastrophe and the people who started it should be held accountable in court.
The senator's speech was full of half-truths. Fact-check it before you praise it.
I strongly object to the headline. It misrepresents what the judge said.
Nobody in this administration seems to understand basic economics.
The union is right to strike. Wages have not kept up with rent for a decade.
The union is wrong to strike. Patients are the ones who pay for this.
These protesters blocked an ambulance. That is not activism, it is recklessness.
The protesters have every right to be angry, and the police response was out of proportion.
This paper keeps running puff pieces for the developer. Who is paying for them?
The climate plan is too little, too late, and our kids will pay for the delay.
The climate plan will wreck rural jobs and the minister clearly does not care.
I cancelled my subscription after this column. Lazy, biased and wrong.
With respect, the columnist has confused correlation with causation again.
This is a disgrace. The hospital waiting list doubled and they are giving themselves raises.
The school board has lost the trust of parents. Time for new people.
Immigration policy needs a serious debate, not name-calling from either side.
I think the border policy is cruel and I will say so at every town hall.
I think the border policy is too lax and I will vote accordingly.
The president's comments were outrageous and he owes the families an apology.
Rubbish. The bridge was over budget before the contractor was even hired.
This ruling is a dark day for press freedom.
The court got this one badly wrong, and I expect it to be overturned on appeal.
Typical politicians: promise everything in the campaign, deliver nothing after.
Kill the bill. It gives the telecoms everything and consumers nothing.
The pipeline project should be shot down by the regulator, it fails every environmental test.
That interview was a car crash. The candidate could not answer a single question about costs.
Enough with the excuses. The trains have been late every day this month.
The article ignores the fact that wages grew faster than inflation last year.
Shame on the council for selling the park to a parking company.
Honestly the comments here are more informed than the article.
Your point about pensions is fair, but you are ignoring the demographic cliff.
I respectfully disagree: the data on rent control is mixed at best.
Another tax cut for the rich dressed up as help for families. Pathetic.
What a waste of public money. The stadium will sit empty most of the year.
The governor's handling of the flood was a disaster from start to finish.
This reporter has an obvious axe to grind against the chief.
I am sick of hearing about this scandal. Fire everyone involved and move on.
The new speed cameras are a cash grab, nothing more.
If this is the best the opposition can offer, we are in trouble.
The referendum result was close and the government is acting like it was a landslide.
The economy is not "booming" for anyone who shops for groceries.
Fake balance: giving a climate denier equal space is not journalism.
I was at the meeting and the article gets the order of events wrong.
Good. It is about time someone investigated the water contamination.
The vaccine mandate debate deserves more nuance than this piece gives it.
Totally agree with the previous commenter, the zoning change benefits only the developers.
Bad policy, bad timing, bad communication. Three strikes.
People who defend this decision have clearly never taken the bus at night.
This is exactly the kind of corruption voters were promised would end.
The ambassador's remarks were a diplomatic blunder, full stop.
Sanctions hurt ordinary people first and the regime last.
Our foreign policy has been a mess under every government for twenty years.
It is hypocritical to lecture other countries about human rights while selling them weapons.
The article calls it a peaceful protest; the videos say otherwise.
The article calls it a riot; I was there and it was peaceful.
I read the whole bill. Section four does not say what the headline claims.
Why is nobody asking where the money went?
This column is condescending to everyone who lives outside the capital.
The police chief's statement was evasive and insulting to the victim's family.
The CEO should be in front of a parliamentary committee, not on a yacht.
Let's be honest: both parties took money from the same donors.
The strike is a disaster for commuters, and the government let it happen.
These figures are cherry-picked. Look at the full ten-year trend.
I hate this plan. Hate it. It will double my commute.
That is a terrible idea and the city will regret it.
What nonsense. The tax was in the manifesto, they just did not read it.
The author has clearly never run a small business.
This so-called investigation is a hit piece.
Destroying the old market hall for luxury flats is cultural vandalism.
They should scrap the entire program and start over with people who know what they are doing.
Brilliant reporting. Thank you for covering the hearing in such detail.
Thanks for this article, it explained the budget better than the ministry ever has.
Great piece, but I wish you had interviewed some of the nurses too.
A fair and balanced summary. I learned something today.
My grandfather fought in that war and would be appalled at how it is taught now.
We need more stories like this about the people who keep the city running.
I disagree with almost everything in this op-ed, but I am glad you published it.
The comment section is not the place for personal attacks. Argue the facts.
Calling people names is not an argument. Tell us why the policy is wrong.
Quoting someone's hateful tweet to condemn it is not the same as agreeing with it.
Using the word "traitor" for a journalist doing her job is dangerous and wrong.
Please stop telling people to "go back where they came from". They live here.
The slurs shouted at the players were disgusting and the club must ban those fans for life.
Racist abuse of footballers has to stop, and the platforms have to act.
Antisemitic graffiti on the synagogue is a hate crime and should be prosecuted as one.
Attacks on mosques are attacks on all of us.
The defendant was charged with making threats against the judge; the trial starts Monday.
The article says the suspect shouted "I will kill you" before the attack. Chilling.
The film is violent, but that is the point: it is about the war.
The report describes how the gang threatened shop owners for years.
The victim said the attacker called her a terrible name; police are treating it as a hate crime.
Sexual harassment in parliament is a scandal that both parties have covered up.
The documentary about the drug trade is hard to watch but important.
Breast cancer screening saves lives; the cuts to the program are indefensible.
The museum's new exhibition on the history of slavery is powerful.
Gun violence killed four people in our town this year. We need to talk about it.
The bomb threat at the school turned out to be a hoax, thank goodness.
The stabbing outside the station was the third this month.
The hearing discussed assault statistics in prisons.
Damn, that is a lot of money for a footbridge.
Hell of a game last night, the keeper was unbelievable.
Holy crap, the rent in this city is out of control.
That vote was a bloody shambles from start to finish.
What the hell is the council thinking with this roundabout?
Good grief, another delay on the tram line.
The government's response has been absolutely pathetic.
Politicians like him make me want to tear my hair out.
I am so angry I cannot even finish reading this.
You clearly did not read the article before commenting.
You have your facts wrong, and I can prove it with the budget documents.
Read the report before you accuse people of lying.
Your comment is misleading: the fund was never cut, it was moved.
I think you are mistaken, but I appreciate the reply.
You make a good point, I had not considered the cost to small towns.
Please cite a source for that claim.
That is simply not true, look at the court records.
The old regime was brutal and its leaders should face trial.
History will judge this government harshly.
Both candidates are terrible; I will vote for the least bad one.
The debate was a shouting match and neither of them answered the questions.
This is a stupid law and it will be struck down.
The decision was dumb, but it was made in good faith.
The policy is idiotic, and the minister's defence of it was worse.
The whole scheme smells of cronyism.
Sounds like the board was asleep at the wheel again.
Absolute farce of a consultation, the decision was made months ago.
If the bank fails, the executives should lose their bonuses, not the taxpayers their savings.
I will keep writing to my MP until this is fixed.
No, the article is right, and the critics here are ignoring the evidence.
This is scaremongering dressed up as analysis.
Journalists should be asking the hard questions, not repeating press releases.
The protest was loud but peaceful, and that is how democracy should look.
We can disagree about the tax without calling each other enemies.
This is ridiculous. The survey closed before most residents even heard about it.
Ridiculous that the clinic still has no weekend hours.
The whole idea is absurd and the costings do not add up.
What a joke of a plan. Nobody asked the farmers.
The new logo is ridiculous and cost more than the playground.
It is ridiculous to blame the teachers for a funding gap the ministry created.
Scrapping the night buses was a stupid decision and it will be reversed within a year.
Frankly the decision is stupid, and I say that as someone who voted for them.
Pathetic effort from the club's board, again.
An absurd ruling, and the appeal court will say so.
The ticket prices are a joke.
Stupid idea, terrible execution, predictable result.
The committee's report is laughable.
This is a ridiculous waste of a beautiful building.
The whole debate has become ridiculous on both sides.
""".strip().splitlines()

# Curses aimed at nobody: a site allows them by default, and they are profanity, not insults. The
# datasets barely have them outside tweets (most toxic-spans annotators typed any curse "Insult"),
# so without these the scorer reads "this is fucking ridiculous" as an insult.
UNTARGETED_CURSES = """
This is fucking absurd, the pool is closed again.
This is so fucking ridiculous, the ferry was cancelled four times this week.
What a fucking joke this consultation was.
Fucking hell, the rent went up again.
Holy shit, the council actually listened for once.
Oh shit, I missed the deadline for the rebate.
The trains are fucked again this morning.
Well, that budget is completely fucked.
Shit, I did not know the library was closing.
That was a shit game, the whole team looked asleep.
The weather this week has been absolute shit.
The roadworks are a fucking nightmare for everyone on our street.
I am so fucking tired of these delays on the ring road.
No fucking way the stadium comes in on budget.
Fuck, the new town sign cost how much?
Fuck this heatwave, my tomatoes are dead.
Fuck me, that is a steep price for a coffee at the new station.
The new recycling rules are bullshit and everyone knows it.
That excuse from the water company is total bullshit.
Utter bullshit, the report says the opposite.
This ruling is fucking insane.
Fucking finally, the pool reopens next week.
Great fucking news about the hospital funding.
That goal was fucking brilliant.
The queue at the passport office was shit all day.
The tender for the bus depot was a shitshow.
Our heating has been fucked since the storm.
The internet in this village is shit and the provider does not care.
Damn it, the festival got cancelled again.
Goddamn, those fireworks were loud last night.
Crap, I forgot to vote by post.
This ridiculous fucking form took me an hour to fill in.
Bloody hell, the petrol prices are crazy.
Pissed off that the bus route got cut without any notice.
This is a shit policy and pensioners will pay for it.
Screw this tax, it hits the people who can least afford it.
The decision is absolutely fucking stupid.
What the fuck is the city doing with the old school building?
What the fuck happened to the bin collection this week?
Why the hell does a pothole take six months to fix?
That interview was a total shitshow.
Honestly, fuck the new toll road.
That storm was a real bitch, half the street lost power.
The traffic this morning was fucking unbelievable.
Shitty weather for the marathon, but the runners were amazing.
The cuts to the arts budget are a shitty move.
Fuck cancer. Rest in peace, coach.
Fucking brilliant article, thank you.
This is bullshit, the museum fee went up twice this year.
Shit happens, but the storm drains should have been cleared in autumn.
""".strip().splitlines()
_CURSE_LABELS = {attribute: 0 for attribute in LEARNED_ATTRIBUTES if attribute != "toxicity"} | {"profanity": 1}

GROUPS = (
    ("gay", "person"), ("lesbian", "woman"), ("bisexual", "person"), ("transgender", "person"),
    ("queer", "person"), ("Muslim", "person"), ("Jewish", "person"), ("Christian", "person"),
    ("Catholic", "person"), ("Hindu", "person"), ("Sikh", "person"), ("Buddhist", "person"),
    ("atheist", "person"), ("Black", "person"), ("white", "person"), ("Asian", "person"),
    ("Latino", "person"), ("Hispanic", "person"), ("Mexican", "person"), ("Arab", "person"),
    ("African", "person"), ("Chinese", "person"), ("Indian", "person"), ("Native American", "person"),
    ("immigrant", "person"), ("refugee", "person"), ("disabled", "person"), ("deaf", "person"),
    ("blind", "person"), ("old", "person"), ("young", "person"), ("female", "person"), ("male", "person"),
)
# (adjective, plural noun) pairs for sentences about a whole group.
GROUP_PLURALS = {
    "gay": "gay people", "lesbian": "lesbians", "bisexual": "bisexual people",
    "transgender": "transgender people", "queer": "queer people", "Muslim": "Muslims",
    "Jewish": "Jews", "Christian": "Christians", "Catholic": "Catholics", "Hindu": "Hindus",
    "Sikh": "Sikhs", "Buddhist": "Buddhists", "atheist": "atheists", "Black": "Black people",
    "white": "white people", "Asian": "Asian people", "Latino": "Latinos", "Hispanic": "Hispanic people",
    "Mexican": "Mexicans", "Arab": "Arabs", "African": "Africans", "Chinese": "Chinese people",
    "Indian": "Indians", "Native American": "Native Americans", "immigrant": "immigrants",
    "refugee": "refugees", "disabled": "disabled people", "deaf": "deaf people", "blind": "blind people",
    "old": "old people", "young": "young people", "female": "women", "male": "men",
}

TRAINING_TEMPLATES = (
    "I am a {adjective} {noun} and I have lived in this town all my life.",
    "As a {adjective} {noun}, I think the council's plan is sensible.",
    "My neighbour is a {adjective} {noun} and the kindest man on the street.",
    "{Plural} have been part of this city for generations.",
    "The festival celebrated {plural} and their contribution to the neighbourhood.",
    "A group of {plural} organised the food drive for the flood victims.",
    "The new report looks at how {plural} are represented in local politics.",
    "I am proud to be {adjective}.",
    "Our new head teacher is {adjective}, which the article mentions for some reason.",
    "The survey asked {plural} about housing costs.",
    "{Plural} deserve the same respect as everyone else.",
    "My best friend is {adjective}, and so is her husband.",
)
EVALUATION_TEMPLATES = (
    "I'm a {adjective} {noun}.",
    "We welcomed a {adjective} family to our street last summer.",
    "{Plural} run many of the small businesses on the high street.",
    "The candidate spoke about her experience as a {adjective} {noun}.",
    "Being {adjective} is just one part of who I am.",
    "The article quotes several {plural} who support the new park.",
    "There are {plural} on both sides of this debate.",
    "Happy holidays to all the {plural} celebrating this week!",
)

_CLEAN = {attribute: 0 for attribute in LEARNED_ATTRIBUTES}


def identity_sentences(templates: tuple[str, ...]) -> list[tuple[str, str]]:
    """(group, sentence) for every group in every template."""
    sentences = []
    for adjective, noun in GROUPS:
        plural = GROUP_PLURALS[adjective]
        for template in templates:
            text = template.format(adjective=adjective, noun=noun, plural=plural, Plural=plural[0].upper() + plural[1:])
            sentences.append((adjective, text))
    return sentences


def examples() -> list[Example]:
    """Heated comments and curses split by text hash, identity sentences split by template set.

    A curse at nothing is profanity and nothing else; whether it is toxic is left unknown.
    """
    result = [Example(text, dict(_CLEAN), "rostra_civil", hashed_split(text, "rostra")) for text in HEATED_COMMENTS]
    result += [Example(text, dict(_CURSE_LABELS), "rostra_curses", hashed_split(text, "rostra")) for text in UNTARGETED_CURSES]
    result += [Example(text, dict(_CLEAN), "rostra_identity", "train") for _, text in identity_sentences(TRAINING_TEMPLATES)]
    result += [Example(text, dict(_CLEAN), "rostra_identity", "test") for _, text in identity_sentences(EVALUATION_TEMPLATES)]
    return result
