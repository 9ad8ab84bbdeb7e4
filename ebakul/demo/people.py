"""Demo people: merchants, employees and the desk accounts (see ``ebakul.demo.seeder``)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from django.contrib.auth.models import Group

from ebakul.accounts import roles
from ebakul.accounts.models import User
from ebakul.core.periods import WIB, period_bounds
from ebakul.demo import names
from ebakul.demo.seeder import (
    BATCH,
    DEMO_EMAIL_DOMAIN,
    DEMO_NIB_PREFIX,
    DESK_ADMIN,
    OPERATOR,
    OPERATOR_UNIT,
    SUPERUSER,
    VERIFIER,
    DemoContext,
    between,
    person,
    reserve_numbers,
    weighted,
    with_history,
)
from ebakul.employees.models import Employee, EmployeeClass, UnitOperator, WorkUnit
from ebakul.merchants.models import (
    ChainDenyEntry,
    Kecamatan,
    MerchantCategory,
    MerchantStatus,
    UmkmMerchant,
)
from ebakul.merchants.services import merchant_status_changed


def _nip(rng, *, employee_type: str, gender: int, birth: dt.date, today: dt.date, taken) -> str:
    if employee_type == "PNS":
        latest = min(today.year - 1, 2024)
        year = min(birth.year + max(19, int(rng.gauss(25, 2.5))), latest)
        month = rng.randint(1, 12)
        if (year, month) <= (birth.year, birth.month):
            year, month = birth.year + 19, month
    else:  # PPPK, appointed from 2021; the middle part is not over-validated
        year, month = rng.randint(2021, min(2024, today.year - 1)), rng.randint(1, 12)
    while True:
        nip = f"{birth:%Y%m%d}{year:04d}{month:02d}{gender}{rng.randint(1, 999):03d}"
        if nip not in taken:
            taken.add(nip)
            return nip


def _nik(rng, *, kecamatan_no: int, female: bool) -> str:
    birth = dt.date(rng.randint(1960, 1999), rng.randint(1, 12), rng.randint(1, 28))
    day = birth.day + (40 if female else 0)
    return f"3522{kecamatan_no:02d}{day:02d}{birth:%m%y}{rng.randint(1, 9999):04d}"


def _bulk_users(rows: list[dict], password_hash: str, group: Group) -> list[User]:
    users = [User(password=password_hash, **row) for row in rows]
    users = User.objects.bulk_create(users, batch_size=BATCH)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=u.pk, group_id=group.pk) for u in users], batch_size=BATCH
    )
    return users


@dataclass
class _MerchantPools:
    """What every fabricated merchant draws from."""

    window_start: dt.datetime
    kecamatan: list
    kec_no: dict
    kec_cum: list[float]
    categories: dict
    cat_codes: list[str]
    cat_cum: list[float]
    deny: list[str]
    taken_nib: set[str]


def _merchant_pools(ctx: DemoContext) -> _MerchantPools:
    kecamatan = list(Kecamatan.objects.order_by("name"))
    categories = {c.code: c for c in MerchantCategory.objects.filter(code__in=names.ITEMS)}
    cat_codes = [c for c in names.CATEGORY_WEIGHTS if c in categories]
    return _MerchantPools(
        window_start=period_bounds(ctx.periods[0])[0],
        kecamatan=kecamatan,
        kec_no={k.pk: i + 1 for i, k in enumerate(kecamatan)},
        kec_cum=list(
            itertools.accumulate(
                names.KECAMATAN_WEIGHTS.get(k.name, names.KECAMATAN_WEIGHT_DEFAULT)
                for k in kecamatan
            )
        ),
        categories=categories,
        cat_codes=cat_codes,
        cat_cum=list(itertools.accumulate(names.CATEGORY_WEIGHTS[c] for c in cat_codes)),
        deny=[c.casefold() for c in _chain_names()],
        taken_nib=set(
            UmkmMerchant.objects.filter(nib__startswith=DEMO_NIB_PREFIX).values_list(
                "nib", flat=True
            )
        ),
    )


def _merchant_plan(rng, count: int) -> list[str]:
    """Statuses in fixed proportions (at least one of each common kind), shuffled; the first
    merchant is always verified: it is the printed Pelaku Usaha login."""
    retail = 2 if count >= 20 else (1 if count >= 8 else 0)
    plan = (
        [MerchantStatus.SUBMITTED] * max(1, round(0.07 * count))
        + [MerchantStatus.DRAFT] * max(1, round(0.04 * count))
        + [MerchantStatus.REJECTED] * max(1, round(0.02 * count))
        + [MerchantStatus.NEEDS_FIX] * round(0.03 * count)
        + [MerchantStatus.SUSPENDED] * round(0.015 * count)
        + ["retail"] * retail
    )
    plan = plan[: max(0, count - 1)]
    plan += [MerchantStatus.VERIFIED] * (count - 1 - len(plan))
    rng.shuffle(plan)
    plan.insert(0, MerchantStatus.VERIFIED)
    return plan[:count]


def _business_name(rng, pools: _MerchantPools, kind: str, code: str, nick: str) -> str:
    """A name from the category's templates that no chain store on the deny list matches."""
    while True:
        template = rng.choice(
            names.MODERN_RETAIL_NAMES if kind == "retail" else names.SHOP_TEMPLATES[code]
        )
        business = template.format(nick=nick, word=rng.choice(names.SHOP_WORDS))
        if not any(d in business.casefold() for d in pools.deny):
            return business


