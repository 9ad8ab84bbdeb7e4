"""Signal and detector modules; every module here is imported by IntegrityConfig.ready()."""
