"""xAPI (Experience API) statements in and out: a Statements resource that
outside tools post to (an LRS subset), and an outbox of Trellis's own events
sent to an outside LRS by ``trellis send-xapi``. See docs/xapi.md."""