def _fresh_nib(rng, taken: set[str]) -> str:
    while True:
        nib = f"{DEMO_NIB_PREFIX}{rng.randint(0, 10**9 - 1):09d}"
        if nib not in taken:
            taken.add(nib)
            return nib


def _merchant_history(ctx: DemoContext, pools: _MerchantPools, i: int, kind: str):
    """(created, verified from, verified until, status note) of the ``i``-th merchant."""
    rng, anchor, window_start = ctx.rng, ctx.today_start, pools.window_start
    if kind not in (MerchantStatus.VERIFIED, MerchantStatus.SUSPENDED):
        note = {
            MerchantStatus.REJECTED: names.MERCHANT_REJECT_NOTE,
            MerchantStatus.NEEDS_FIX: names.MERCHANT_FIX_NOTE,
            "retail": names.MODERN_RETAIL_NOTE,
        }.get(kind, "")
        return anchor - dt.timedelta(days=rng.uniform(1, 60)), None, None, note
    if i == 0 or rng.random() < 0.85:
        verified_from = window_start - dt.timedelta(days=rng.uniform(10, 400))
    else:  # verified while the demo months ran: earlier purchases there do not exist
        verified_from = between(rng, window_start, window_start + (anchor - window_start) / 2)
    created = verified_from - dt.timedelta(days=rng.uniform(1, 14))
    if kind != MerchantStatus.SUSPENDED:
        return created, verified_from, None, ""
    verified_until = between(rng, max(verified_from, window_start), anchor)
    return (
        created,
        verified_from,
        verified_until,
        "Ditangguhkan: tempat usaha tutup saat pemeriksaan.",
    )


