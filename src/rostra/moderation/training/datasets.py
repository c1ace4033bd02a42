"""Loaders for the labelled moderation datasets, each mapping its own labels onto Rostra's attributes.

Datasets label different things, so every loader says, per example, which attributes it knows:
an attribute absent from `Example.labels` is unknown for that example and is not trained on.
The mapping is deliberate and documented in MODEL_CARD.md; the choices are:

- a text that annotators found neither offensive nor hateful is a negative for every attribute
  the dataset could have seen (`_CLEAN`);
- "hate" (Davidson, HateXplain, Gab `hd`, ETHOS, explicit implicit-hate) -> identity_attack and
  severe_toxicity; "offensive" -> toxicity but not severe_toxicity;
- OLID untargeted offence -> profanity, targeted at an individual -> insult;
- Gab `cv` and ETHOS violence -> threat, Gab `vo` -> profanity;
- implicit_hate's implicit class -> coded_hate;
- DynaHate, HatemojiBuild, ToxiGen: hate against a protected group -> identity_attack and toxicity
  (HatemojiBuild's threatening language -> threat too); their "not hate" rows are only negatives
  for identity_attack, since they include abuse of individuals, profanity and contrast edits
  (ToxiGen's benign statements, rated 1-2 of 5 by all three raters, are clean). HatemojiBuild's
  contrast rows are also not coded hate, and where they use no word of Rostra's profanity, insult,
  slur or sexual lists, not toxic either: left unknown, a model trained on the hateful rows alone
  learned that emoji next to a group are toxic (75% of the contrast rows held in one run);
- the Reddit counter-speech set: a reply opposing hate -> not identity_attack, threat, coded hate
  or severe toxicity, and not toxic where it uses no listed word (it may be rude); a hateful reply
  -> toxicity; a neutral one -> clean;
- toxic-spans type annotations (ACL 2022 release) -> insult, profanity, identity_attack, threat,
  by majority of the comment's annotators; a comment with an agreed span or a type is toxic
  (training gives those toxicity labels a smaller weight: every comment in the set was
  pre-selected as toxic, see `rostra.moderation.training.train`).

Each dataset keeps its own test split where it has one; the others get a fixed split by text hash.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator

from rostra.moderation import lexicon
from rostra.moderation.normalize import normalize

LEARNED_ATTRIBUTES = (
    "toxicity",
    "severe_toxicity",
    "insult",
    "profanity",
    "threat",
    "identity_attack",
    "sexually_explicit",
    "spam",
    "coded_hate",
)
# A clean text is a negative for every toxic attribute; spam is labelled separately.
_CLEAN = {attribute: 0 for attribute in LEARNED_ATTRIBUTES if attribute != "spam"}
TEST_SHARE = 0.2


@dataclass(frozen=True)
class Example:
    text: str
    labels: dict[str, int]
    source: str
    split: str  # "train" or "test"
    spans: tuple[int, ...] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    licence: str
    domain: str
    loader: Callable[[Path], Iterator[Example]]


def hashed_split(text: str, salt: str = "") -> str:
    """A fixed split for datasets without one: the same text always lands on the same side."""
    digest = hashlib.sha256((salt + text).encode("utf-8")).digest()
    return "test" if int.from_bytes(digest[:4], "big") / 2**32 < TEST_SHARE else "train"


def _rows(path: Path) -> Iterator[dict[str, str]]:
    csv.field_size_limit(1 << 30)
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def load_davidson(root: Path) -> Iterator[Example]:
    hate = {"toxicity": 1, "identity_attack": 1, "severe_toxicity": 1}
    offensive = {"toxicity": 1, "identity_attack": 0, "severe_toxicity": 0}
    by_class = {"0": hate, "1": offensive, "2": _CLEAN}
    for row in _rows(root / "davidson2017" / "labeled_data.csv"):
        yield Example(row["tweet"], dict(by_class[row["class"]]), "davidson2017", hashed_split(row["tweet"]))


def load_olid(root: Path) -> Iterator[Example]:
    folder = root / "olid"

    def labels(level_a: str, level_b: str | None, level_c: str | None) -> dict[str, int]:
        if level_a == "NOT":
            return dict(_CLEAN)
        result = {"toxicity": 1}
        if level_b == "UNT":
            result.update(profanity=1, insult=0, threat=0, identity_attack=0)
        elif level_b == "TIN" and level_c == "IND":
            result["insult"] = 1
        return result

    for row in _rows(folder / "olid_train.csv"):
        yield Example(row["tweet"], labels(row["subtask_a"], row["subtask_b"], row["subtask_c"]), "olid", "train")
    level_b = {row["id"]: row["label"] for row in _rows(folder / "olid_test_levelb.csv")}
    level_c = {row["id"]: row["label"] for row in _rows(folder / "olid_test_levelc.csv")}
    for row in _rows(folder / "olid_test_levela.csv"):
        yield Example(
            row["tweet"], labels(row["label"], level_b.get(row["id"]), level_c.get(row["id"])), "olid", "test"
        )


def load_hatexplain(root: Path) -> Iterator[Example]:
    folder = root / "hatexplain_partial_mbib"
    divisions = json.loads((folder / "original" / "post_id_divisions.json").read_text())
    test_ids = set(divisions["test"])
    by_label = {
        "0": dict(_CLEAN),
        "1": {"toxicity": 1, "identity_attack": 1, "severe_toxicity": 1},
        "2": {"toxicity": 1, "identity_attack": 0, "severe_toxicity": 0},
    }
    for row in _rows(folder / "092-HateXplain.csv"):
        if row["label"] not in by_label:
            continue  # no majority among annotators
        post_id = row[""]
        yield Example(row["text"], dict(by_label[row["label"]]), "hatexplain", "test" if post_id in test_ids else "train")


def load_implicit_hate(root: Path) -> Iterator[Example]:
    by_class = {
        "not_hate": {"identity_attack": 0, "coded_hate": 0, "severe_toxicity": 0, "threat": 0},
        "implicit_hate": {"coded_hate": 1, "severe_toxicity": 0},
        "explicit_hate": {"toxicity": 1, "identity_attack": 1, "severe_toxicity": 1},
    }
    for row in _rows(root / "implicit_hate" / "implicit_hate_v1_stg1_posts.csv"):
        text = row["post"].strip()
        yield Example(text, dict(by_class[row["class"]]), "implicit_hate", hashed_split(text))


def load_gab(root: Path) -> Iterator[Example]:
    folder = root / "gab_hate_corpus"
    for file_name, split in (("ghc_train.csv", "train"), ("ghc_test.csv", "test")):
        for row in _rows(folder / file_name):
            degrading, violent, vulgar = (int(row[key]) for key in ("hd", "cv", "vo"))
            if not (degrading or violent or vulgar):
                labels = dict(_CLEAN)
                del labels["coded_hate"]  # the corpus did not look for coded hate
            else:
                labels = {
                    "toxicity": 1,
                    "identity_attack": degrading,
                    "threat": violent,
                    "profanity": vulgar,
                    "severe_toxicity": int(violent or degrading),
                }
            yield Example(row["text"], labels, "gab_hate_corpus", split)


def load_ethos(root: Path) -> Iterator[Example]:
    folder = root / "ethos"
    violence = {row["comment"]: float(row["violence"]) for row in _rows(folder / "Ethos_Dataset_Multi_Label.csv")}
    for row in _rows(folder / "Ethos_Dataset_Binary.csv"):
        text, hate = row["comment"], float(row["isHate"])
        if hate == 0:
            labels = dict(_CLEAN)
        elif hate >= 0.5:
            labels = {"toxicity": 1, "identity_attack": 1, "severe_toxicity": 1}
            if text in violence:
                labels["threat"] = int(violence[text] >= 0.5)
        else:
            continue  # annotators split
        yield Example(text, labels, "ethos", hashed_split(text))


def load_youtube_spam(root: Path) -> Iterator[Example]:
    for row in _rows(root / "youtube_spam" / "youtube_spam_all.csv"):
        text = row["CONTENT"]
        yield Example(text, {"spam": int(row["CLASS"])}, "youtube_spam", hashed_split(text))


def load_civil_context(root: Path) -> Iterator[Example]:
    """Wikipedia talk-page comments annotated with and without their parent (mostly civil, argued text).

    The same comment appears once per annotation round; the text-hash split keeps both on one side.
    """
    for row in _rows(root / "wiki_context_toxicity" / "cat_all.csv"):
        text = row["text"]
        if row["label"] == "1":
            labels = {"toxicity": 1}
        else:
            labels = {**_CLEAN, "spam": 0}
        yield Example(text, labels, "wiki_context_toxicity", hashed_split(text))


def load_toxic_spans(root: Path) -> Iterator[Example]:
    """SemEval-2021 toxic spans, with attribute types from the ACL 2022 release of the same comments.

    Every comment was pre-selected as toxic; a comment whose annotators agreed on no span stays
    unlabelled for toxicity rather than becoming a negative.
    """
    folder = root / "toxic_spans_semeval2021"
    types = _span_types(folder / "original" / "acl2022_full")
    test_texts = set()
    for file_name, split in (("tsd_test.csv", "test"), ("tsd_train.csv", "train"), ("tsd_trial.csv", "train")):
        for row in _rows(folder / file_name):
            spans = tuple(json.loads(row["spans"]))
            labels = dict(types.pop(row["text"], {}))
            if spans:
                labels["toxicity"] = 1
            if split == "test":
                test_texts.add(row["text"])
            yield Example(row["text"], labels, "toxic_spans", split, spans)
    for text, labels in types.items():
        if text not in test_texts:
            yield Example(text, dict(labels), "toxic_spans", "train")


def load_dynahate(root: Path) -> Iterator[Example]:
    """Adversarial statements written to fool a model; label 0 is "not hate", not "clean"."""
    hate = {"toxicity": 1, "identity_attack": 1, "severe_toxicity": 1}
    for row in _rows(root / "dynahate" / "dynahate.csv"):
        labels = dict(hate) if row["label"] == "1" else {"identity_attack": 0}
        yield Example(row["text"], labels, "dynahate", "test" if row["split"] == "test" else "train")


@lru_cache(maxsize=1)
def _listed_words() -> frozenset[str]:
    return lexicon.WordLists().vocabulary


def _has_listed_word(text: str) -> bool:
    """Whether a text holds a word of Rostra's profanity, insult, slur or sexual lists (after the
    engine's normalization, so spelling evasions count): the weak label that tells a contrast row
    or a counter-speech reply with no rude word from one that may be rude."""
    return not _listed_words().isdisjoint(lexicon.words_of(normalize(text).text))


def load_hatemoji(root: Path) -> Iterator[Example]:
    """Hate written with emoji, with perturbed contrast rows; the dev split is trained on."""
    for row in _rows(root / "hatemoji_build" / "hatemoji_build.csv"):
        if row["label"] == "1":
            labels = {"toxicity": 1, "identity_attack": 1, "severe_toxicity": 1,
                      "threat": int(row["type"] == "threateninglanguage")}
        else:
            labels = {"identity_attack": 0, "threat": 0, "coded_hate": 0}
            if not _has_listed_word(row["text"]):
                labels |= {"toxicity": 0, "severe_toxicity": 0}
        yield Example(row["text"], labels, "hatemoji_build", "test" if row["split"] == "test" else "train")


def load_toxigen_annotated(root: Path) -> Iterator[Example]:
    """Machine-written statements about minority groups rated 1-5 by three people; the middle is left out."""
    for row in _rows(root / "toxigen_annotated" / "toxigen_annotated.csv"):
        if row["toxic_human_ge4"] == "1":
            labels = {"toxicity": 1, "identity_attack": 1}
        elif row["benign_human_le2"] == "1":
            labels = dict(_CLEAN)
        else:
            continue
        yield Example(row["text"], labels, "toxigen_annotated", hashed_split(row["text"]))


def load_toxigen_prompts(root: Path) -> Iterator[Example]:
    """ToxiGen's curated seed sentences per group: implicit, stereotype-based hate, and neutral mentions."""
    for row in _rows(root / "toxigen_prompts" / "toxigen_prompts.csv"):
        labels = {"toxicity": 1, "identity_attack": 1} if row["label"] == "hate" else dict(_CLEAN)
        yield Example(row["text"], labels, "toxigen_prompts", hashed_split(row["text"]))


