"""Background work that people can watch: a :class:`~trellis.jobs.models.TaskRun`
per task started from a page (or by the schedule), its progress, report and
error, shown on a page, polled by htmx, and through the API."""
