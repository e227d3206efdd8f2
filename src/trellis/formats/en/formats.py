"""One date format on every page (issue 20: "Dec. 5, 2026" beside "6 Dec
2026"): day, short month, year; Django's ``date`` filter and every date
shown without a filter use it."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
