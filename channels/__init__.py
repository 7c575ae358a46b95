"""Channels (web chat, SMS) and conversation routing. Talks to Rasa over HTTP only."""
