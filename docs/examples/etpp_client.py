"""Example e-TPP client: pull the deductions of a locked period page by page and acknowledge
each row. Usage:

    EBAKUL_URL=https://ebakul.example/ EBAKUL_API_KEY=ebk_... python etpp_client.py 2026-10

The script is run by the test suite against a live server (tests/api/test_example_client.py).
"""

import os
import sys
from datetime import UTC, datetime

import requests


def pull_and_acknowledge(base_url: str, api_key: str, period: str, *, page_size: int = 500):
    session = requests.Session()
    session.headers["Authorization"] = f"Api-Key {api_key}"
    url = f"{base_url.rstrip('/')}/api/v1/periods/{period}/deductions/?page_size={page_size}"
    applied = []
    while url:
        response = session.get(url, timeout=30)
        if response.status_code == 409:
            raise SystemExit(f"period {period} is not final yet: {response.json()['detail']}")
        if response.status_code == 429:
            raise SystemExit(f"throttled; retry after {response.headers['Retry-After']} s")
        response.raise_for_status()
        page = response.json()
        for row in page["results"]:
            if row["status"] != "final":
                continue  # acknowledged before, or cancelled by a correction
            # Here payroll would apply row["deduction_amount"] to the employee's TPP.
            ack = session.post(
                f"{base_url.rstrip('/')}/api/v1/deductions/{row['id']}/acknowledge/",
                json={
                    "etpp_reference": f"ETPP-{period}-{row['nip']}-v{row['version']}",
                    "applied_amount": row["deduction_amount"],
                    "applied_at": datetime.now(UTC).isoformat(),
                },
                timeout=30,
            )
            ack.raise_for_status()  # 200 also when it was acknowledged before with the same data
            applied.append((row["nip"], row["deduction_amount"]))
        url = page["next"]
    return applied


if __name__ == "__main__":
    rows = pull_and_acknowledge(os.environ["EBAKUL_URL"], os.environ["EBAKUL_API_KEY"], sys.argv[1])
    total = sum(amount for _nip, amount in rows)
    print(f"acknowledged {len(rows)} deductions, total Rp{total:,}".replace(",", "."))
