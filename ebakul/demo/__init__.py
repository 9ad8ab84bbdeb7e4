"""The demo data set (docs/adr/0005, 0122): the top layer, the only app allowed to import every
other one. Apps extend it with their own ``ebakul/<app>/demo.py`` hooks."""
