"""Load scenario of issue 16 against the running stack (bench/stack.sh: gunicorn + Celery +
MariaDB + Redis, one node or two behind haproxy). Accounts come from bench/.locust-data.json
(bench/locust_prepare.py, after ``manage.py seed_demo``).

    .venv/bin/locust -f bench/locustfile.py --headless -u 50 -r 5 -t 3m \\
        --host http://127.0.0.1:8100 --csv /tmp/locust

The mix (weights of users): employees 40 (log in once, look at their progress and history,
submit purchases with a receipt photo then send them), merchants 8 (look at their sales,
confirm one), verifiers 2 (open the review work list and a task), the e-TPP client 1 (list
periods, export a period's deductions page by page). ``EBAKUL_RUSH=1`` is the rush before a
submission close: a third of a month's purchases arrive in its last two days, so an employee
submits about six times as often as in an ordinary hour (submit weight 6 instead of 1).
Uploads are named ``upload`` in the statistics so they can be read apart from pages."""

import io
import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, task
from PIL import Image, ImageDraw

DATA = json.loads(Path(__file__).with_name(".locust-data.json").read_text())
RUSH = os.environ.get("EBAKUL_RUSH") == "1"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def receipt_photo(seed: int) -> bytes:
    """A phone-sized receipt photo (about 60-90 KB), different each time."""
    rng = random.Random(seed)
    img = Image.new("RGB", (720, 1280), (250, 248, 240))
    draw = ImageDraw.Draw(img)
    for y in range(40, 1240, 28):
        draw.text((30, y), f"ITEM {rng.randint(1, 999)}  Rp{rng.randint(1, 200)}.000", fill=0)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    return buf.getvalue()


def csrf(response) -> str:
    match = CSRF.search(response.text)
    return match.group(1) if match else ""


class Portal(HttpUser):
    abstract = True
    wait_time = between(1, 4)
    login_url = "/masuk/"

    def login(self, username: str) -> None:
        page = self.client.get(self.login_url, name="login page")
        with self.client.post(
            self.login_url,
            {
                "username": username,
                "password": DATA["password"],
                "csrfmiddlewaretoken": csrf(page),
            },
            headers={"Referer": self.host + self.login_url},
            name="login",
            catch_response=True,
        ) as response:
            if self.login_url in response.url:  # the form again: not logged in
                response.failure("login refused")


class Employee(Portal):
    weight = 40

    def on_start(self):
        self.login(random.choice(DATA["employees"]))

    @task(4)
    def progress(self):
        self.client.get("/pegawai/", name="employee home (progress)")

    @task(1)
    def history(self):
        self.client.get("/pegawai/belanja/", name="purchase history")

    @task(6 if RUSH else 1)
    def submit_purchase(self):
        merchant = random.choice(DATA["merchants"])["id"]
        form = self.client.get(f"/pegawai/belanja/baru/?merchant={merchant}", name="purchase form")
        token = csrf(form)
        when = re.search(r'name="purchased_at"[^>]*value="([^"]+)"', form.text)
        seed = random.randrange(10**9)
        with self.client.post(
            "/pegawai/belanja/baru/",
            data={
                "merchant": merchant,
                "purchased_at": when.group(1) if when else "",
                "amount": str(random.randint(10, 300) * 1000),
                "description": "Belanja uji beban",
                "payment_method": "cash",
                "qris_reference": "",
                "csrfmiddlewaretoken": token,
            },
            files={"receipt": (f"nota-{seed}.jpg", receipt_photo(seed), "image/jpeg")},
            headers={"Referer": self.host + "/pegawai/belanja/baru/"},
            name="upload: submit purchase with photo",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "/kirim/" not in response.headers.get("Location", ""):
                response.failure(f"not recorded: {response.status_code}")
                return
            confirm = response.headers["Location"]
        page = self.client.get(confirm, name="purchase summary")
        # Each request is timed on its own: the action, then the page it redirects to.
        sent = self.client.post(
            confirm,
            {"csrfmiddlewaretoken": csrf(page)},
            headers={"Referer": self.host + confirm},
            name="send purchase",
            allow_redirects=False,
        )
        if sent.status_code == 302:
            self.client.get(sent.headers["Location"], name="page after sending")


class Merchant(Portal):
    weight = 8

    def on_start(self):
        self.login(random.choice(DATA["merchants"])["username"])

    @task(3)
    def sales(self):
        page = self.client.get("/usaha/penjualan/", name="merchant sales")
        pending = re.findall(r"/usaha/penjualan/(\d+)/confirm/", page.text)
        if pending:
            pk = random.choice(pending)
            done = self.client.post(
                f"/usaha/penjualan/{pk}/confirm/",
                {"csrfmiddlewaretoken": csrf(page)},
                headers={"Referer": self.host + "/usaha/penjualan/"},
                name="merchant confirms a sale",
                allow_redirects=False,
            )
            if done.status_code == 302:
                self.client.get(done.headers["Location"], name="merchant sales")

    @task(1)
    def home(self):
        self.client.get("/usaha/", name="merchant home")


class Verifier(Portal):
    weight = 2
    login_url = "/desk/login/"

    def on_start(self):
        if DATA["verifiers"]:
            self.login(random.choice(DATA["verifiers"]))

    @task
    def work_list(self):
        self.client.get("/desk/tinjau/", name="verifier work list")


class EtppClient(HttpUser):
    weight = 1
    wait_time = between(2, 6)

    @task
    def export(self):
        headers = {"Authorization": f"Api-Key {DATA['api_key']}"}
        self.client.get("/api/v1/periods/", headers=headers, name="e-TPP periods")
        url = f"/api/v1/periods/{DATA['period']}/deductions/?page_size=500"
        for _ in range(20):  # page by page, as the e-TPP client does
            with self.client.get(
                url, headers=headers, name="e-TPP export page", catch_response=True
            ) as response:
                if response.status_code == 409:  # the period is not closed yet: the answer
                    response.success()  # the e-TPP client gets before the close
                    break
                if response.status_code != 200:
                    response.failure(f"status {response.status_code}")
                    break
                url = (response.json() or {}).get("next")
            if not url:
                break
