"""proxisante: planning local primary and home care in under-served French territories.

Packages follow one data flow (``docs/data-flow.md``): ``territory`` and ``offer`` →
``travel`` → ``access`` → ``scenarios`` → ``plan`` → ``workspace`` (the application layer)
→ ``report`` → ``web`` / ``cli``. Nothing heavy is imported here.
"""
