"""NLU component: the conversation's language, as the front door decided it, becomes the
`language` entity of every message, so the `language` slot (and with it each response's Welsh or
English variation) follows the person from the turn they switch.

The front door detects the language of each message (iaa/language.py: a short reply keeps the
conversation's; writing in the other language, a language button or typing "Cymraeg" switches
it) and sends it as metadata "language". A language the citizen named in this message (the
choose_language intent's entity) wins; a message with no metadata (`rasa shell`) is left alone."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, ENTITY_ATTRIBUTE_TYPE, ENTITY_ATTRIBUTE_VALUE
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

LANGUAGES = ("en", "cy")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class FrontDoorLanguage(GraphComponent):
    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "FrontDoorLanguage":
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            metadata = message.get("metadata")
            language = metadata.get("language") if isinstance(metadata, dict) else None
            if language not in LANGUAGES:
                continue
            entities = list(message.get(ENTITIES) or [])
            if any(e.get(ENTITY_ATTRIBUTE_TYPE) == "language" for e in entities):
                continue  # "Cymraeg please": what they asked for now
            entities.append({ENTITY_ATTRIBUTE_TYPE: "language", ENTITY_ATTRIBUTE_VALUE: language,
                             "start": 0, "end": 0, "extractor": "FrontDoorLanguage"})
            message.set(ENTITIES, entities, add_to_output=True)
        return messages