def load_reddit_counterspeech(root: Path) -> Iterator[Example]:
    """Reddit replies: counter-speech (may quote hate or be rude), hateful replies and neutral ones."""
    by_label = {
        "counter_hate": {"identity_attack": 0, "threat": 0, "coded_hate": 0, "severe_toxicity": 0},
        "hate": {"toxicity": 1},
        "neutral": dict(_CLEAN),
    }
    for row in _rows(root / "yu2022_reddit_counterspeech" / "yu2022_reddit_counterspeech.csv"):
        labels = dict(by_label[row["label"]])
        if row["label"] == "counter_hate" and not _has_listed_word(row["text"]):
            labels["toxicity"] = 0
        yield Example(row["text"], labels, "yu2022_reddit_counterspeech",
                      "test" if row["split"] == "test" else "train")


_SPAN_TYPES = {
    "Insult": "insult",
    "Profane/Obscene": "profanity",
    "Identity based Attack": "identity_attack",
    "Threat": "threat",
}


def _span_types(folder: Path) -> dict[str, dict[str, int]]:
    """Per comment text: 1 where at least half the annotators marked a span of the type, else 0.

    Most annotators typed any toxic span "Insult" (34,000 of 47,000 spans, curses at nothing
    included), so a type one annotator in three chose is not what the comment is.
    """
    texts = {row["comment_id"]: row["comment_text"] for row in _rows(folder / "comments.csv")}
    annotators: dict[str, set[str]] = defaultdict(set)
    comment_of: dict[str, str] = {}
    for row in _rows(folder / "annotations.csv"):
        annotators[row["comment_id"]].add(row["annotation"])
        comment_of[row["annotation"]] = row["comment_id"]
    marked: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in _rows(folder / "spans.csv"):
        attribute = _SPAN_TYPES.get(row["type"])
        if attribute and row["annotation"] in comment_of:
            marked[comment_of[row["annotation"]], attribute].add(row["annotation"])
    result: dict[str, dict[str, int]] = {}
    for comment_id, annotation_ids in annotators.items():
        labels = {}
        for attribute in _SPAN_TYPES.values():
            labels[attribute] = int(len(marked[comment_id, attribute]) / len(annotation_ids) >= 0.5)
        if any(labels.values()):
            labels["toxicity"] = 1
        result[texts[comment_id]] = labels
    return result


