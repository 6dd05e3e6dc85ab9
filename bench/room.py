"""The seminar day, played: the phones, the host and the projector of bench/seminar_day.py as
asyncio tasks against a served app, and what the projector showed when (for the delay from an
answer to its count). Tests drive it with a few phones against the app in a thread."""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field

from bench.phone import Phone, Sent

PHONES = int(os.environ.get("BENCH_PHONES", "300"))
LOGINS = float(os.environ.get("BENCH_LOGINS", "120"))  # seconds over which the phones log in
CHECKINS = 45.0  # seconds over which they check in, once check-in is shown
SECONDS = 30  # allowed per question
THINK = (1.0, 8.0)  # seconds a student takes to answer
PASSWORD = "bench password 1234"
HOST_EMAIL = "host@bench.seminar"
# Seconds between a phone's polls, as static/js/live_phone.js waits: longer while a question
# is open (nothing urgent then), about a second while waiting for the next one.
PHONE_POLL = {"open": (2.0, 2.6), "waiting": (1.0, 1.3)}
SCREEN_SPREAD = 1.0  # seconds within which a phone fetches a screen that is not a new question
PROJECTOR_POLL = 0.5  # seconds between the projector's polls (static/js/live_host.js)
MISTYPE = 10  # one phone in this many types a wrong check-in code first


@dataclass
class Room:
    """What the simulation shares between the phones, the host and the projector."""

    base: str
    live_id: int
    code: str
    questions: list[tuple[int, str, list[int], int]]  # id, kind, right ones, how many choices
    phones: int = PHONES
    logins: float = LOGINS
    checkins: float = CHECKINS
    think: tuple[float, float] = THINK
    seconds: float = SECONDS
    log: list[Sent] = field(default_factory=list)  # the phones'
    staff_log: list[Sent] = field(default_factory=list)
    refused: int = 0
    checkin_opens: float = 0.0  # when the host puts the check-in code on the projector
    checked_in: list[float] = field(default_factory=list)
    joined: int = 0
    answered: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    projector: list[tuple[float, str, int, int]] = field(default_factory=list)
    finished: bool = False


async def phone_day(room: Room, number: int) -> None:
    rng = random.Random(number)
    await asyncio.sleep(rng.uniform(0, room.logins))
    phone = Phone(room.base, room.log)
    email = f"phone{number}@bench.seminar"
    while True:
        await phone.get("page", "/login")
        login = await phone.post("login", "/login", {"email": email, "password": PASSWORD})
        if login.status != 429:
            break
        room.refused += 1
        await asyncio.sleep(5)
    if login.status != 302:
        return
    await phone.get("page", "/lessons/")  # where the login lands
    await asyncio.sleep(room.checkin_opens + rng.uniform(0, room.checkins) - time.perf_counter())
    await phone.get("page", f"/checkin?code={room.code}")  # what the QR code opens
    if number % MISTYPE == 0:
        await phone.post("check-in", "/checkin", {"code": "WRONG9"})
    if (await phone.post("check-in", "/checkin", {"code": room.code})).status == 302:
        room.checked_in.append(time.perf_counter())
    live = f"/live/{room.live_id}"
    await phone.get("page", "/checkin")  # it lists the live quiz to join
    await phone.get("page", live)
    if (await phone.post("join", f"{live}/join", {})).status == 302:
        room.joined += 1
    await phone.get("page", live)
    seen: tuple[str, int] = ("lobby", 0)
    tasks = []
    while True:
        poll = await phone.get("poll", f"{live}/state.json")
        if poll.status != 200:
            await asyncio.sleep(rng.uniform(2, 4))  # the page backs off too
            continue
        state = poll.json()
        now = (state["status"], state["index"])
        if now != seen:
            seen = now
            # When the host moves on the phone's script fetches its screen, not the page: a
            # new question at once, anything else within a second (static/js/live_phone.js).
            if state["status"] != "open":
                await asyncio.sleep(rng.uniform(0, SCREEN_SPREAD))
            await phone.get("screen", f"{live}/phone")
            if state["status"] == "finished":
                break
            if state["status"] == "open":
                tasks.append(asyncio.create_task(answer(room, phone, rng, state["index"])))
        await asyncio.sleep(rng.uniform(*PHONE_POLL["open" if seen[0] == "open" else "waiting"]))
    await asyncio.gather(*tasks)


async def answer(room: Room, phone: Phone, rng: random.Random, index: int) -> None:
    await asyncio.sleep(rng.uniform(*room.think))
    question_id, kind, right, size = room.questions[index - 1]
    if kind == "multiple":
        picks = right if rng.random() < 0.5 else sorted(rng.sample(range(size), 2))
    elif right and rng.random() < 0.6:
        picks = right[:1]
    else:
        picks = [rng.randrange(size)]
    payload = {"question": question_id, "choices": picks}
    first = await phone.post("answer", f"/live/{room.live_id}/answer", payload=payload)
    if first.status == 200:
        room.answered[index].append(time.perf_counter())
    await phone.post("answer", f"/live/{room.live_id}/answer", payload=payload)  # a retry
    await phone.get("screen", f"/live/{room.live_id}/phone")  # it shows "Answer sent"


async def projector(room: Room, host: Phone) -> None:
    """The host's screen: its poll, twice a second, as static/js/live_host.js does."""
    while not room.finished:
        poll = await host.get("projector", f"/live/{room.live_id}/state.json")
        if poll.status == 200:
            state = poll.json()
            room.projector.append(
                (time.perf_counter(), state["status"], state["index"], state.get("answers", 0))
            )
        await asyncio.sleep(PROJECTOR_POLL)


async def host_day(room: Room, host: Phone) -> None:
    live = f"/live/{room.live_id}"
    deadline = room.checkin_opens + room.checkins + 120
    while room.joined < room.phones and time.perf_counter() < deadline:
        await asyncio.sleep(0.5)
    for index in range(1, len(room.questions) + 1):
        await host.get("host page", f"{live}/host")
        await host.post("host", f"{live}/next", {})
        opened = time.perf_counter()
        while time.perf_counter() - opened < room.seconds + 1:
            last = room.projector[-1] if room.projector else None
            if last and last[1:3] == ("open", index) and last[3] >= room.joined:
                break
            await asyncio.sleep(0.1)
        await host.get("host page", f"{live}/host")
        await host.post("host", f"{live}/results", {})
        await asyncio.sleep(2)
    await host.get("host page", f"{live}/host")
    await host.post("host", f"{live}/finish", {})


def delays(room: Room) -> tuple[list[float], int]:
    """For each answer, the time from its response to the first projector poll, after it,
    that counted it (the count of answers reached its rank)."""
    out, missed = [], 0
    for index, times in room.answered.items():
        polls = [(t, n) for t, status, i, n in room.projector if i == index and status != "lobby"]
        for rank, stored in enumerate(sorted(times), 1):
            seen = next((t for t, n in polls if t >= stored and n >= rank), None)
            if seen is None:
                missed += 1
            else:
                out.append(seen - stored)
    return out, missed


async def simulate(room: Room) -> None:
    host = Phone(room.base, room.staff_log)
    await host.get("page", "/login")
    await host.post("login", "/login", {"email": HOST_EMAIL, "password": PASSWORD})
    await host.get("host page", f"/live/{room.live_id}/host")
    room.checkin_opens = time.perf_counter() + room.logins
    phones = [asyncio.create_task(phone_day(room, n)) for n in range(room.phones)]
    screen = asyncio.create_task(projector(room, host))
    await host_day(room, host)
    await asyncio.wait_for(asyncio.gather(*phones), timeout=120)
    room.finished = True
    await screen
