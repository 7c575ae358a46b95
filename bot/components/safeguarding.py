"""NLU component: a safeguarding flag overrides the ordinary intent, so the dialogue hands off at
once whatever else the message asked.

The front door screens every message once and sends its verdict with it (metadata
"safeguarding": a Flag's verdict, or {"tier": "none"} / {"tier": "cleared"}); only a message that
arrives without one (another channel, `rasa shell`) is screened here, with the same detector. The
verdict is put on the parse data as "safeguarding" for the handoff action. The lexicon is read
when the model loads, so a council's edits need a restart, not retraining."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from safeguarding import load_detector

DISCLOSURE_INTENT = "safeguarding_disclosure"
VERDICT_KEY = "safeguarding"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafeguardingFlagger(GraphComponent, IntentClassifier):
    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SafeguardingFlagger":
        return cls(config)

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.component_config = config
        self.detector = load_detector()

    def _verdict(self, message: Message, text: str) -> Optional[Dict[str, Any]]:
        """The front door's verdict if it sent one, else our own screening (either tier flags:
        a channel without the front door's check-in hands off rather than pass a possible concern)."""
        metadata = message.get("metadata")
        sent = metadata.get("safeguarding") if isinstance(metadata, dict) else None
        if isinstance(sent, dict) and "tier" in sent:
            return sent if sent["tier"] in ("urgent", "check") and sent.get("concern") else None
        flag = self.detector.screen(text)
        return flag.verdict() if flag is not None else None

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):  # a button's payload, not the citizen's words
                continue
            verdict = self._verdict(message, text)
            if verdict is None:
                continue
            message.set(VERDICT_KEY, verdict, add_to_output=True)
            flagged = {INTENT_NAME_KEY: DISCLOSURE_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
            ranking = [flagged] + [r for r in (message.get(INTENT_RANKING_KEY) or [])
                                   if r.get(INTENT_NAME_KEY) != DISCLOSURE_INTENT]
            message.set(INTENT, flagged, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
