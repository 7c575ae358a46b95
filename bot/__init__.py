"""The Rasa project. Nothing outside bot/ and actions/ imports rasa."""
