"""IAA front door: the assembly (FastAPI app, `iaa` CLI, process supervisor, migrations, retention,
model training). It sits on top: it imports the features (channels, console, directory,
safeguarding) and the foundation (`iaa`); nothing imports it."""
