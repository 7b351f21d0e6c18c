# Installed data: templates, static files, migrations, example configuration.
