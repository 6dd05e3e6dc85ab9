"""iCalendar (RFC 5545) feeds of seminar sessions, for calendar apps to subscribe to.

Written with the `icalendar` package, which escapes and folds every text: a title or a name
with a line break or a bare carriage return cannot start a property of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import icalendar


@dataclass(frozen=True)
class Event:
    uid: str
    starts: datetime
    ends: datetime
    summary: str
    location: str = ""
    description: str = ""


def calendar(name: str, events: Iterable[Event], *, stamp: datetime) -> str:
    feed = icalendar.Calendar()
    feed.add("prodid", "-//seminar//S.O.T. Seminar//EN")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    # An X- property is not known to be text, so it is not escaped unless said to be.
    feed.add("x-wr-calname", icalendar.vText(name))
    for event in events:
        entry = icalendar.Event()
        entry.add("uid", event.uid)
        entry.add("dtstamp", stamp)
        entry.add("dtstart", event.starts)
        entry.add("dtend", event.ends)
        entry.add("summary", event.summary)
        if event.location:
            entry.add("location", event.location)
        if event.description:
            entry.add("description", event.description)
        feed.add_component(entry)
    return feed.to_ical().decode()