DATASETS = {
    info.name: info
    for info in (
        DatasetInfo("toxic_spans", "CC0 1.0", "news comments (Civil Comments)", load_toxic_spans),
        DatasetInfo("wiki_context_toxicity", "Apache-2.0 (code), CC BY-SA 3.0 (text)", "Wikipedia talk pages", load_civil_context),
        DatasetInfo("davidson2017", "MIT", "Twitter", load_davidson),
        DatasetInfo("olid", "CC BY 4.0", "Twitter", load_olid),
        DatasetInfo("hatexplain", "MIT / GPLv3", "Twitter, Gab", load_hatexplain),
        DatasetInfo("implicit_hate", "CC BY 4.0", "Twitter", load_implicit_hate),
        DatasetInfo("gab_hate_corpus", "not stated", "Gab", load_gab),
        DatasetInfo("ethos", "GPLv3", "YouTube, Reddit", load_ethos),
        DatasetInfo("youtube_spam", "CC BY 4.0 (UCI original)", "YouTube comments", load_youtube_spam),
        DatasetInfo("dynahate", "not stated (MIT repository)", "adversarial statements (Dynabench)", load_dynahate),
        DatasetInfo("hatemoji_build", "CC BY 4.0", "adversarial statements with emoji", load_hatemoji),
        DatasetInfo("toxigen_annotated", "MIT + CDLA-Permissive-2.0, research purposes", "machine-written statements about groups", load_toxigen_annotated),
        DatasetInfo("toxigen_prompts", "MIT + CDLA-Permissive-2.0, research purposes", "curated statements about groups", load_toxigen_prompts),
        DatasetInfo("yu2022_reddit_counterspeech", "not stated", "Reddit replies", load_reddit_counterspeech),
    )
}


def load(root: Path, names: list[str] | None = None) -> list[Example]:
    """All examples of the named datasets (all by default), with a clear error for a missing one."""
    examples: list[Example] = []
    for name in names or list(DATASETS):
        if name not in DATASETS:
            raise ValueError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}")
        try:
            examples.extend(DATASETS[name].loader(root))
        except FileNotFoundError as error:
            raise FileNotFoundError(f"dataset {name}: {error.filename} not found under {root}") from error
        except (KeyError, ValueError) as error:
            raise ValueError(f"dataset {name}: unexpected file contents under {root} ({error!r})") from error
    return examples