def _merchant_row(ctx: DemoContext, pools: _MerchantPools, i: int, kind: str):
    """The ``i``-th fabricated merchant (unsaved) and its verification window. The draws from
    ``ctx.rng`` keep their order: the same seed gives the same merchants."""
    rng = ctx.rng
    if i < len(pools.kecamatan):
        kec = pools.kecamatan[i]
    else:
        kec = weighted(rng, pools.kecamatan, pools.kec_cum)
    if i == 0:
        kec = next((k for k in pools.kecamatan if k.name == "Bojonegoro"), kec)
    code = "makanan-minuman" if i == 0 else weighted(rng, pools.cat_codes, pools.cat_cum)
    owner, gender = person(rng)
    nick = f"{'Pak' if gender == 1 else 'Bu'} {owner.split()[0]}"
    business = _business_name(rng, pools, kind, code, nick)
    if i == 0:
        business = f"Warung Makan {nick}"
    nib = _fresh_nib(rng, pools.taken_nib)
    has_coords, has_qris = rng.random() < 0.8, rng.random() < 0.55
    kec_no = pools.kec_no[kec.pk]
    lat = -7.15 + (kec_no % 7 - 3) * 0.07 + rng.uniform(-0.02, 0.02)
    lng = 111.88 + (kec_no // 7 - 2) * 0.12 + rng.uniform(-0.02, 0.02)
    created, verified_from, verified_until, note = _merchant_history(ctx, pools, i, kind)
    merchant = UmkmMerchant(
        business_name=business[:150],
        owner_name=owner,
        owner_nik=_nik(rng, kecamatan_no=kec_no, female=gender == 2),
        nib=nib,
        category=pools.categories[code],
        scale="ultra_micro" if rng.random() < 0.65 else "micro",
        kecamatan=kec,
        village=rng.choice(names.VILLAGES),
        address=f"Jl. {rng.choice(names.STREETS)} No. {rng.randint(1, 250)}, "
        f"RT {rng.randint(1, 12):02d}/RW {rng.randint(1, 6):02d}",
        latitude=round(lat, 6) if has_coords else None,
        longitude=round(lng, 6) if has_coords else None,
        phone=f"08{rng.randint(10**9, 10**10 - 1)}",
        qris_nmid=f"ID10{rng.randint(10**10, 10**11 - 1)}" if has_qris else "",
        is_modern_retail=kind == "retail",
        status=MerchantStatus.REJECTED if kind == "retail" else kind,
        status_note=note,
        created_at=created,
        updated_at=verified_until or verified_from or created,
    )
    return merchant, (verified_from, verified_until)


def _number_registrations(objs: list[UmkmMerchant]) -> None:
    """Document numbers in registration order, per year (EBK-UMKM-2025-00001)."""
    order = sorted(range(len(objs)), key=lambda j: objs[j].created_at)
    for year, group in itertools.groupby(
        order, key=lambda j: objs[j].created_at.astimezone(WIB).year
    ):
        idx = list(group)
        first = reserve_numbers(f"EBK-UMKM-{year}-", len(idx))
        for n, j in enumerate(idx):
            objs[j].document_number = f"EBK-UMKM-{year}-{first + n:05d}"


def _merchant_users(objs: list[UmkmMerchant], password_hash: str, group: Group) -> list[User]:
    rows = [
        {
            "username": f"umkm{i + 1:04d}",
            "email": f"umkm{i + 1:04d}@{DEMO_EMAIL_DOMAIN}",
            "first_name": m.owner_name,
            "date_joined": m.created_at,
        }
        for i, m in enumerate(objs)
    ]
    return _bulk_users(rows, password_hash, group)


def _record_verification_spans(objs: list[UmkmMerchant], windows: list[tuple]) -> None:
    for merchant, (verified_from, verified_until) in zip(objs, windows, strict=True):
        merchant.demo_window = (verified_from, verified_until)
        if verified_from:
            merchant_status_changed(
                merchant=merchant, old=MerchantStatus.SUBMITTED, new="verified", at=verified_from
            )
        if verified_until:
            merchant_status_changed(
                merchant=merchant, old="verified", new=MerchantStatus.SUSPENDED, at=verified_until
            )


def seed_merchants(ctx: DemoContext, count: int, password_hash: str, groups) -> None:
    pools = _merchant_pools(ctx)
    rows = [
        _merchant_row(ctx, pools, i, kind) for i, kind in enumerate(_merchant_plan(ctx.rng, count))
    ]
    objs = [merchant for merchant, _window in rows]
    _number_registrations(objs)
    users = _merchant_users(objs, password_hash, groups[roles.MERCHANT])
    for merchant, user in zip(objs, users, strict=True):
        merchant.user = user
    objs = UmkmMerchant.objects.bulk_create(objs, batch_size=BATCH)
    with_history(UmkmMerchant, objs)
    _record_verification_spans(objs, [window for _merchant, window in rows])
    ctx.merchants = objs
    ctx.users[roles.MERCHANT] = users


def _chain_names() -> list[str]:
    return list(ChainDenyEntry.objects.values_list("name", flat=True))


@dataclass
class _EmployeePools:
    """What every fabricated employee draws from."""

    today: dt.date
    units: list
    unit_cum: list[float]
    classes: dict
    class_nos: list[int]
    cum_pns: list[float]
    cum_pppk: list[float]
    kecamatan: list
    taken: set[str]


def _employee_pools(ctx: DemoContext) -> _EmployeePools:
    units = list(WorkUnit.objects.filter(active=True).select_related("kecamatan").order_by("code"))
    classes = {c.number: c for c in EmployeeClass.objects.all()}
    class_nos = [n for n in range(1, 16) if n in classes]
    return _EmployeePools(
        today=ctx.now.astimezone(WIB).date(),
        units=units,
        unit_cum=list(
            itertools.accumulate(
                names.UNIT_WEIGHTS.get(u.code, names.UNIT_WEIGHT_DEFAULT) for u in units
            )
        ),
        classes=classes,
        class_nos=class_nos,
        cum_pns=list(itertools.accumulate(names.CLASS_WEIGHTS_PNS[n - 1] for n in class_nos)),
        cum_pppk=list(itertools.accumulate(names.CLASS_WEIGHTS_PPPK[n - 1] for n in class_nos)),
        kecamatan=list(Kecamatan.objects.order_by("name")),
        taken=set(Employee.objects.values_list("nip", flat=True)),
    )


def _employee_row(rng, pools: _EmployeePools, i: int) -> Employee:
    """The ``i``-th fabricated employee (unsaved); the draws keep their order."""
    emp_type = "PNS" if i == 0 or rng.random() < 0.46 else "PPPK"
    cls_no = weighted(rng, pools.class_nos, pools.cum_pns if emp_type == "PNS" else pools.cum_pppk)
    unit = weighted(rng, pools.units, pools.unit_cum)
    if i == 0:  # the printed Pegawai login: a mid-class PNS in the operator's unit
        unit = next((u for u in pools.units if u.code == OPERATOR_UNIT), unit)
        cls_no = 9 if 9 in pools.classes else cls_no
    name, gender = person(rng)
    if rng.random() < 0.45:
        name = f"{name}, {rng.choice(names.DEGREES)}"
    today = pools.today
    age = min(58, max(21, int(rng.gauss(25 + cls_no * 1.6, 5))))
    birth = dt.date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
    nip = _nip(
        rng, employee_type=emp_type, gender=gender, birth=birth, today=today, taken=pools.taken
    )
    ceiling = pools.classes[cls_no].default_tpp_ceiling
    own_ceiling = None
    if rng.random() < 0.25:  # from e-TPP: an individual ceiling around the class default
        own_ceiling = round(ceiling * rng.uniform(0.9, 1.15), -3)
    home = unit.kecamatan if rng.random() < 0.6 and unit.kecamatan else rng.choice(pools.kecamatan)
    created = dt.datetime(int(nip[8:12]), int(nip[12:14]), 1, 8, tzinfo=WIB)
    return Employee(
        nip=nip,
        name=name,
        employee_type=emp_type,
        employee_class=pools.classes[cls_no],
        work_unit=unit,
        tpp_ceiling=own_ceiling,
        active_from=created.date(),
        active=True,
        home_kecamatan=home,
        created_at=created,
        updated_at=created,
    )


def _employee_users(objs: list[Employee], password_hash: str, group: Group) -> list[User]:
    rows = [
        {
            "username": e.nip,
            "email": f"{e.nip}@{DEMO_EMAIL_DOMAIN}",
            "first_name": e.name[:150],
            "date_joined": e.created_at,
        }
        for e in objs
    ]
    return _bulk_users(rows, password_hash, group)


def seed_employees(ctx: DemoContext, count: int, password_hash: str, groups) -> None:
    pools = _employee_pools(ctx)
    objs = [_employee_row(ctx.rng, pools, i) for i in range(count)]
    users = _employee_users(objs, password_hash, groups[roles.EMPLOYEE])
    for employee, user in zip(objs, users, strict=True):
        employee.user = user
    objs = Employee.objects.bulk_create(objs, batch_size=BATCH)
    with_history(Employee, objs)
    ctx.employees = objs
    ctx.users[roles.EMPLOYEE] = users


def seed_role_users(ctx: DemoContext, password_hash: str, groups) -> None:
    """Desk accounts. An existing account with the same username is taken over (demo DB)."""
    specs = [
        (SUPERUSER, "Administrator", roles.ADMIN, True),
        (DESK_ADMIN, "Admin eBakul", roles.ADMIN, False),
        (VERIFIER, "Verifikator Bagian Organisasi", roles.VERIFIER, False),
        (f"{VERIFIER}2", "Verifikator Bagian Organisasi 2", roles.VERIFIER, False),
        (OPERATOR, f"Operator {OPERATOR_UNIT}", roles.UNIT_OPERATOR, False),
    ]
    made = {}
    for username, first_name, role, superuser in specs:
        user, _created = User.objects.update_or_create(
            username=username,
            defaults={
                "email": f"{username}@{DEMO_EMAIL_DOMAIN}",
                "first_name": first_name,
                "password": password_hash,
                "is_staff": True,
                "is_superuser": superuser,
                "is_active": True,
            },
        )
        user.groups.add(groups[role])
        made[username] = user
    unit = WorkUnit.objects.filter(code=OPERATOR_UNIT).first() or ctx.employees[0].work_unit
    UnitOperator.objects.get_or_create(user=made[OPERATOR], work_unit=unit)
    ctx.users[roles.ADMIN] = [made[DESK_ADMIN], made[SUPERUSER]]
    ctx.users[roles.VERIFIER] = [made[VERIFIER], made[f"{VERIFIER}2"]]
    ctx.users[roles.UNIT_OPERATOR] = [made[OPERATOR]]
