from .services import ensure_roles


def load(log=print) -> None:
    groups = ensure_roles()
    log(f"roles: {len(groups)}")
