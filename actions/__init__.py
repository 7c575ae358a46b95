"""Custom actions run by the Rasa action server (rasa-sdk)."""
